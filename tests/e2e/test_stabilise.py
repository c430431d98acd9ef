#!/usr/bin/env python3
"""Guided stabilisation (issue 4) on a real `vakt serve`: runbook steps rendered from the incident,
approvals by a second person bound to the exact rendered content, execution against a fake model
registry that is a real HTTP server recording what it received, command actions with argv and a
timeout, and evidence captured automatically when the incident opens."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import VaktTestCase, main, rfc3339, vakt_bin, wait_until  # noqa: E402

CATALOG = """apiVersion: vakt/v1
kind: PipelineCatalog
env_allow_list: [REGISTRY_URL]
pipelines:
  - id: credit-risk
    title: Credit risk scoring
    team: ml-credit
    models: [{name: credit-pd, registry_name: credit-pd}]
"""

RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: credit-rollback, title: Credit model regression, version: 1, owners: [team:ml-credit]}
context: {pipeline: credit-risk}
detection:
  match: {alertname: CreditRegression}
  group_by: [alertname, case]
  group_wait: 1s
stabilise:
  - id: capture-state
    title: Capture the registry state and the model label before anything changes
    auto: true
    action:
      capture:
        - {name: registry-state, http: "{{env.REGISTRY_URL}}/state"}
        - {name: model-label, command: [/bin/echo, "{{alert.labels.model}}"]}
  - id: rollback-model
    title: Point the champion alias back at the previous version
    risk: high
    approval: {roles: [approver], count: 1, distinct_from_requester: true, expires: 10m}
    action:
      http:
        method: POST
        url: "{{env.REGISTRY_URL}}/api/2.0/mlflow/registered-models/alias"
        json: {name: "{{alert.labels.model}}", alias: ALIAS, version: "{{incident.context.previous_version}}", note: "{{alert.annotations.summary}}"}
        expect_status: [200]
  - id: quick-approval
    title: An approval that expires fast
    risk: high
    approval: {roles: [approver], expires: 2s}
    action:
      http:
        method: POST
        url: "{{env.REGISTRY_URL}}/never"
        json: {x: 1}
  - id: two-admins
    title: A change two admins must approve (a named role next to a vakt role)
    risk: high
    approval: {roles: [model-risk, admin], count: 2, expires: 10m}
    action:
      http: {method: POST, url: "{{env.REGISTRY_URL}}/two-admins", json: {incident: "{{incident.id}}"}}
  - id: echo-label
    title: Echo the model label
    action:
      command: {argv: [/bin/echo, "{{alert.labels.model}}"], timeout: 5s}
  - id: hang
    title: A command that floods output and hangs
    timeout: 2s
    action:
      command: {argv: [/usr/bin/yes, flood], timeout: 2s}
  - id: slow
    title: A command still running when vakt dies
    timeout: 3s
    action:
      command: {argv: [/bin/sleep, "30"], timeout: 3s}
  - id: drill-safe
    title: A change that a drill must never send
    action:
      http: {method: POST, url: "{{env.REGISTRY_URL}}/drill-target", json: {incident: "{{incident.id}}"}}
  - id: to-metadata
    title: A request the egress policy must refuse
    action:
      http: {method: POST, url: "http://169.254.169.254/latest/meta-data", json: {x: 1}}
investigate:
  steps:
    - {id: look, title: Look, action: {manual: {instructions: "Check {{alert.labels.model}}."}}}
resolve:
  verify:
    - {id: ok, title: AUC back, action: {manual: {instructions: Check.}}}
"""

HOSTILE_MODEL = "credit-pd; rm -rf / $(id) `id` {{incident.id}}"


class Registry:
    """A fake MLflow-style model registry: a real HTTP server that records every request."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                with registry.lock:
                    registry.received.append({"method": self.command, "path": self.path,
                                              "body": body, "headers": dict(self.headers)})

            def do_GET(self):
                self._record()
                payload = json.dumps({"aliases": {"champion": "7"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                self._record()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def posts(self, path):
        with self.lock:
            return [r for r in self.received if r["method"] == "POST" and r["path"] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


ALIAS_PATH = "/api/2.0/mlflow/registered-models/alias"


class StabiliseTest(VaktTestCase):
    @classmethod
    def setUpClass(cls):
        cls.registry = Registry()
        cls.addClassCleanup(cls.registry.stop)
        os.environ["REGISTRY_URL"] = cls.registry.url

    def setUp(self):
        self.vakt = self.new_vakt(extra={"catalog": "pipelines.yaml"})
        with open(self.vakt.config_path, "a", encoding="utf-8") as out:
            out.write('actions:\n  egress_allow: ["127.0.0.1/32:*"]\n  lease_grace_ms: 1000\n')
        with open(os.path.join(self.vakt.workdir, "pipelines.yaml"), "w", encoding="utf-8") as out:
            out.write(CATALOG)
        self.write_runbook("champion")
        self.vakt.start()
        self.responder = self.token("alice", "responder")
        self.approver = self.token("bob", "approver")
        self.approver2 = self.token("carol", "approver")

    def write_runbook(self, alias):
        path = os.path.join(self.vakt.workdir, "runbooks", "credit.yaml")
        with open(path, "w", encoding="utf-8") as out:
            out.write(RUNBOOK.replace("ALIAS", alias))

    def token(self, name, role):
        return self.bearer(self.vakt, name, role)

    def open_incident(self, case, model="credit-pd"):
        now = time.time()
        for version, age in (("6", 7200), ("7", 3600)):
            response = self.vakt.post("/api/v1/deployments", {
                "pipeline": "credit-risk", "version": version, "timestamp": rfc3339(now - age)})
            self.assertStatus(response, 201, "deployment " + version)
        alert = [{"labels": {"alertname": "CreditRegression", "case": case, "model": model,
                             "pipeline": "credit-risk"},
                  "annotations": {"summary": 'AUC fell "sharply" {{runbook.id}}'}}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200)

        def find():
            for incident in self.vakt.get("/api/v1/incidents").json()["incidents"]:
                if incident.get("group_labels", {}).get("case") == case or case in incident.get("group_key", ""):
                    return incident["id"]
            return None
        return wait_until(find, 30, what="incident for case " + case)

    def step(self, incident, step_id):
        response = self.vakt.get("/api/v1/incidents/%s/steps/%s" % (incident, step_id))
        self.assertStatus(response, 200)
        return response.json()

    def act(self, incident, step_id, verb, headers, body=None):
        return self.vakt.post("/api/v1/incidents/%s/steps/%s/%s" % (incident, step_id, verb),
                              body or {}, headers=headers)

    def wait_state(self, incident, step_id, states, timeout=30):
        return wait_until(lambda: (lambda s: s if s["state"] in states else None)(
            self.step(incident, step_id)), timeout, interval=0.2,
            what="%s in %s" % (step_id, states))

    def audit_actions(self, subject):
        response = self.vakt.get("/api/v1/audit/records?subject=" + subject)
        if response.status != 200:
            return None
        return [r["action"] for r in response.json()["records"]]

    def test_high_risk_rollback_waits_for_a_second_person_and_sends_exactly_the_approved_body(self):
        incident = self.open_incident("rollback", model=HOSTILE_MODEL)
        before = len(self.registry.posts(ALIAS_PATH))
        step = self.step(incident, "rollback-model")
        self.assertEqual((step["state"], step["risk"], step["requires_approval"]),
                         ("pending", "high", True))
        # A JSON body is shown as JSON (action/dry_run.h), not as a string to parse again.
        preview_body = step["preview"]["body"]
        self.assertIsInstance(preview_body, dict)
        # Alert text is data: metacharacters and template tags stay literal.
        self.assertEqual(preview_body["name"], HOSTILE_MODEL)
        self.assertEqual(preview_body["version"], "6")
        self.assertEqual(preview_body["note"], 'AUC fell "sharply" {{runbook.id}}')

        # Running before approval is refused; a responder cannot approve.
        self.assertProblem(self.act(incident, "rollback-model", "run", self.responder), 409)
        requested = self.act(incident, "rollback-model", "request", self.responder,
                             {"reason": "AUC dropped after v7"})
        self.assertStatus(requested, 200)
        self.assertEqual(requested.json()["state"], "awaiting_approval")
        content_hash = requested.json()["content_hash"]
        self.assertProblem(self.act(incident, "rollback-model", "approve", self.responder,
                                    {"content_hash": content_hash}), 403)
        # An approval for content the approver did not see is refused.
        self.assertProblem(self.act(incident, "rollback-model", "approve", self.approver,
                                    {"content_hash": "0" * 64}), 409)
        approved = self.act(incident, "rollback-model", "approve", self.approver,
                            {"content_hash": content_hash, "reason": "checked v6 metrics"})
        self.assertStatus(approved, 200)
        self.assertEqual(approved.json()["state"], "approved")
        self.assertEqual([a["by"] for a in approved.json()["approvals"]], ["bob"])
        # A duplicate approval by the same person does not count twice.
        self.assertProblem(self.act(incident, "rollback-model", "approve", self.approver,
                                    {"content_hash": content_hash}), 409)

        # Two concurrent runs: exactly one execution.
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            self.act(incident, "rollback-model", "run", self.responder).status)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results).count(202), 1, results)
        done = self.wait_state(incident, "rollback-model", {"succeeded", "failed"})
        self.assertEqual(done["state"], "succeeded", done)
        posts = self.registry.posts(ALIAS_PATH)[before:]
        self.assertEqual(len(posts), 1)
        self.assertEqual(json.loads(posts[0]["body"]), preview_body)
        self.assertTrue(posts[0]["headers"].get("Idempotency-Key"))
        self.assertEqual(len(done["runs"]), 1)
        self.assertEqual(done["runs"][0]["outcome"], "succeeded")
        actions = self.audit_actions("step/%s/rollback-model" % incident)
        if actions is not None:
            self.assertEqual(actions[:5], ["step.request", "step.approve", "step.approved",
                                           "step.run", "step.finish"])

    def test_requester_cannot_approve_their_own_request_and_deny_ends_the_step(self):
        incident = self.open_incident("self")
        requested = self.act(incident, "rollback-model", "request", self.approver)
        self.assertStatus(requested, 200)
        content_hash = requested.json()["content_hash"]
        self.assertProblem(self.act(incident, "rollback-model", "approve", self.approver,
                                    {"content_hash": content_hash}), 403)
        denied = self.act(incident, "rollback-model", "deny", self.approver2,
                          {"content_hash": content_hash, "reason": "v6 has the same bug"})
        self.assertStatus(denied, 200)
        self.assertEqual(denied.json()["state"], "skipped")
        self.assertEqual(denied.json()["approval"]["state"], "denied")
        self.assertProblem(self.act(incident, "rollback-model", "run", self.responder), 409)

    def test_expired_approval_request_is_denied(self):
        incident = self.open_incident("expiry")
        requested = self.act(incident, "quick-approval", "request", self.responder)
        self.assertStatus(requested, 200)
        time.sleep(2.5)
        self.assertProblem(self.act(incident, "quick-approval", "approve", self.approver,
                                    {"content_hash": requested.json()["content_hash"]}), 409)
        step = self.step(incident, "quick-approval")
        self.assertEqual(step["state"], "skipped")
        self.assertIn("expired", step["history"][-1]["reason"])
        self.assertEqual(self.registry.posts("/never"), [])

    def test_reload_mid_incident_keeps_the_pinned_runbook_version(self):
        incident = self.open_incident("pinned")
        before = len(self.registry.posts(ALIAS_PATH))
        requested = self.act(incident, "rollback-model", "request", self.responder)
        content_hash = requested.json()["content_hash"]
        approved = self.act(incident, "rollback-model", "approve", self.approver,
                            {"content_hash": content_hash})
        self.assertEqual(approved.json()["state"], "approved")

        # The runbook changes under the open incident: its steps keep the version it pinned.
        self.write_runbook("production")
        self.assertStatus(self.vakt.post("/api/v1/runbooks/reload", {}), 200)
        pinned = self.step(incident, "rollback-model")
        self.assertEqual(pinned["content_hash"], content_hash)
        self.assertEqual(pinned["preview"]["body"]["alias"], "champion")
        # A new incident opens with the version now loaded.
        later = self.open_incident("after-reload")
        self.assertEqual(self.step(later, "rollback-model")["preview"]["body"]["alias"],
                         "production")

        # After a restart the pinned version is no longer loaded anywhere but the version store.
        self.vakt.stop()
        self.vakt.start()
        pinned = self.step(incident, "rollback-model")
        self.assertEqual((pinned["state"], pinned["content_hash"]), ("approved", content_hash))
        self.assertStatus(self.act(incident, "rollback-model", "run", self.responder), 202)
        done = self.wait_state(incident, "rollback-model", {"succeeded", "failed"})
        self.assertEqual(done["state"], "succeeded", done)
        posts = self.registry.posts(ALIAS_PATH)[before:]
        self.assertEqual([json.loads(p["body"])["alias"] for p in posts], ["champion"])

    def test_changed_content_voids_the_approval(self):
        incident = self.open_incident("change")
        other = Registry()
        self.addCleanup(other.stop)
        before = len(self.registry.posts(ALIAS_PATH))
        requested = self.act(incident, "rollback-model", "request", self.responder)
        approved = self.act(incident, "rollback-model", "approve", self.approver,
                            {"content_hash": requested.json()["content_hash"]})
        self.assertEqual(approved.json()["state"], "approved")
        # The allow-listed environment is template input: a restart with another registry URL
        # renders another request than the one approved.
        self.vakt.stop()
        os.environ["REGISTRY_URL"] = other.url
        try:
            self.vakt.start()
        finally:
            os.environ["REGISTRY_URL"] = self.registry.url
        changed = self.step(incident, "rollback-model")
        self.assertNotEqual(changed["content_hash"], requested.json()["content_hash"])
        self.assertIn(other.url, changed["preview"]["url"])
        self.assertProblem(self.act(incident, "rollback-model", "run", self.responder), 409)
        voided = self.step(incident, "rollback-model")
        self.assertEqual(voided["state"], "awaiting_approval")
        self.assertIn("approval void", voided["history"][-1]["reason"])
        self.assertEqual(len(self.registry.posts(ALIAS_PATH)), before)
        self.assertEqual(other.posts(ALIAS_PATH), [])

    def test_named_approval_roles_count_only_vakt_roles_and_two_distinct_admins_are_needed(self):
        incident = self.open_incident("two-admins")
        admin1 = self.token("dana", "admin")
        admin2 = self.token("erin", "admin")
        requested = self.act(incident, "two-admins", "request", self.responder)
        self.assertStatus(requested, 200)
        content_hash = requested.json()["content_hash"]
        # An approver holds neither admin nor the named role nobody can hold.
        self.assertProblem(self.act(incident, "two-admins", "approve", self.approver,
                                    {"content_hash": content_hash}), 403)
        first = self.act(incident, "two-admins", "approve", admin1, {"content_hash": content_hash})
        self.assertStatus(first, 200)
        self.assertEqual(first.json()["state"], "awaiting_approval")
        self.assertEqual((first.json()["approval"]["given"], first.json()["approval"]["needed"]),
                         (1, 2))
        self.assertProblem(self.act(incident, "two-admins", "run", self.responder), 409)
        self.assertProblem(self.act(incident, "two-admins", "approve", admin1,
                                    {"content_hash": content_hash}), 409)
        second = self.act(incident, "two-admins", "approve", admin2, {"content_hash": content_hash})
        self.assertEqual(second.json()["state"], "approved")
        self.assertEqual(sorted(a["by"] for a in second.json()["approvals"]), ["dana", "erin"])
        self.assertStatus(self.act(incident, "two-admins", "run", self.responder), 202)
        done = self.wait_state(incident, "two-admins", {"succeeded", "failed"})
        self.assertEqual(done["state"], "succeeded", done)
        self.assertEqual(len(self.registry.posts("/two-admins")), 1)

    def test_commands_run_with_argv_and_a_timeout_and_egress_is_enforced(self):
        incident = self.open_incident("command", model=HOSTILE_MODEL)
        self.assertStatus(self.act(incident, "echo-label", "run", self.responder), 202)
        echoed = self.wait_state(incident, "echo-label", {"succeeded", "failed", "timed_out"})
        self.assertEqual(echoed["state"], "succeeded")
        self.assertIn(HOSTILE_MODEL, echoed["runs"][0]["output_excerpt"])

        started = time.monotonic()
        self.assertStatus(self.act(incident, "hang", "run", self.responder), 202)
        hung = self.wait_state(incident, "hang", {"succeeded", "failed", "timed_out"}, timeout=30)
        self.assertEqual(hung["state"], "timed_out")
        self.assertLess(time.monotonic() - started, 20)
        self.assertLessEqual(len(hung["runs"][0]["output_excerpt"]), 5000)

        self.assertStatus(self.act(incident, "to-metadata", "run", self.responder), 202)
        refused = self.wait_state(incident, "to-metadata", {"succeeded", "failed", "timed_out"})
        self.assertEqual(refused["state"], "failed")
        self.assertIn("refused", refused["runs"][0]["output_excerpt"])

    def test_auto_capture_stores_evidence_listed_and_fetchable(self):
        incident = self.open_incident("capture", model=HOSTILE_MODEL)
        captured = self.wait_state(incident, "capture-state", {"succeeded", "failed"})
        self.assertEqual(captured["state"], "succeeded", captured)
        self.assertEqual(captured["runs"][0]["evidence"].__len__(), 2)
        listed = self.vakt.get("/api/v1/incidents/%s/evidence" % incident).json()["evidence"]
        by_name = {item["name"]: item for item in listed}
        self.assertEqual(set(by_name), {"registry-state", "model-label"})
        blob = self.vakt.get(by_name["registry-state"]["url"])
        self.assertStatus(blob, 200)
        self.assertEqual(json.loads(blob.body), {"aliases": {"champion": "7"}})
        label = self.vakt.get(by_name["model-label"]["url"])
        self.assertEqual(label.body.decode().strip(), HOSTILE_MODEL)
        actions = self.audit_actions("incident/" + incident)
        if actions is not None:
            self.assertIn("evidence.capture", actions)
            self.assertIn("evidence.read", actions)

    def test_dry_run_shows_the_rendered_request_and_sends_nothing(self):
        incident = self.open_incident("dry")
        before = len(self.registry.received)
        response = self.act(incident, "rollback-model", "dry-run", self.responder)
        self.assertStatus(response, 200)
        preview = response.json()["preview"]
        self.assertEqual(preview["url"], self.registry.url + ALIAS_PATH)
        self.assertEqual(preview["method"], "POST")
        # Only the auto capture may have reached the registry, never the alias endpoint.
        self.assertEqual([r for r in self.registry.received[before:] if r["path"] == ALIAS_PATH], [])

    def test_crash_mid_action_leaves_outcome_unknown_and_never_reruns_by_itself(self):
        incident = self.open_incident("crash")
        self.assertStatus(self.act(incident, "slow", "run", self.responder), 202)
        self.wait_state(incident, "slow", {"running"})
        self.vakt.kill()
        self.vakt.start()
        unknown = self.wait_state(incident, "slow", {"outcome_unknown"}, timeout=30)
        self.assertEqual(len(unknown["runs"]), 1)
        self.assertIn("lease", unknown["history"][-1]["reason"])
        # Running it again needs a person and a reason; confirming records the outcome.
        self.assertProblem(self.act(incident, "slow", "run", self.responder), 400)
        confirmed = self.act(incident, "slow", "confirm", self.responder,
                             {"reason": "checked: the sleep did nothing", "outcome": "failed"})
        self.assertStatus(confirmed, 200)
        self.assertEqual(confirmed.json()["state"], "failed")
        self.assertEqual(len(confirmed.json()["runs"]), 1)

    def test_drill_incidents_record_what_would_be_sent_and_send_nothing(self):
        started = self.vakt.post("/api/v1/drills", {"runbook": "credit-rollback"},
                                 headers=self.responder)
        if started.status == 404:
            self.skipTest("drills are not available in this build")
        self.assertStatus(started, 201)
        incident = started.json()["id"]
        self.assertStatus(self.act(incident, "drill-safe", "run", self.responder), 202)
        done = self.wait_state(incident, "drill-safe", {"succeeded", "failed"})
        self.assertEqual(done["state"], "succeeded")
        self.assertIn("drill", done["runs"][0]["output_excerpt"])
        self.assertEqual(len(done["runs"][0]["evidence"]), 1)
        self.assertEqual(self.registry.posts("/drill-target"), [])

    def cli(self, headers, *args):
        token = headers["Authorization"].split(" ", 1)[1]
        return subprocess.run([vakt_bin(), "step"] + list(args) + ["--server", self.vakt.url,
                                                                    "--token", token],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    def test_cli_requests_shows_the_content_and_approves_with_its_hash(self):
        incident = self.open_incident("cli")
        listed = self.cli(self.responder, "list", incident)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("rollback-model", listed.stdout)
        requested = self.cli(self.responder, "request", incident, "rollback-model",
                             "--reason", "from the CLI")
        self.assertEqual(requested.returncode, 0, requested.stderr)
        self.assertIn("awaiting_approval", requested.stdout)
        # Without --yes and no terminal input, nothing is sent.
        unconfirmed = self.cli(self.approver, "approve", incident, "rollback-model")
        self.assertNotEqual(unconfirmed.returncode, 0)
        self.assertEqual(self.step(incident, "rollback-model")["approvals"], [])
        approved = self.cli(self.approver, "approve", incident, "rollback-model", "--yes")
        self.assertEqual(approved.returncode, 0, approved.stderr)
        step = self.step(incident, "rollback-model")
        self.assertIn(step["content_hash"], approved.stdout)
        self.assertIn(ALIAS_PATH, approved.stdout)
        self.assertEqual(step["state"], "approved")
        shown = self.cli(self.responder, "show", incident, "rollback-model")
        self.assertIn("approve by bob", shown.stdout)


if __name__ == "__main__":
    main()
