#!/usr/bin/env python3
"""E2E against real peers from Debian: Alertmanager 0.25 (fingerprint parity), Prometheus 2.42 as a
sender with vakt as its Alertmanager, and amtool reading from and writing to vakt."""

import json
import os
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, fingerprint, free_port, http_request, main,  # noqa: E402
                          wait_until)

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
PROMETHEUS = "/usr/bin/prometheus"
AMTOOL = "/usr/bin/amtool"
PEER_TIMEOUT_S = 60.0


def label_sets():
    """~30 varied label sets; `case` makes each unique and lets the two sides be matched up."""
    sets = [
        {"alertname": "Plain"},
        {"alertname": "Drift", "pipeline": "fraud-scoring", "model": "xgb-v7", "severity": "critical"},
        {"alertname": "Unicode", "summary_de": "Größenänderung übermäßig", "team": "データ"},
        {"alertname": "Emoji", "status": "🚨🔥", "flag": "🇸🇪"},
        {"alertname": "Combining", "value": "e\u0301 vs \u00e9"},
        {"alertname": "RTL", "value": "שלום مرحبا"},
        {"alertname": "EmptyValue", "instance": "", "job": "api"},
        {"alertname": "AllEmptyButName", "a": "", "b": "", "c": ""},
        {"alertname": "Quotes", "value": 'say "hi" and \'bye\''},
        {"alertname": "Backslash", "value": "C:\\path\\to\\model"},
        {"alertname": "Newlines", "value": "line1\nline2\r\nline3\ttab"},
        {"alertname": "Separators", "value": "a=b,c=d{e}|f;g"},
        {"alertname": "Spaces", "value": "  leading and trailing  "},
        {"alertname": "URL", "url": "https://grafana.example/d/abc?var-x=1&from=now-1h#panel"},
        {"alertname": "Json", "value": '{"k": [1, 2, {"n": null}]}'},
        {"alertname": "Regexish", "value": ".*[a-z]+$^(x|y)"},
        {"alertname": "Underscores", "_private": "1", "__meta_like": "2", "x_1_y": "3"},
        {"alertname": "Digits", "l0": "0", "l1": "1", "l10": "10", "l2": "2"},
        {"alertname": "CaseSensitive", "Severity": "high", "severity": "low"},
        {"alertname": "LongValue", "value": "v" * 4000},
        {"alertname": "LongName", "n" * 200: "long name"},
        {"alertname": "Control", "value": "bell\u0007 esc\u001b del\u007f"},
        {"alertname": "HighCodepoints", "value": "\U0001F600\U0010FFFD\uFFFD"},
        {"alertname": "Latin1Looking", "value": "\u00ff\u00fe\u00c3"},
        {"alertname": "SortOrder", "b": "2", "a": "1", "B": "3", "A": "4", "_": "5"},
        {"alertname": "NumberLike", "value": "1e10", "other": "-0.0", "nan": "NaN"},
        {"alertname": "Percent", "value": "100% %2F %s %d"},
        {"alertname": "Html", "value": "<script>alert(1)</script>&amp;"},
    ]
    many = {"alertname": "ManyLabels"}
    many.update({"label_%02d" % i: "value %d" % i for i in range(50)})
    sets.append(many)
    sets.append({"alertname": "PrefixCollision", "ab": "c", "a": "bc"})
    sets.append({"alertname": "PrefixCollision", "a": "bc", "abc": ""})
    for index, labels in enumerate(sets):
        labels["case"] = str(index)
    return sets


def by_case(alerts):
    return {a["labels"]["case"]: a for a in alerts}


class AlertmanagerParityTest(VaktTestCase):
    def start_alertmanager(self):
        if not os.access(ALERTMANAGER, os.X_OK):
            self.skipTest(ALERTMANAGER + " is not installed")
        workdir = self.make_tempdir(prefix="vakt-e2e-am-")
        config = os.path.join(workdir, "alertmanager.yml")
        with open(config, "w") as out:
            out.write("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n")
        port = free_port()
        proc = self.start_process([
            ALERTMANAGER, "--config.file=" + config, "--storage.path=" + workdir,
            "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address=",
        ], "alertmanager", cwd=workdir)

        def ready():
            if proc.poll() is not None:
                raise AssertionError("alertmanager exited: " + open(proc.log_path).read()[-2000:])
            return http_request("127.0.0.1", port, "GET", "/-/ready", timeout=2).status == 200
        wait_until(ready, PEER_TIMEOUT_S, what="alertmanager /-/ready")
        return port

    def test_fingerprints_match_alertmanager_0_25(self):
        am_port = self.start_alertmanager()
        vakt = self.start_vakt()
        sets = label_sets()
        body = [{"labels": labels, "annotations": {"summary": "parity"}} for labels in sets]

        response = http_request("127.0.0.1", am_port, "POST", "/api/v2/alerts", body)
        self.assertEqual(response.status, 200, "alertmanager refused the batch: %r" % response)
        self.assertStatus(vakt.post("/api/v2/alerts", body), 200, "vakt POST /api/v2/alerts")

        def am_alerts():
            listed = http_request("127.0.0.1", am_port, "GET", "/api/v2/alerts").json()
            return listed if len(listed) >= len(sets) else None
        am = by_case(wait_until(am_alerts, 30, what="alertmanager to list every alert"))
        ours = by_case(vakt.get("/api/v2/alerts").json())
        self.assertEqual(sorted(am), sorted(ours), "different alerts listed")
        mismatches = []
        for case in sorted(am, key=int):
            want, got = am[case], ours[case]
            if (want["fingerprint"], want["labels"]) != (got["fingerprint"], got["labels"]):
                mismatches.append("case %s: alertmanager %s %r / vakt %s %r" % (
                    case, want["fingerprint"], want["labels"], got["fingerprint"], got["labels"]))
            # and our reference implementation agrees with both
            self.assertEqual(fingerprint(want["labels"]), want["fingerprint"], "case " + case)
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_alert_shape_matches_alertmanager_for_amtool(self):
        am_port = self.start_alertmanager()
        vakt = self.start_vakt()
        body = [{"labels": {"alertname": "Shape", "severity": "warning"},
                 "annotations": {"summary": "shape"}, "generatorURL": "http://prom/g"}]
        http_request("127.0.0.1", am_port, "POST", "/api/v2/alerts", body)
        vakt.post("/api/v2/alerts", body)
        am = wait_until(lambda: http_request("127.0.0.1", am_port, "GET", "/api/v2/alerts").json(),
                        30, what="alertmanager alert")[0]
        ours = vakt.get("/api/v2/alerts").json()[0]
        self.assertEqual(sorted(ours), sorted(am), "top-level keys differ")
        self.assertEqual(sorted(ours["status"]), sorted(am["status"]))
        self.assertEqual(ours["status"]["state"], am["status"]["state"])
        for key in ("labels", "annotations", "fingerprint", "generatorURL"):
            self.assertEqual(ours[key], am[key], key)


class PrometheusSenderTest(VaktTestCase):
    def test_prometheus_sends_to_vakt_and_amtool_lists_and_adds(self):
        for tool in (PROMETHEUS, AMTOOL):
            if not os.access(tool, os.X_OK):
                self.skipTest(tool + " is not installed")
        vakt = self.start_vakt()
        workdir = self.make_tempdir(prefix="vakt-e2e-prom-")
        with open(os.path.join(workdir, "rules.yml"), "w") as out:
            out.write(
                "groups:\n"
                "  - name: e2e\n"
                "    interval: 1s\n"
                "    rules:\n"
                "      - alert: E2EAlwaysFiring\n"
                "        expr: vector(1)\n"
                "        labels:\n"
                "          pipeline: fraud-scoring\n"
                "          model: xgb-v7\n"
                "          severity: critical\n"
                "        annotations:\n"
                "          summary: always firing\n")
        with open(os.path.join(workdir, "prometheus.yml"), "w") as out:
            out.write(
                "global:\n"
                "  evaluation_interval: 1s\n"
                "  scrape_interval: 1m\n"
                "rule_files:\n"
                "  - rules.yml\n"
                "alerting:\n"
                "  alertmanagers:\n"
                "    - api_version: v2\n"
                "      static_configs:\n"
                "        - targets: ['127.0.0.1:%d']\n" % vakt.port)
        prom_port = free_port()
        prom = self.start_process([
            PROMETHEUS, "--config.file=" + os.path.join(workdir, "prometheus.yml"),
            "--storage.tsdb.path=" + os.path.join(workdir, "data"),
            "--web.listen-address=127.0.0.1:%d" % prom_port,
            # The first evaluation can fire before the notifier has its target and the alert is
            # dropped; with the default 1m resend delay the test would wait a minute for a resend.
            "--rules.alert.resend-delay=1s",
        ], "prometheus", cwd=workdir)

        def arrived():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + open(prom.log_path).read()[-2000:])
            found = vakt.get("/api/v1/alerts?" + urllib.parse.urlencode(
                {"filter": 'alertname="E2EAlwaysFiring"'})).json()["alerts"]
            return found or None
        try:
            found = wait_until(arrived, PEER_TIMEOUT_S, interval=0.5,
                               what="prometheus's alert to arrive in vakt")
        except AssertionError as error:
            with open(prom.log_path, errors="replace") as log:
                raise AssertionError("%s\nprometheus log tail:\n%s" % (error, log.read()[-3000:]))
        self.assertEqual(len(found), 1)
        alert = found[0]
        self.assertEqual(alert["labels"]["pipeline"], "fraud-scoring")
        self.assertEqual(alert["labels"]["model"], "xgb-v7")
        self.assertEqual(alert["labels"]["severity"], "critical")
        self.assertEqual(alert["annotations"]["summary"], "always firing")
        self.assertEqual(alert["state"], "active")
        self.assertEqual(alert["fingerprint"], fingerprint(alert["labels"]))
        self.assertIn(str(prom_port), alert["generatorURL"])

        amtool = [AMTOOL, "--alertmanager.url=" + vakt.url]
        env = dict(os.environ, HOME=workdir)  # no user amtool.yml leaks in
        query = subprocess.run(amtool + ["alert", "query"], capture_output=True, text=True,
                               timeout=60, env=env)
        self.assertEqual(query.returncode, 0, query.stderr)
        self.assertIn("E2EAlwaysFiring", query.stdout)
        self.assertIn("always firing", query.stdout)

        query = subprocess.run(amtool + ["-o", "json", "alert", "query", "severity=critical",
                                         "pipeline=~fraud.*"],
                               capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(query.returncode, 0, query.stderr)
        names = {a["labels"]["alertname"] for a in json.loads(query.stdout)}
        self.assertIn("E2EAlwaysFiring", names)

        add = subprocess.run(amtool + ["alert", "add", "alertname=AmtoolAdded", "pipeline=recs",
                                       "severity=warning", "--annotation=summary=added by amtool"],
                             capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(add.returncode, 0, add.stderr)
        added = vakt.get("/api/v1/alerts?" + urllib.parse.urlencode(
            {"filter": 'alertname="AmtoolAdded"'})).json()["alerts"]
        self.assertEqual(len(added), 1, added)
        self.assertEqual(added[0]["labels"],
                         {"alertname": "AmtoolAdded", "pipeline": "recs", "severity": "warning"})
        self.assertEqual(added[0]["annotations"], {"summary": "added by amtool"})

        query = subprocess.run(amtool + ["alert", "query", "alertname=AmtoolAdded"],
                               capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(query.returncode, 0, query.stderr)
        self.assertIn("AmtoolAdded", query.stdout)
        self.assertNotIn("E2EAlwaysFiring", query.stdout)


if __name__ == "__main__":
    main()
