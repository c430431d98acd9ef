#!/usr/bin/env python3
"""Guided stabilisation (issue 4) against real peers: `capture` and `check` steps query a real
Prometheus 2.42 (Debian's package) that scrapes a test exporter — a real HTTP server in this test
whose /metrics value the test sets — and the lease of a running action is renewed while it runs,
so a second vakt on the same PostgreSQL database never mistakes it for a crashed one (but does
turn it into outcome_unknown once its process is killed)."""

import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from urllib.request import urlopen

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, free_port, main, rfc3339, vakt_bin,  # noqa: E402
                          wait_until)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROMETHEUS = "/usr/bin/prometheus"
PEER_TIMEOUT_S = 60.0
QUERY = 'vakt_test_error_rate{model="credit-pd"}'

PROM_RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: error-rate, title: Error rate too high, version: 1, owners: [team:ml-credit]}
detection:
  match: {alertname: ErrorRate}
  group_by: [alertname, case]
  group_wait: 1s
stabilise:
  - id: capture-metrics
    title: Keep the error rate as it was when the incident opened
    auto: true
    action:
      capture:
        - {name: error-rate-now, prometheus: 'QUERY'}
        - {name: error-rate-range, prometheus: 'QUERY', range: 5m}
  - id: wait-recovered
    title: Error rate under 1 % for 2 s
    action:
      check: {prometheus: 'QUERY', condition: "< 0.01", for: 2s, interval: 1s, timeout: 90s}
  - id: wait-impossible
    title: A condition that never holds
    action:
      check: {prometheus: 'QUERY', condition: "> 100", interval: 1s, timeout: 4s}
investigate:
  steps:
    - {id: look, title: Look, action: {manual: {instructions: Look.}}}
resolve:
  verify:
    - {id: ok, title: OK, action: {manual: {instructions: Check.}}}
""".replace("QUERY", QUERY)

LEASE_RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: long-action, title: A long action, version: 1, owners: [team:ml-credit]}
detection:
  match: {alertname: LongAction}
  group_by: [alertname, case]
  group_wait: 1s
stabilise:
  - id: long
    title: Runs for several leases
    action:
      command: {argv: [/bin/sleep, "ARG"], timeout: 60s}
investigate:
  steps:
    - {id: look, title: Look, action: {manual: {instructions: Look.}}}
resolve:
  verify:
    - {id: ok, title: OK, action: {manual: {instructions: Check.}}}
"""


class Exporter:
    """A real HTTP server exposing one gauge in the Prometheus text format; the test sets it."""

    def __init__(self, value):
        self.value = value
        exporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = ("# TYPE vakt_test_error_rate gauge\n"
                        'vakt_test_error_rate{model="credit-pd"} %s\n' % exporter.value).encode()
                self.send_response(200 if self.path == "/metrics" else 404)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def prom_value(prom_url):
    try:
        with urlopen(prom_url + "/api/v1/query?query=" + urllib.parse.quote(QUERY),
                     timeout=2) as answer:
            result = json.load(answer)["data"]["result"]
            return result[0]["value"][1] if result else None
    except OSError:
        return None


class StabilisePeersTest(VaktTestCase):
    def start_prometheus(self, exporter):
        if not os.access(PROMETHEUS, os.X_OK):
            print("\nSKIP %s: %s is not installed" % (self.id(), PROMETHEUS))
            self.skipTest(PROMETHEUS + " is not installed")
        promdir = self.make_tempdir(prefix="vakt-e2e-prom-")
        with open(os.path.join(promdir, "prometheus.yml"), "w") as out:
            out.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                      "scrape_configs:\n  - job_name: model\n    static_configs:\n"
                      "      - targets: ['127.0.0.1:%d']\n" % exporter.port)
        port = free_port()
        prom = self.start_process([
            PROMETHEUS, "--config.file=" + os.path.join(promdir, "prometheus.yml"),
            "--storage.tsdb.path=" + os.path.join(promdir, "data"),
            "--web.listen-address=127.0.0.1:%d" % port], "prometheus", cwd=promdir)
        url = "http://127.0.0.1:%d" % port

        def scraped():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + open(prom.log_path).read()[-2000:])
            return prom_value(url)
        wait_until(scraped, PEER_TIMEOUT_S, interval=0.5, what="prometheus to scrape the exporter")
        return url

    def start_vakt_with(self, runbook, database=None, extra=None, lease_ms=3000):
        vakt = self.new_vakt(database=database, extra=extra)
        with open(vakt.config_path, "a", encoding="utf-8") as out:
            out.write('actions:\n  egress_allow: ["127.0.0.1/32:*"]\n  lease_grace_ms: %d\n'
                      % lease_ms)
        with open(os.path.join(vakt.workdir, "runbooks", "runbook.yaml"), "w") as out:
            out.write(runbook)
        vakt.start()
        return vakt

    def open_incident(self, vakt, alertname, case):
        alert = [{"labels": {"alertname": alertname, "case": case}}]
        self.assertStatus(vakt.post("/api/v2/alerts", alert), 200)

        def find():
            for incident in vakt.get("/api/v1/incidents").json()["incidents"]:
                if case in incident.get("group_key", ""):
                    return incident["id"]
            return None
        return wait_until(find, 30, what="incident for case " + case)

    def step(self, vakt, incident, step_id):
        response = vakt.get("/api/v1/incidents/%s/steps/%s" % (incident, step_id))
        self.assertStatus(response, 200)
        return response.json()

    def wait_state(self, vakt, incident, step_id, states, timeout=60):
        return wait_until(lambda: (lambda s: s if s["state"] in states else None)(
            self.step(vakt, incident, step_id)), timeout, interval=0.2,
            what="%s in %s" % (step_id, states))

    def run_step(self, vakt, incident, step_id):
        if not hasattr(vakt, "responder_token"):
            created = vakt.post("/api/v1/tokens", {"name": "alice", "role": "responder"})
            self.assertStatus(created, 201, "responder token")
            vakt.responder_token = created.json()["token"]
        token = vakt.responder_token
        response = vakt.post("/api/v1/incidents/%s/steps/%s/run" % (incident, step_id), {},
                             headers={"Authorization": "Bearer " + token})
        self.assertStatus(response, 202, "run " + step_id)

    def test_auto_capture_stores_prometheus_instant_and_range_results_as_evidence(self):
        exporter = Exporter("0.25")
        self.addCleanup(exporter.stop)
        prom_url = self.start_prometheus(exporter)
        vakt = self.start_vakt_with(PROM_RUNBOOK, extra={"prometheus_url": prom_url})
        incident = self.open_incident(vakt, "ErrorRate", "capture")
        captured = self.wait_state(vakt, incident, "capture-metrics", {"succeeded", "failed"})
        self.assertEqual(captured["state"], "succeeded", captured)
        self.assertEqual(captured["history"][-1]["actor"], "system")
        self.assertEqual(len(captured["runs"][0]["evidence"]), 2)

        listed = vakt.get("/api/v1/incidents/%s/evidence" % incident).json()["evidence"]
        by_name = {item["name"]: item for item in listed}
        self.assertEqual(set(by_name), {"error-rate-now", "error-rate-range"})
        for item in by_name.values():
            self.assertEqual((item["kind"], item["source"], item["step"]),
                             ("prometheus", QUERY, "capture-metrics"))
            self.assertEqual(item["created_by"], "system:auto")
            blob = vakt.get(item["url"])
            self.assertStatus(blob, 200)
            # Content-addressed: the name of a blob is the SHA-256 of its bytes.
            self.assertEqual(hashlib.sha256(blob.body).hexdigest(), item["sha256"])
            self.assertEqual(len(blob.body), item["size"])
        instant = json.loads(vakt.get(by_name["error-rate-now"]["url"]).body)
        self.assertEqual((instant["status"], instant["data"]["resultType"]), ("success", "vector"))
        series = instant["data"]["result"][0]
        self.assertEqual(series["metric"]["model"], "credit-pd")
        self.assertEqual(series["value"][1], "0.25")
        ranged = json.loads(vakt.get(by_name["error-rate-range"]["url"]).body)
        self.assertEqual((ranged["status"], ranged["data"]["resultType"]), ("success", "matrix"))
        self.assertTrue(ranged["data"]["result"][0]["values"])
        self.assertEqual({v[1] for v in ranged["data"]["result"][0]["values"]}, {"0.25"})

    def test_check_polls_prometheus_until_the_condition_holds_and_times_out_when_it_never_does(self):
        exporter = Exporter("0.25")
        self.addCleanup(exporter.stop)
        prom_url = self.start_prometheus(exporter)
        vakt = self.start_vakt_with(PROM_RUNBOOK, extra={"prometheus_url": prom_url})
        incident = self.open_incident(vakt, "ErrorRate", "check")

        self.run_step(vakt, incident, "wait-impossible")
        self.run_step(vakt, incident, "wait-recovered")
        timed_out = self.wait_state(vakt, incident, "wait-impossible",
                                    {"succeeded", "failed", "timed_out"})
        self.assertEqual(timed_out["state"], "timed_out", timed_out)
        self.assertIn("value 0.25", timed_out["runs"][0]["output_excerpt"])
        # Still polling: the error rate has not come down.
        self.assertEqual(self.step(vakt, incident, "wait-recovered")["state"], "running")

        exporter.value = "0.001"
        wait_until(lambda: prom_value(prom_url) == "0.001", PEER_TIMEOUT_S, interval=0.5,
                   what="prometheus to see the recovered value")
        recovered = self.wait_state(vakt, incident, "wait-recovered",
                                    {"succeeded", "failed", "timed_out"})
        self.assertEqual(recovered["state"], "succeeded", recovered)
        self.assertIn("condition held", recovered["runs"][0]["output_excerpt"])
        self.assertIn("value 0.001", recovered["runs"][0]["output_excerpt"])

    def test_a_running_action_keeps_its_lease_and_a_crashed_one_is_settled_by_another_instance(self):
        database = self.postgres_database()
        # Two processes on one database, each with a 2 s lease: the instance running the
        # action renews it; the other settles expired leases every second.
        runner = self.start_vakt_with(LEASE_RUNBOOK.replace("ARG", "8"), database=database,
                                      lease_ms=2000)
        watcher = self.start_vakt_with(LEASE_RUNBOOK.replace("ARG", "8"), database=database,
                                       lease_ms=2000)
        incident = self.open_incident(runner, "LongAction", "lease")
        self.run_step(runner, incident, "long")
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = self.step(watcher, incident, "long")["state"]
            seen.add(state)
            if state not in ("running",):
                break
            time.sleep(0.3)
        done = self.step(watcher, incident, "long")
        self.assertEqual(done["state"], "succeeded", done)
        self.assertNotIn("outcome_unknown", seen)
        self.assertEqual(len(done["runs"]), 1)

        # The runner dies mid-action: the other instance turns it into outcome_unknown (never
        # a re-run) once the lease is no longer renewed.
        with open(os.path.join(runner.workdir, "runbooks", "runbook.yaml"), "w") as out:
            out.write(LEASE_RUNBOOK.replace("ARG", "30"))
        with open(os.path.join(watcher.workdir, "runbooks", "runbook.yaml"), "w") as out:
            out.write(LEASE_RUNBOOK.replace("ARG", "30"))
        # vakt writes data_dir/admin.token only on the first start against an empty database:
        # the watcher, started second on the same database, has none. Tokens live in the
        # database, so the runner's admin token is valid on both instances.
        admin_token = runner.admin_token()
        self.assertTrue(admin_token, "the first instance wrote no admin token")
        for vakt in (runner, watcher):
            self.assertStatus(vakt.post("/api/v1/runbooks/reload", {},
                                        headers={"Authorization": "Bearer " + admin_token}), 200)
        # The finished incident keeps the version it pinned, read back from the version store
        # on this engine.
        self.assertEqual(self.step(watcher, incident, "long")["preview"]["argv"], ["/bin/sleep", "8"])
        second = self.open_incident(runner, "LongAction", "crash")
        self.run_step(runner, second, "long")
        running = self.wait_state(watcher, second, "long", {"running"})
        self.assertEqual(running["preview"]["argv"], ["/bin/sleep", "30"])
        time.sleep(5)  # more than two leases: renewal is what keeps it running
        self.assertEqual(self.step(watcher, second, "long")["state"], "running")
        runner.kill()
        unknown = self.wait_state(watcher, second, "long", {"outcome_unknown"}, timeout=30)
        self.assertIn("lease", unknown["history"][-1]["reason"])
        self.assertEqual(len(unknown["runs"]), 1)


class Recorder:
    """A real HTTP service (model router, flag service or model registry) that records every
    request and answers 200 with a JSON body."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                with recorder.lock:
                    recorder.received.append({"method": self.command, "path": self.path,
                                              "body": body, "headers": dict(self.headers)})
                payload = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def changes(self):
        with self.lock:
            return [r for r in self.received if r["method"] != "GET"]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ContainmentPresetsTest(VaktTestCase):
    """The three containment moves exactly as the example runbooks write them (only group_wait
    is shortened), against real HTTP services that record what they received
    (docs/containment_contracts.md)."""

    def setUp(self):
        self.router, self.flags, self.registry = Recorder(), Recorder(), Recorder()
        for service in (self.router, self.flags, self.registry):
            self.addCleanup(service.stop)
        saved = {name: os.environ.get(name) for name in ("ROUTER_URL", "FLAGS_URL",
                                                          "MODEL_REGISTRY_URL")}
        os.environ.update({"ROUTER_URL": self.router.url, "FLAGS_URL": self.flags.url,
                           "MODEL_REGISTRY_URL": self.registry.url})

        def restore():
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        self.addCleanup(restore)
        self.vakt = self.new_vakt(extra={"catalog": os.path.join(REPO, "examples", "pipelines.yaml")})
        with open(self.vakt.config_path, "a", encoding="utf-8") as out:
            out.write('actions:\n  egress_allow: ["127.0.0.1/32:*"]\n')
        for name in ("credit-regression-after-deploy", "fraud-serving-errors-latency"):
            with open(os.path.join(REPO, "examples", "runbooks", name + ".yaml")) as source:
                text = re.sub(r"group_wait: \w+", "group_wait: 1s", source.read())
            with open(os.path.join(self.vakt.workdir, "runbooks", name + ".yaml"), "w") as out:
                out.write(text)
        self.vakt.start()
        self.responder = self.token("alice", "responder")
        self.approver = self.token("bob", "approver")
        self.approver2 = self.token("carol", "approver")

    def token(self, name, role):
        return self.mint_token(self.vakt, name, role)

    def act(self, incident, step_id, verb, token, body=None):
        return self.vakt.post("/api/v1/incidents/%s/steps/%s/%s" % (incident, step_id, verb),
                              body or {}, headers={"Authorization": "Bearer " + token})

    def step(self, incident, step_id):
        response = self.vakt.get("/api/v1/incidents/%s/steps/%s" % (incident, step_id))
        self.assertStatus(response, 200)
        return response.json()

    def open_incident(self, runbook, pipeline, versions, labels):
        now = time.time()
        for age, version in zip((7200, 3600), versions):
            self.assertStatus(self.vakt.post("/api/v1/deployments", {
                "pipeline": pipeline, "version": version, "timestamp": rfc3339(now - age)}), 201)
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}]), 200)

        def opened():
            found = self.vakt.get("/api/v1/incidents?" + urllib.parse.urlencode(
                {"runbook": runbook, "state": "open"})).json()["incidents"]
            return found[0]["id"] if found else None
        return wait_until(opened, 30, interval=0.2, what="incident of " + pipeline)

    def approve_and_run(self, incident, step_id, approvers):
        requested = self.act(incident, step_id, "request", self.responder, {"reason": "contain"})
        self.assertStatus(requested, 200, "request " + step_id)
        content_hash = requested.json()["content_hash"]
        for token in approvers:
            self.assertStatus(self.act(incident, step_id, "approve", token,
                                       {"content_hash": content_hash}), 200, "approve")
        self.assertEqual(self.step(incident, step_id)["state"], "approved")
        self.assertStatus(self.act(incident, step_id, "run", self.responder), 202, "run")
        done = wait_until(lambda: (lambda s: s if s["state"] not in ("running",) else None)(
            self.step(incident, step_id)), 60, interval=0.2, what=step_id + " to finish")
        self.assertEqual(done["state"], "succeeded", done)
        return done

    def test_model_rollback_sets_the_registry_alias_back_to_the_previous_version(self):
        incident = self.open_incident("credit-regression-after-deploy", "credit-risk", ("11", "12"), {
            "alertname": "ModelAUCBelowBaseline", "pipeline": "credit-risk", "model": "pd-logit"})
        # The auto capture ran first and recorded the registry state before any change.
        wait_until(lambda: self.step(incident, "capture-before-rollback")["state"]
                   in ("succeeded", "failed"), 60, interval=0.2, what="auto capture")
        self.assertEqual([r["path"] for r in self.registry.received][:1],
                         ["/api/2.0/mlflow/registered-models/get?name=credit-pd-logit"])
        done = self.approve_and_run(incident, "rollback-champion-alias", [self.approver])
        changes = self.registry.changes()
        self.assertEqual(len(changes), 1)
        self.assertEqual((changes[0]["method"], changes[0]["path"]),
                         ("POST", "/api/2.0/mlflow/registered-models/alias"))
        self.assertEqual(json.loads(changes[0]["body"]),
                         {"name": "credit-pd-logit", "alias": "champion", "version": "11"})
        self.assertEqual(changes[0]["headers"]["Content-Type"], "application/json")
        self.assertTrue(changes[0]["headers"].get("Idempotency-Key"))

        # Result and evidence are visible from the CLI too.
        def cli(*args):
            return subprocess.run([vakt_bin(), "step"] + list(args) + [
                "--server", self.vakt.url, "--token", self.responder],
                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        shown = cli("show", incident, "rollback-champion-alias")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("state:    succeeded", shown.stdout)
        self.assertIn("approve by bob", shown.stdout)
        for digest in done["runs"][0]["evidence"]:
            self.assertIn("evidence " + digest, shown.stdout)
        listed = cli("evidence", incident)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        captured = self.vakt.get("/api/v1/incidents/%s/evidence" % incident).json()["evidence"]
        self.assertTrue(captured)
        for item in captured:
            self.assertIn(item["sha256"], listed.stdout)
        self.assertIn("registry-versions", listed.stdout)

    def test_traffic_shift_and_kill_switch_send_the_documented_requests(self):
        incident = self.open_incident("fraud-serving-errors-latency", "fraud-scoring", ("41", "42"), {
            "alertname": "ServingErrorRateHigh", "pipeline": "fraud-scoring"})
        self.approve_and_run(incident, "shift-traffic-previous-version", [self.approver])
        shifted = self.router.changes()
        self.assertEqual(len(shifted), 1)
        self.assertEqual((shifted[0]["method"], shifted[0]["path"]),
                         ("PUT", "/v1/routes/fraud-scoring"))
        self.assertEqual(json.loads(shifted[0]["body"]),
                         {"weights": {"41": 100, "42": 0}, "reason": incident})

        # The kill switch is critical: two distinct approvers.
        requested = self.act(incident, "kill-switch-rules-only", "request", self.responder)
        first = self.act(incident, "kill-switch-rules-only", "approve", self.approver,
                         {"content_hash": requested.json()["content_hash"]})
        self.assertEqual(first.json()["state"], "awaiting_approval")
        self.assertProblem(self.act(incident, "kill-switch-rules-only", "run", self.responder), 409)
        self.assertEqual(self.flags.changes(), [])
        self.assertStatus(self.act(incident, "kill-switch-rules-only", "approve", self.approver2,
                                   {"content_hash": requested.json()["content_hash"]}), 200)
        self.assertStatus(self.act(incident, "kill-switch-rules-only", "run", self.responder), 202)
        wait_until(lambda: self.step(incident, "kill-switch-rules-only")["state"] == "succeeded",
                   60, interval=0.2, what="kill switch to succeed")
        flagged = self.flags.changes()
        self.assertEqual(len(flagged), 1)
        self.assertEqual((flagged[0]["method"], flagged[0]["path"]),
                         ("PATCH", "/api/v1/flags/fraud-ml-scoring"))
        self.assertEqual(json.loads(flagged[0]["body"]),
                         {"enabled": False, "reason": incident + " kill switch"})


if __name__ == "__main__":
    main()
