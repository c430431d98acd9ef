#!/usr/bin/env python3
"""E2E: operations — health/readiness, /metrics, logs without secrets, the `vakt alerts list` CLI,
exit codes, and `vakt serve` refusing a bad vakt.yaml with file:line:column."""

import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import VaktTestCase, fingerprint, main, vakt_bin  # noqa: E402

ROUTING_KEY = "SecretRoutingKey0123456789abcdef"  # 32 characters, must never be logged
PROMTOOL = "/usr/bin/promtool"


def run_vakt(args, timeout=60, token=None):
    env = dict(os.environ)
    env.pop("VAKT_TOKEN", None)
    if token:
        env["VAKT_TOKEN"] = token
    return subprocess.run([vakt_bin()] + args, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the Prometheus text format; checks each line parses."""
    samples = {}
    types = {}
    line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+0-9.eEInfNa]+)( [0-9]+)?$')
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        match = line_re.match(line)
        if not match:
            raise AssertionError("unparseable metrics line: %r" % line)
        labels = frozenset(label_re.findall(match.group(3) or ""))
        samples[(match.group(1), labels)] = float(match.group(4))
    return samples, types


def sample(samples, name, **labels):
    """The value of the one sample of `name` whose labels include `labels` (sum if several)."""
    want = set(labels.items())
    values = [v for (n, l), v in samples.items() if n == name and want <= set(l)]
    return sum(values) if values else None


class OpsTest(VaktTestCase):
    @classmethod
    def setUpClass(cls):
        cls.vakt = cls.start_class_vakt()

    def test_healthz_and_readyz_answer_200(self):
        for path in ("/healthz", "/readyz"):
            response = self.vakt.get(path)
            self.assertStatus(response, 200, path)
            self.assertIn(response.json()["status"], ("ok", "ready"))

    def test_metrics_expose_ingest_counters_latency_queue_and_batches(self):
        before, _ = parse_metrics(self.vakt.get("/metrics").body.decode("utf-8"))
        good = [{"labels": {"alertname": "Metrics", "n": str(i)}} for i in range(3)]
        self.assertStatus(self.vakt.post("/api/v2/alerts", good), 200)
        self.assertStatus(self.vakt.post("/api/v2/alerts", good), 200)  # updates
        bad = [{"labels": {"alertname": "Metrics", "n": 1}}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", bad), 400)
        webhook = {"version": "4", "alerts": [{"labels": {"alertname": "MetricsWebhook"}}]}
        self.assertStatus(self.vakt.post("/api/v1/ingest/alertmanager", webhook), 200)
        event = {"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "metrics",
                 "payload": {"summary": "m", "source": "e2e", "severity": "info"}}
        self.assertStatus(self.vakt.post("/v2/enqueue", event), 202)

        response = self.vakt.get("/metrics")
        self.assertStatus(response, 200)
        self.assertTrue(response.header("content-type").startswith("text/plain"), response)
        samples, types = parse_metrics(response.body.decode("utf-8"))

        def delta(name, **labels):
            after = sample(samples, name, **labels)
            self.assertIsNotNone(after, "no sample %s%r in /metrics" % (name, labels))
            return after - (sample(before, name, **labels) or 0)

        # ingest counters by endpoint and outcome
        self.assertEqual(types.get("vakt_ingest_alerts_total"), "counter")
        self.assertEqual(delta("vakt_ingest_alerts_total", endpoint="alertmanager_api", kind="new"), 3)
        self.assertEqual(delta("vakt_ingest_alerts_total", endpoint="alertmanager_api", kind="update"), 3)
        self.assertEqual(delta("vakt_ingest_alerts_total", endpoint="alertmanager_webhook", kind="new"), 1)
        self.assertEqual(delta("vakt_ingest_alerts_total", endpoint="pagerduty", kind="new"), 1)
        self.assertEqual(delta("vakt_ingest_invalid_alerts_total", endpoint="alertmanager_api"), 1)
        self.assertEqual(delta("vakt_http_requests_total", endpoint="alertmanager_api", code="200"), 2)
        self.assertEqual(delta("vakt_http_requests_total", endpoint="alertmanager_api", code="400"), 1)
        self.assertEqual(delta("vakt_http_requests_total", endpoint="alertmanager_webhook", code="200"), 1)
        self.assertEqual(delta("vakt_http_requests_total", endpoint="pagerduty", code="202"), 1)

        # request latency histogram
        self.assertEqual(types.get("vakt_http_request_duration_seconds"), "histogram")
        count = sample(samples, "vakt_http_request_duration_seconds_count",
                       endpoint="alertmanager_api")
        self.assertGreaterEqual(count, 3)
        self.assertEqual(sample(samples, "vakt_http_request_duration_seconds_bucket",
                                endpoint="alertmanager_api", le="+Inf"), count)
        self.assertIsNotNone(sample(samples, "vakt_http_request_duration_seconds_sum",
                                    endpoint="alertmanager_api"))

        # queue depth gauge and commit batch histogram
        self.assertEqual(types.get("vakt_ingest_queue_alerts"), "gauge")
        self.assertEqual(sample(samples, "vakt_ingest_queue_alerts"), 0)
        self.assertEqual(types.get("vakt_ingest_commit_batch_alerts"), "histogram")
        self.assertGreaterEqual(delta("vakt_ingest_commit_batch_alerts_count"), 1)
        self.assertEqual(delta("vakt_ingest_commit_batch_alerts_sum"), 8)
        self.assertEqual(sample(samples, "vakt_ingest_commit_batch_alerts_bucket", le="+Inf"),
                         sample(samples, "vakt_ingest_commit_batch_alerts_count"))
        # the sync thread's fdatasync: at least one, and never more than the groups it covers
        self.assertEqual(types.get("vakt_ingest_sync_seconds"), "histogram")
        self.assertGreaterEqual(delta("vakt_ingest_sync_seconds_count"), 1)
        self.assertLessEqual(delta("vakt_ingest_sync_seconds_count"),
                             delta("vakt_ingest_commit_batch_alerts_count"))

    def test_metrics_pass_promtool_check(self):
        if not os.access(PROMTOOL, os.X_OK):
            self.skipTest(PROMTOOL + " is not installed")
        body = self.vakt.get("/metrics").body
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                               timeout=60)
        self.assertEqual(check.returncode, 0,
                         "promtool check metrics: %s%s" % (check.stdout.decode(), check.stderr.decode()))

    def test_cli_alerts_list_prints_the_alert_and_exits_0(self):
        labels = {"alertname": "CliListed", "pipeline": "cli-pipe", "severity": "warning"}
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}]), 200)
        table = run_vakt(["alerts", "list", "--server", self.vakt.url], token=self.vakt.admin_token())
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("FINGERPRINT", table.stdout)
        line = [l for l in table.stdout.splitlines() if "CliListed" in l]
        self.assertEqual(len(line), 1, table.stdout)
        self.assertIn(fingerprint(labels), line[0])
        self.assertIn("active", line[0])

        as_json = run_vakt(["alerts", "list", "--server", self.vakt.url, "--format", "json",
                            "--filter", 'alertname="CliListed"'], token=self.vakt.admin_token())
        self.assertEqual(as_json.returncode, 0, as_json.stderr)
        listed = json.loads(as_json.stdout)["alerts"]
        self.assertEqual([a["fingerprint"] for a in listed], [fingerprint(labels)])

        resolved = run_vakt(["alerts", "list", "--server", self.vakt.url, "--state", "resolved",
                             "--filter", 'alertname="CliListed"', "--format", "json"],
                            token=self.vakt.admin_token())
        self.assertEqual(resolved.returncode, 0, resolved.stderr)
        self.assertEqual(json.loads(resolved.stdout)["alerts"], [])

    def test_cli_bad_flag_exits_2(self):
        for args in (["alerts", "list", "--no-such-flag"],
                     ["alerts", "list", "--server", self.vakt.url, "--state", "bogus"],
                     ["alerts", "list", "--server", self.vakt.url, "--limit", "0"],
                     ["alerts", "list", "--server", self.vakt.url, "--format", "xml"],
                     ["serve", "--no-such-flag"],
                     ["no-such-command"]):
            with self.subTest(args=args):
                result = run_vakt(args)
                self.assertEqual(result.returncode, 2, "%r: %s%s" % (args, result.stdout, result.stderr))
                self.assertTrue(result.stderr.strip() or result.stdout.strip(), "no message")

    def test_cli_bad_filter_from_server_exits_2(self):
        result = run_vakt(["alerts", "list", "--server", self.vakt.url, "--filter", "{broken"],
                          token=self.vakt.admin_token())
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)

    def test_cli_unreachable_server_exits_nonzero_with_message(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        result = run_vakt(["alerts", "list", "--server", "http://127.0.0.1:%d" % port])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("vakt alerts list", result.stderr)


class ServeProcessTest(VaktTestCase):
    def write_config(self, text):
        path = os.path.join(self.make_tempdir(), "vakt.yaml")
        with open(path, "w") as out:
            out.write(text)
        return path

    def assertServeRefuses(self, config_text, where):
        path = self.write_config(config_text)
        result = run_vakt(["serve", "--config", path, "--listen", "127.0.0.1:0"], timeout=60)
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("vakt is serving", result.stdout)
        self.assertIn("%s:%s" % (path, where), result.stderr)
        return result

    def test_serve_unknown_top_level_key_names_file_line_column(self):
        result = self.assertServeRefuses("listen: 127.0.0.1:0\n\nlisten_adress: x\n", "3:1")
        self.assertIn("listen_adress", result.stderr)

    def test_serve_unknown_ingest_key_names_file_line_column(self):
        result = self.assertServeRefuses(
            "listen: 127.0.0.1:0\ningest:\n  max_body_bytes: 1024\n  max_bodybytes: 5\n", "4:3")
        self.assertIn("max_bodybytes", result.stderr)

    def test_serve_yaml_syntax_error_names_file_line_column(self):
        self.assertServeRefuses("listen: 127.0.0.1:0\ningest: [unclosed\n", "")

    def test_serve_bad_value_names_file_line_column(self):
        self.assertServeRefuses("ingest:\n  queue_capacity: -3\n", "2:19")
        self.assertServeRefuses("durability: sometimes\n", "1:13")

    def test_serve_port_in_use_exits_nonzero(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen(1)
            port = sock.getsockname()[1]
            workdir = self.make_tempdir()
            result = run_vakt(["serve", "--listen", "127.0.0.1:%d" % port,
                               "--database", "sqlite:" + os.path.join(workdir, "v.db"),
                               "--runbooks", workdir], timeout=60)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(str(port), result.stderr)

    def test_sigterm_when_idle_exits_0(self):
        vakt = self.start_vakt()
        self.assertEqual(vakt.stop(), 0)

    def test_json_log_format_writes_one_parseable_object_per_line(self):
        vakt = self.start_vakt(extra={"log": {"format": "json", "level": "info"}})
        alert = [{"labels": {"alertname": "JsonLogs", "pipeline": "p\"q"}}]
        self.assertStatus(vakt.post("/api/v2/alerts", alert), 200)
        self.assertEqual(vakt.stop(), 0)
        lines = [line for line in vakt.stdout().splitlines() if line.strip()]
        self.assertGreaterEqual(len(lines), 2, vakt.stdout())
        for line in lines:
            with self.subTest(line=line):
                record = json.loads(line)
                self.assertEqual(set(record), {"time", "level", "logger", "thread", "msg"})
                self.assertRegex(record["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        messages = [json.loads(line)["msg"] for line in lines]
        self.assertTrue(any("vakt is serving on http://" in m for m in messages), messages)
        self.assertTrue(any("stopped cleanly" in m for m in messages), messages)

    def test_unknown_log_format_is_refused_with_file_line_column(self):
        vakt = self.new_vakt(extra={"log": {"format": "xml"}})
        result = run_vakt(["serve", "--config", vakt.config_path], timeout=60)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertRegex(result.stderr, r"vakt\.yaml:\d+:\d+.*log\.format")

    def test_logs_and_api_never_contain_the_routing_key(self):
        vakt = self.start_vakt()
        trigger = {"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "secret-1",
                   "payload": {"summary": "s", "source": "e2e", "severity": "error"},
                   "client_url": "http://client"}
        self.assertStatus(vakt.post("/v2/enqueue", trigger), 202)
        self.assertStatus(vakt.post("/v2/enqueue", dict(trigger, event_action="acknowledge")), 202)
        change = {"routing_key": ROUTING_KEY,
                  "payload": {"summary": "deploy", "custom_details": {"pipeline": "p", "version": "1"}}}
        self.assertStatus(vakt.post("/v2/change/enqueue", change), 202)
        bad = dict(trigger, payload={"summary": "s", "source": "e2e", "severity": "fatal"})
        self.assertEqual(vakt.post("/v2/enqueue", bad).status, 400)
        self.assertEqual(vakt.post("/v2/enqueue", b'{"routing_key":"%s",' % ROUTING_KEY.encode()).status,
                         400)
        wrong_length = dict(trigger, routing_key=ROUTING_KEY + "X")
        response = vakt.post("/v2/enqueue", wrong_length)
        self.assertEqual(response.status, 400)
        self.assertNotIn(ROUTING_KEY, response.body.decode())
        for path in ("/api/v1/alerts?state=all", "/api/v2/alerts", "/api/v1/deployments", "/metrics",
                     "/api/v2/status"):
            with self.subTest(path=path):
                self.assertNotIn(ROUTING_KEY, vakt.get(path).body.decode("utf-8", "replace"))
        self.assertEqual(vakt.stop(), 0)
        output = vakt.all_output()
        self.assertTrue(output.strip(), "vakt logged nothing at all")
        self.assertNotIn(ROUTING_KEY, output)
        self.assertNotIn(ROUTING_KEY[:16], output)
        token = vakt.admin_token()
        if token:
            self.assertNotIn(token, output, "the admin API token is logged")

    def test_database_password_not_logged_or_served(self):
        url = self.postgres_database()
        parts = urllib.parse.urlsplit(url)
        password = "Pw-e2e-7f3a9c"  # the throwaway cluster trusts loopback: any password works
        netloc = "%s:%s@%s" % (parts.username or "vakt", password, parts.hostname)
        if parts.port:
            netloc += ":%d" % parts.port
        with_password = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        vakt = self.start_vakt(database=with_password)
        self.assertStatus(vakt.post("/api/v2/alerts", [{"labels": {"alertname": "Pw"}}]), 200)
        status = vakt.get("/api/v2/status").body.decode()
        self.assertEqual(vakt.stop(), 0)
        leaks = []
        if password in vakt.all_output():
            leaks.append("vakt's output (stdout/stderr) contains the database password: "
                         + [l for l in vakt.all_output().splitlines() if password in l][0])
        if password in status:
            leaks.append("GET /api/v2/status serves the database password (config.original)")
        self.assertFalse(leaks, "\n".join(leaks))


if __name__ == "__main__":
    main()
