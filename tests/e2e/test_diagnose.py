#!/usr/bin/env python3
"""E2E root-cause diagnosis (issue 6): the real `vakt serve` diagnoses incidents in three synthetic
scenarios whose answer is known, and ranks the true cause first:

* dead serving replicas: a real Prometheus 2.42 scrapes a loopback port nobody listens on, so
  up{job="fraud-serving"} == 0 -> infrastructure;
* shifted input features (reference vs current CSV) -> data drift;
* AUC series that drops right after a recorded deployment -> model regression, once from a CSV
  and once from a real Prometheus range query over a backfilled model_auc series.

Each goes alert -> incident -> POST /api/v1/incidents/{id}/diagnose -> stored, and GET
/api/v1/incidents/{id}/diagnosis returns it; each diagnosis is also on the incident's evidence list
(result JSON, readable report, per-feature histograms)."""

import csv
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, free_port, main, parse_rfc3339, rfc3339,  # noqa: E402
                          vakt_bin, wait_until)

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
PEER_TIMEOUT_S = 60.0


def runbook(runbook_id, alertname, investigate):
    return (
        "apiVersion: vakt/v1\n"
        "kind: Runbook\n"
        "metadata:\n"
        "  id: %s\n"
        "  title: %s\n"
        "detection:\n"
        "  match:\n"
        "    alertname: %s\n"
        "  group_wait: 1s\n"
        "investigate:\n"
        "  diagnose:\n%s" % (runbook_id, runbook_id, alertname, investigate))


SERVING_RUNBOOK = runbook("serving-down", "ServingDown", (
    "    infrastructure:\n"
    "      prometheus:\n"
    "        - 'up{job=\"fraud-serving\"} == 0'\n"
    "        - 'sum(rate(http_requests_total{job=\"fraud-serving\", code=~\"5..\"}[5m])) > 0'\n"
    "    deployments: true\n"))

DRIFT_RUNBOOK = runbook("feature-drift", "FeatureDrift", (
    "    drift:\n"
    "      reference: \"file:drift/reference.csv\"\n"
    "      current: \"file:drift/current.csv\"\n"
    "      method: psi\n"
    "      threshold: 0.2\n"
    "    deployments: true\n"))

REGRESSION_RUNBOOK = runbook("auc-drop", "ModelAucLow", (
    "    regression:\n"
    "      metric: auc\n"
    "      baseline: 0.91\n"
    "      tolerance: 0.02\n"
    "      source: \"file:regression/auc.csv\"\n"
    "    deployments: true\n"))

PROM_REGRESSION_RUNBOOK = runbook("auc-drop-prom", "ModelAucLowProm", (
    "    regression:\n"
    "      metric: auc\n"
    "      baseline: 0.91\n"
    "      tolerance: 0.02\n"
    "      source: 'prometheus:model_auc{pipeline=\"credit-risk\"}'\n"
    "    deployments: true\n"))

STEP_RUNBOOK = runbook("drift-step", "DriftStep", (
    "    deployments: true\n"
    "  steps:\n"
    "    - id: input-drift\n"
    "      title: Which inputs drifted?\n"
    "      action:\n"
    "        diagnose:\n"
    "          drift:\n"
    "            reference: \"file:drift/reference.csv\"\n"
    "            current: \"file:drift/current.csv\"\n"
    "            method: ks\n"
    "            threshold: 0.05\n"))

ESCAPE_RUNBOOK = runbook("escape", "EscapeAttempt", (
    "    drift:\n"
    "      reference: \"file:../secret.csv\"\n"
    "      current: \"file:drift/current.csv\"\n"))


def write_drift_data(data_dir):
    """Two numeric features, one shifted by ~1.5 sd; one categorical whose mix flips."""
    rng = random.Random(6)
    os.makedirs(os.path.join(data_dir, "drift"), exist_ok=True)
    for name, shift, web_share in (("reference", 0.0, 0.2), ("current", 1.5, 0.7)):
        with open(os.path.join(data_dir, "drift", name + ".csv"), "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["amount", "card_velocity_1h", "channel"])
            for _ in range(3000):
                writer.writerow(["%.4f" % rng.gauss(50, 10),
                                 "%.4f" % rng.gauss(3 + shift * 2, 2),
                                 "web" if rng.random() < web_share else "pos"])


def write_regression_data(data_dir, deployed_at):
    """AUC every 5 minutes for 3 h before the deployment (about 0.91) and 1 h after (about 0.84)."""
    rng = random.Random(7)
    os.makedirs(os.path.join(data_dir, "regression"), exist_ok=True)
    with open(os.path.join(data_dir, "regression", "auc.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "value"])
        for minutes in range(-180, 60, 5):
            level = 0.91 if minutes < 0 else 0.84
            writer.writerow([rfc3339(deployed_at + minutes * 60),
                             "%.4f" % (level + rng.uniform(-0.005, 0.005))])


def backfill_auc_series(block_dir, deployed_at, now):
    """model_auc every minute from 3 h before the deployment until now (about 0.91 before, about
    0.84 after), written as TSDB blocks by promtool so Prometheus serves it as stored history."""
    rng = random.Random(8)
    lines = ["# HELP model_auc Rolling AUC of the scoring model.", "# TYPE model_auc gauge"]
    t = int(deployed_at) - 3 * 3600
    while t < now - 60:
        level = 0.91 if t < deployed_at else 0.84
        lines.append('model_auc{pipeline="credit-risk"} %.4f %d'
                     % (level + rng.uniform(-0.005, 0.005), t))
        t += 60
    lines.append("# EOF")
    source = block_dir + ".om"
    with open(source, "w") as out:
        out.write("\n".join(lines) + "\n")
    subprocess.run([PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", source, block_dir],
                   check=True, capture_output=True, timeout=120)


class DiagnoseTest(VaktTestCase):
    def start_prometheus(self, promdir, scrape_configs):
        with open(os.path.join(promdir, "prometheus.yml"), "w") as out:
            out.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                      + scrape_configs)
        prom_port = free_port()
        prom = self.start_process([
            PROMETHEUS, "--config.file=" + os.path.join(promdir, "prometheus.yml"),
            "--storage.tsdb.path=" + os.path.join(promdir, "data"),
            "--web.listen-address=127.0.0.1:%d" % prom_port], "prometheus", cwd=promdir)
        return prom, "http://127.0.0.1:%d" % prom_port

    def prometheus_answers(self, prom, prom_url, query, what):
        def answered():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + open(prom.log_path).read()[-2000:])
            try:
                from urllib.request import urlopen
                with urlopen(prom_url + "/api/v1/query?query=" + urllib.parse.quote(query),
                             timeout=2) as answer:
                    return json.load(answer)["data"]["result"] or None
            except OSError:
                return None
        return wait_until(answered, PEER_TIMEOUT_S, interval=0.5, what=what)

    def assert_diagnosis_evidence(self, vakt, incident_id, diagnosis, step="investigate"):
        """The diagnosis is on the incident's evidence list as its result JSON, its readable report
        and (when drift ran) the per-feature histograms, each retrievable by address."""
        listed = vakt.get("/api/v1/incidents/%s/evidence" % incident_id)
        self.assertStatus(listed, 200, "evidence list")
        mine = [e for e in listed.json()["evidence"] if e["kind"] == "diagnose"]
        by_name = {e["name"]: e for e in mine}
        addresses = diagnosis["result"]["evidence"]
        self.assertEqual(by_name["diagnosis"]["sha256"], addresses["result"])
        self.assertEqual(by_name["diagnosis"]["media_type"], "application/json")
        self.assertEqual(by_name["diagnosis"]["step"], step)
        self.assertEqual(by_name["diagnosis"]["created_by"], diagnosis["actor"])
        stored = vakt.get(by_name["diagnosis"]["url"])
        self.assertStatus(stored, 200, "diagnosis evidence blob")
        self.assertEqual(stored.json()["hypotheses"], diagnosis["result"]["hypotheses"])
        report = vakt.get(by_name["diagnosis-report"]["url"])
        self.assertStatus(report, 200, "report evidence blob")
        self.assertEqual(report.body.decode(), diagnosis["report"])
        self.assertEqual(by_name["diagnosis-report"]["sha256"], addresses["report"])
        if "drift" in diagnosis["result"]:
            histograms = vakt.get(by_name["diagnosis-histograms"]["url"])
            self.assertStatus(histograms, 200, "histogram evidence blob")
            self.assertEqual(histograms.json(), diagnosis["result"]["drift"]["histograms"])
        else:
            self.assertNotIn("diagnosis-histograms", by_name)
        return mine

    def start_diagnosing_vakt(self, runbooks, prometheus_url=""):
        workdir = self.make_tempdir(prefix="vakt-e2e-diag-")
        data_dir = os.path.join(workdir, "diagnose-data")
        os.makedirs(data_dir)
        extra = {"diagnose_data_dir": data_dir}
        if prometheus_url:
            extra["prometheus_url"] = prometheus_url
        vakt = self.new_vakt(workdir=os.path.join(workdir, "vakt"), extra=extra)
        for name, text in runbooks.items():
            with open(os.path.join(vakt.workdir, "runbooks", name + ".yaml"), "w") as out:
                out.write(text)
        with open(os.path.join(workdir, "secret.csv"), "w") as out:
            out.write("amount\n1\n")
        return vakt, data_dir

    def open_incident(self, vakt, runbook_id, labels):
        response = vakt.post("/api/v2/alerts", [{"labels": labels, "startsAt": rfc3339(time.time())}])
        self.assertStatus(response, 200, "alert")

        def opened():
            return vakt.get("/api/v1/incidents?" + urllib.parse.urlencode(
                {"runbook": runbook_id, "state": "open"})).json()["incidents"] or None
        incidents = wait_until(opened, 30, interval=0.2, what="incident of runbook " + runbook_id)
        return incidents[0]["id"]

    def diagnose(self, vakt, incident_id):
        response = vakt.post("/api/v1/incidents/%s/diagnose" % incident_id, None, timeout=120)
        self.assertStatus(response, 201, "diagnose")
        return response.json()

    def assert_stored(self, vakt, incident_id, diagnosis):
        latest = vakt.get("/api/v1/incidents/%s/diagnosis" % incident_id)
        self.assertStatus(latest, 200, "latest diagnosis")
        self.assertEqual(latest.json()["id"], diagnosis["id"])
        self.assertEqual(latest.json()["result"], diagnosis["result"])
        history = vakt.get("/api/v1/incidents/%s/diagnosis?all=1" % incident_id).json()
        self.assertEqual([d["id"] for d in history["diagnoses"]], [diagnosis["id"]])
        events = vakt.get("/api/v1/incidents/%s/events" % incident_id).json()["events"]
        self.assertIn("diagnosed", [e["kind"] for e in events])

    def test_dead_serving_replicas_rank_infrastructure_first(self):
        if not os.access(PROMETHEUS, os.X_OK):
            print("\nSKIP %s: %s is not installed" % (self.id(), PROMETHEUS))
            self.skipTest(PROMETHEUS + " is not installed")
        promdir = self.make_tempdir(prefix="vakt-e2e-prom-")
        dead_port = free_port()  # nobody listens here: the replica is down
        with open(os.path.join(promdir, "prometheus.yml"), "w") as out:
            out.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                      "scrape_configs:\n  - job_name: fraud-serving\n    static_configs:\n"
                      "      - targets: ['127.0.0.1:%d']\n" % dead_port)
        prom_port = free_port()
        prom = self.start_process([
            PROMETHEUS, "--config.file=" + os.path.join(promdir, "prometheus.yml"),
            "--storage.tsdb.path=" + os.path.join(promdir, "data"),
            "--web.listen-address=127.0.0.1:%d" % prom_port], "prometheus", cwd=promdir)
        prom_url = "http://127.0.0.1:%d" % prom_port

        def scraped():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + open(prom.log_path).read()[-2000:])
            try:
                from urllib.request import urlopen
                with urlopen(prom_url + "/api/v1/query?query=" + urllib.parse.quote(
                        'up{job="fraud-serving"}'), timeout=2) as answer:
                    return json.load(answer)["data"]["result"] or None
            except OSError:
                return None
        wait_until(scraped, PEER_TIMEOUT_S, interval=0.5, what="prometheus to scrape the dead target")

        vakt, _ = self.start_diagnosing_vakt({"serving": SERVING_RUNBOOK}, prom_url)
        vakt.start()
        incident_id = self.open_incident(vakt, "serving-down", {"alertname": "ServingDown", "pipeline": "fraud-scoring"})

        unauthenticated = vakt.request("POST", "/api/v1/incidents/%s/diagnose" % incident_id,
                                       None, auth=False)
        self.assertProblem(unauthenticated, 401)
        self.assertProblem(vakt.get("/api/v1/incidents/%s/diagnosis" % incident_id), 404)

        diagnosis = self.diagnose(vakt, incident_id)
        result = diagnosis["result"]
        self.assertEqual(diagnosis["verdict"], "infrastructure", diagnosis["report"])
        self.assertEqual(result["hypotheses"][0]["cause"], "infrastructure")
        up = result["infrastructure"]["findings"][0]
        self.assertEqual(up["metric"], "up")
        self.assertTrue(up["breached"], up)
        self.assertEqual(up["value"], 0)
        self.assertEqual(up["series"][0]["labels"]["instance"], "127.0.0.1:%d" % dead_port)
        self.assertFalse(result["infrastructure"]["findings"][1]["breached"])
        self.assertIn("Most likely root cause: infrastructure", diagnosis["report"])
        self.assert_stored(vakt, incident_id, diagnosis)
        self.assert_diagnosis_evidence(vakt, incident_id, diagnosis)

    def test_shifted_features_rank_data_drift_first(self):
        vakt, data_dir = self.start_diagnosing_vakt({"drift": DRIFT_RUNBOOK})
        write_drift_data(data_dir)
        vakt.start()
        incident_id = self.open_incident(vakt, "feature-drift", {"alertname": "FeatureDrift", "pipeline": "fraud-scoring"})
        diagnosis = self.diagnose(vakt, incident_id)
        result = diagnosis["result"]
        self.assertEqual(diagnosis["verdict"], "data_drift", diagnosis["report"])
        drifted = {c["column"]: c["drift"] for c in result["drift"]["columns"]}
        self.assertEqual(drifted, {"amount": False, "card_velocity_1h": True, "channel": True})
        histograms = {h["column"]: h for h in result["drift"]["histograms"]}
        self.assertEqual(histograms["channel"]["values"], ["pos", "web"])
        self.assertEqual(sum(histograms["channel"]["reference_counts"]), 3000)
        self.assertEqual(len(histograms["amount"]["edges"]),
                         len(histograms["amount"]["current_counts"]) + 1)
        self.assertEqual([s["section"] for s in result["skipped"]], ["regression", "infrastructure"])
        self.assert_stored(vakt, incident_id, diagnosis)
        evidence = self.assert_diagnosis_evidence(vakt, incident_id, diagnosis)
        self.assertEqual(len(evidence), 3, evidence)

        # The CLI runs the same diagnosis through the API, and reads the stored latest one.
        cli = [vakt_bin(), "diagnose", "triage", "--incident", incident_id, "--server", vakt.url,
               "--token", vakt.admin_token()]
        ran = subprocess.run(cli + ["--format", "text"], capture_output=True, text=True, timeout=120)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        self.assertIn("Most likely root cause: data_drift", ran.stdout)
        latest = subprocess.run(cli + ["--latest"], capture_output=True, text=True, timeout=60)
        self.assertEqual(latest.returncode, 0, latest.stderr)
        self.assertEqual(json.loads(latest.stdout)["verdict"], "data_drift")
        history = vakt.get("/api/v1/incidents/%s/diagnosis?all=1" % incident_id).json()["diagnoses"]
        self.assertEqual(len(history), 2)
        self.assertEqual(json.loads(latest.stdout)["id"], history[0]["id"])
        mixed = subprocess.run(cli + ["--since-deploy", "1h"], capture_output=True, text=True,
                               timeout=60)
        self.assertEqual(mixed.returncode, 2, mixed.stdout)

    def test_quality_drop_after_deploy_ranks_model_regression_first(self):
        vakt, data_dir = self.start_diagnosing_vakt({"auc": REGRESSION_RUNBOOK})
        deployed_at = time.time() - 1800
        write_regression_data(data_dir, deployed_at)
        vakt.start()
        response = vakt.post("/api/v1/deployments", {"pipeline": "credit-risk", "version": "v43",
                                                     "timestamp": rfc3339(deployed_at)})
        self.assertIn(response.status, (200, 201, 202), repr(response))
        incident_id = self.open_incident(vakt, "auc-drop", {"alertname": "ModelAucLow", "pipeline": "credit-risk"})
        diagnosis = self.diagnose(vakt, incident_id)
        result = diagnosis["result"]
        self.assertEqual(diagnosis["verdict"], "model_regression", diagnosis["report"])
        regression = result["regression"]
        self.assertEqual(regression["kind"], "metric_series")
        self.assertTrue(regression["regressed"], regression)
        self.assertEqual(regression["split_reason"], "last deployment")
        self.assertAlmostEqual(regression["before"]["mean"], 0.91, delta=0.005)
        self.assertAlmostEqual(regression["after"]["mean"], 0.84, delta=0.005)
        self.assertEqual(result["deployment"]["last_deployment"]["version"], "v43")
        self.assert_stored(vakt, incident_id, diagnosis)
        self.assert_diagnosis_evidence(vakt, incident_id, diagnosis)

    def test_quality_drop_in_a_prometheus_series_splits_at_the_deploy_and_ranks_regression_first(self):
        for tool in (PROMETHEUS, PROMTOOL):
            if not os.access(tool, os.X_OK):
                print("\nSKIP %s: %s is not installed" % (self.id(), tool))
                self.skipTest(tool + " is not installed")
        now = time.time()
        deployed_at = now - 1800
        promdir = self.make_tempdir(prefix="vakt-e2e-prom-")
        backfill_auc_series(os.path.join(promdir, "data"), deployed_at, now)
        prom, prom_url = self.start_prometheus(promdir, "scrape_configs: []\n")
        # The backfilled history must be queryable before vakt asks for the range.
        self.prometheus_answers(prom, prom_url,
                                'max_over_time(model_auc{pipeline="credit-risk"}[4h])',
                                "prometheus to load the backfilled model_auc blocks")

        vakt, _ = self.start_diagnosing_vakt({"auc": PROM_REGRESSION_RUNBOOK}, prom_url)
        vakt.start()
        response = vakt.post("/api/v1/deployments", {"pipeline": "credit-risk", "version": "v44",
                                                     "timestamp": rfc3339(deployed_at)})
        self.assertIn(response.status, (200, 201, 202), repr(response))
        incident_id = self.open_incident(vakt, "auc-drop-prom",
                                         {"alertname": "ModelAucLowProm", "pipeline": "credit-risk"})
        diagnosis = self.diagnose(vakt, incident_id)
        result = diagnosis["result"]
        self.assertEqual(diagnosis["verdict"], "model_regression", diagnosis["report"])
        regression = result["regression"]
        self.assertEqual(regression["kind"], "metric_series")
        self.assertEqual(regression["query"], 'model_auc{pipeline="credit-risk"}')
        self.assertEqual(regression["series"], 1)
        self.assertEqual(regression["split_reason"], "last deployment")
        self.assertAlmostEqual(parse_rfc3339(regression["split_at"]), deployed_at, delta=0.002)
        self.assertTrue(regression["regressed"], regression)
        # Prometheus evaluates the range at vakt's step, and an evaluation just after the deploy
        # still sees the last sample before it (instant-vector lookback), so the after-side mean
        # sits a little above the backfilled 0.84; both sides still land on their levels.
        self.assertAlmostEqual(regression["before"]["mean"], 0.91, delta=0.005)
        self.assertAlmostEqual(regression["after"]["mean"], 0.84, delta=0.012)
        self.assertEqual(result["deployment"]["last_deployment"]["version"], "v44")
        self.assertNotIn("regression", [s["section"] for s in result["skipped"]])
        self.assert_stored(vakt, incident_id, diagnosis)
        self.assert_diagnosis_evidence(vakt, incident_id, diagnosis)

    def test_runbook_diagnose_step_runs_its_own_section_and_stores_the_diagnosis(self):
        vakt, data_dir = self.start_diagnosing_vakt({"step": STEP_RUNBOOK})
        write_drift_data(data_dir)
        vakt.start()
        incident_id = self.open_incident(vakt, "drift-step", {"alertname": "DriftStep"})
        path = "/api/v1/incidents/%s/steps/input-drift" % incident_id
        self.assertStatus(vakt.post(path + "/run", {"reason": "rank the inputs"}), 202, "run")

        def finished():
            step = vakt.get(path).json()
            return step if step["state"] not in ("pending", "running", "approved") else None
        step = wait_until(finished, 120, interval=0.5, what="diagnose step to finish")
        self.assertEqual(step["state"], "succeeded", step)
        latest = vakt.get("/api/v1/incidents/%s/diagnosis" % incident_id)
        self.assertStatus(latest, 200, "latest diagnosis")
        diagnosis = latest.json()
        self.assertEqual(diagnosis["actor"], "system:diagnose-step")
        self.assertEqual(diagnosis["result"]["origin"], "step")
        self.assertEqual(diagnosis["verdict"], "data_drift", diagnosis["report"])
        self.assertEqual(diagnosis["result"]["drift"]["method"], "ks")
        self.assert_diagnosis_evidence(vakt, incident_id, diagnosis, step="step")

    def test_data_reference_outside_the_data_directory_is_refused(self):
        vakt, data_dir = self.start_diagnosing_vakt({"escape": ESCAPE_RUNBOOK})
        write_drift_data(data_dir)
        vakt.start()
        incident_id = self.open_incident(vakt, "escape", {"alertname": "EscapeAttempt"})
        diagnosis = self.diagnose(vakt, incident_id)
        errors = diagnosis["result"]["errors"]
        self.assertEqual([e["section"] for e in errors], ["drift"], errors)
        self.assertIn("..", errors[0]["error"])
        self.assertNotIn("drift", diagnosis["result"])
        self.assertEqual(diagnosis["verdict"], "unknown")


SCIPY_REFERENCE = r"""
import json, sys
from scipy import stats
data = json.load(sys.stdin)
ks = stats.ks_2samp(data["reference"], data["current"])
print(json.dumps({"ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
                  "wasserstein": float(stats.wasserstein_distance(data["reference"],
                                                                  data["current"]))}))
"""


def scipy_reference(reference, current):
    """scipy's ks_2samp and wasserstein_distance from Debian's python3-scipy, or None."""
    try:
        ran = subprocess.run(["/usr/bin/python3", "-c", SCIPY_REFERENCE], capture_output=True,
                             text=True, timeout=60,
                             input=json.dumps({"reference": reference, "current": current}))
    except OSError:
        return None
    return json.loads(ran.stdout) if ran.returncode == 0 else None


def delong(scores, labels):
    """AUC and DeLong variance, written out from DeLong et al. (1988): the independent oracle."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]

    def psi(x, y):
        return 1.0 if x > y else 0.5 if x == y else 0.0
    v10 = [sum(psi(x, y) for y in neg) / len(neg) for x in pos]
    v01 = [sum(psi(x, y) for x in pos) / len(pos) for y in neg]
    auc = sum(v10) / len(pos)

    def var(values):
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return auc, var(v10) / len(pos) + var(v01) / len(neg)


class DiagnoseCliTest(VaktTestCase):
    """`vakt diagnose drift|regression|triage` on local files: no server involved."""

    def run_cli(self, *args):
        return subprocess.run([vakt_bin(), "diagnose"] + list(args), capture_output=True,
                              text=True, timeout=120)

    def write_mixed_inputs(self, workdir):
        """Reference as RFC 4180 CSV (quoted commas, quotes and line breaks; empty and NaN cells
        are missing), current as JSON Lines (null is missing). amount is shifted by 1.5 sd."""
        rng = random.Random(61)
        reference = {"amount": [], "channel": [], "flag": []}
        current = {"amount": [], "channel": [], "flag": []}
        ref_path = os.path.join(workdir, "reference.csv")
        with open(ref_path, "w", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(["amount", "channel", "flag", "comment"])
            for row in range(400):
                amount = round(rng.gauss(50, 10), 3)
                missing = row % 50 == 7
                cell = "" if missing else ("NaN" if row % 50 == 8 else "%.3f" % amount)
                if cell not in ("", "NaN"):
                    reference["amount"].append(float(cell))
                channel = rng.choice(["web", "pos", 'app "beta", v2'])
                reference["channel"].append(channel)
                flag = "yes" if rng.random() < 0.3 else "no"
                reference["flag"].append(flag)
                writer.writerow([cell, channel, flag, 'said "hi",\nthen left' if row % 3 else ""])
        cur_path = os.path.join(workdir, "current.jsonl")
        with open(cur_path, "w") as out:
            for row in range(300):
                amount = round(rng.gauss(65, 10), 3) if row % 40 else None
                if amount is not None:
                    current["amount"].append(amount)
                channel = rng.choice(["web", "web", "pos", 'app "beta", v2'])
                current["channel"].append(channel)
                flag = "yes" if rng.random() < 0.32 else "no"
                current["flag"].append(flag)
                out.write(json.dumps({"amount": amount, "channel": channel, "flag": flag,
                                      "comment": "x"}) + "\n")
        return ref_path, cur_path, reference, current

    def test_drift_reads_csv_and_jsonl_and_prints_the_issue_json_shape(self):
        workdir = self.make_tempdir(prefix="vakt-e2e-diag-cli-")
        ref_path, cur_path, reference, current = self.write_mixed_inputs(workdir)
        ran = self.run_cli("drift", "--reference", ref_path, "--current", cur_path,
                           "--categorical", "channel,flag",
                           "--columns", "amount,channel,flag", "--format", "json",
                           "--timing")
        self.assertEqual(ran.returncode, 0, ran.stderr)
        self.assertRegex(ran.stderr, r"timing: parse_ms=[0-9.]+ analysis_ms=[0-9.]+")
        report = json.loads(ran.stdout)
        columns = {c["column"]: c for c in report["columns"]}
        self.assertEqual(list(columns), ["amount", "channel", "flag"])
        for column in columns.values():
            self.assertEqual(set(column), {"column", "type", "n_reference", "n_current", "test",
                                           "score", "threshold", "drift", "statistics"})
        amount = columns["amount"]
        self.assertEqual(amount["type"], "numerical")
        self.assertEqual((amount["n_reference"], amount["n_current"]),
                         (len(reference["amount"]), len(current["amount"])))
        # Reference of at most 1000 values, many unique: Evidently's default is KS at 0.05.
        self.assertEqual((amount["test"], amount["threshold"], amount["drift"]), ("ks", 0.05, True))
        self.assertEqual(set(amount["statistics"]),
                         {"ks_statistic", "ks_pvalue", "wasserstein", "wasserstein_normed", "psi",
                          "jensenshannon", "kl_divergence"})
        self.assertEqual(amount["score"], amount["statistics"]["ks_pvalue"])
        scipy = scipy_reference(reference["amount"], current["amount"])
        if scipy is None:
            print("\nNOTE %s: /usr/bin/python3 has no scipy; values not cross-checked" % self.id())
        else:
            for key in ("ks_statistic", "ks_pvalue", "wasserstein"):
                self.assertAlmostEqual(amount["statistics"][key] / scipy[key], 1.0, delta=1e-9,
                                       msg=key)
        channel = columns["channel"]
        self.assertEqual((channel["type"], channel["test"]), ("categorical", "chisquare"))
        self.assertEqual(set(channel["statistics"]), {"psi", "jensenshannon", "kl_divergence",
                                                      "chi2_statistic", "chi2_pvalue"})
        self.assertEqual(channel["n_reference"], 400)
        flag = columns["flag"]
        self.assertEqual(flag["test"], "z")
        self.assertIn("z_pvalue", flag["statistics"])
        self.assertEqual(flag["score"], flag["statistics"]["z_pvalue"])
        drifted = sum(c["drift"] for c in columns.values())
        self.assertEqual(report["dataset"]["drifted_columns"], drifted)
        self.assertAlmostEqual(report["dataset"]["share"], drifted / 3)
        self.assertEqual(report["dataset"]["drift"], drifted / 3 >= 0.5)

        text = self.run_cli("drift", "--reference", ref_path, "--current", cur_path,
                            "--columns", "amount", "--format", "text")
        self.assertEqual(text.returncode, 0, text.stderr)
        lines = text.stdout.splitlines()
        self.assertTrue(lines[0].startswith("COLUMN"), text.stdout)
        self.assertRegex(lines[1], r"^amount\s+numerical\s+%d\s+%d\s+ks\s" % (
            len(reference["amount"]), len(current["amount"])))
        self.assertEqual(lines[-1], "dataset: 1 of 1 columns drifted (share 1.000): DRIFT")

    def test_drift_names_file_line_and_column_of_bad_input(self):
        workdir = self.make_tempdir(prefix="vakt-e2e-diag-cli-")
        good = os.path.join(workdir, "good.csv")
        with open(good, "w") as out:
            out.write("amount,channel\n1.5,web\n2.5,pos\n")
        bad = os.path.join(workdir, "bad.csv")
        with open(bad, "w") as out:
            out.write('amount,channel\n1.5,web\n"multi\nline",pos\n3.5,web\n2.5,"pos\n')
        ran = self.run_cli("drift", "--reference", good, "--current", bad, "--categorical",
                           "channel")
        self.assertEqual(ran.returncode, 2, ran.stdout)
        self.assertRegex(ran.stderr, re.escape(bad) + r":3:1: ")
        unterminated = os.path.join(workdir, "unterminated.csv")
        with open(unterminated, "w") as out:
            out.write('amount,channel\n1.5,web\n2.5,"pos\n')
        ran = self.run_cli("drift", "--reference", good, "--current", unterminated,
                           "--categorical", "channel")
        self.assertEqual(ran.returncode, 2, ran.stdout)
        self.assertRegex(ran.stderr, re.escape(unterminated) + r":3:\d+: ")
        ran = self.run_cli("drift", "--reference", good, "--current", good, "--columns", "nope")
        self.assertEqual(ran.returncode, 2, ran.stdout)
        self.assertIn("no column 'nope'", ran.stderr)

    def test_regression_reports_delong_ci_threshold_metrics_ece_and_a_verdict(self):
        workdir = self.make_tempdir(prefix="vakt-e2e-diag-cli-")
        rng = random.Random(62)
        split = time.time() - 3600
        rows = []
        for i in range(600):
            after = i >= 300
            label = 1 if rng.random() < 0.4 else 0
            # Before: scores separate the classes well; after the change, barely.
            signal = (1.6 if not after else 0.25) * (1 if label else -1)
            score = 1 / (1 + pow(2.718281828459045, -(signal + rng.gauss(0, 1))))
            rows.append((round(score, 6), label, split + (i - 300) * 10 + 5))
        path = os.path.join(workdir, "predictions.csv")
        with open(path, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["score", "label", "timestamp"])
            for score, label, ts in rows:
                writer.writerow(["%.6f" % score, label, rfc3339(ts)])
        ran = self.run_cli("regression", "--predictions", path, "--split-at", rfc3339(split),
                           "--threshold", "0.5")
        self.assertEqual(ran.returncode, 0, ran.stderr)
        report = json.loads(ran.stdout)
        z = 1.959963984540054
        for period, part in (("before", rows[:300]), ("after", rows[300:])):
            q = report[period]
            scores = [r[0] for r in part]
            labels = [r[1] for r in part]
            auc, variance = delong(scores, labels)
            self.assertEqual(q["n"], 300)
            self.assertAlmostEqual(q["auc"], auc, places=12)
            self.assertAlmostEqual(q["auc_variance"], variance, places=12)
            self.assertAlmostEqual(q["auc_ci"][0], max(0.0, auc - z * variance ** 0.5), places=9)
            self.assertAlmostEqual(q["auc_ci"][1], min(1.0, auc + z * variance ** 0.5), places=9)
            tp = sum(1 for s, y in zip(scores, labels) if s >= 0.5 and y)
            fp = sum(1 for s, y in zip(scores, labels) if s >= 0.5 and not y)
            fn = sum(1 for s, y in zip(scores, labels) if s < 0.5 and y)
            self.assertAlmostEqual(q["accuracy"], 1 - (fp + fn) / 300, places=12)
            self.assertAlmostEqual(q["precision"], tp / (tp + fp), places=12)
            self.assertAlmostEqual(q["recall"], tp / (tp + fn), places=12)
            self.assertAlmostEqual(q["f1"], 2 * tp / (2 * tp + fp + fn), places=12)
            bins = {}
            for s, y in zip(scores, labels):
                bins.setdefault(min(int(s * 10), 9), []).append((s, y))
            ece = sum(len(b) / 300 * abs(sum(y for _, y in b) / len(b) - sum(s for s, _ in b) / len(b))
                      for b in bins.values())
            self.assertAlmostEqual(q["ece"], ece, places=12)
        self.assertLess(report["auc_delta"], -0.2)
        self.assertLess(report["auc_delta_pvalue"], 0.001)
        self.assertEqual(report["verdict"], "regressed", report["explanation"])

        text = self.run_cli("regression", "--predictions", path, "--split-at", rfc3339(split),
                            "--format", "text")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("verdict: regressed", text.stdout)
        mixed = self.run_cli("regression", "--predictions", path, "--before", path)
        self.assertEqual(mixed.returncode, 2)

    def test_offline_triage_ranks_model_regression_first_right_after_a_deploy(self):
        workdir = self.make_tempdir(prefix="vakt-e2e-diag-cli-")
        ref_path, _, _, _ = self.write_mixed_inputs(workdir)
        rng = random.Random(63)
        paths = {}
        for name, strength in (("before", 1.6), ("after", 0.1)):
            paths[name] = os.path.join(workdir, name + ".csv")
            with open(paths[name], "w") as out:
                out.write("score,label\n")
                for _ in range(400):
                    label = 1 if rng.random() < 0.5 else 0
                    x = strength * (1 if label else -1) + rng.gauss(0, 1)
                    out.write("%.6f,%d\n" % (1 / (1 + 2.718281828459045 ** -x), label))
        infra = os.path.join(workdir, "infra.json")
        with open(infra, "w") as out:
            json.dump([{"metric": "up", "value": 1, "threshold": 0, "breached": False}], out)
        # Same data on both sides: no drift; healthy replicas; the model got worse 10 minutes
        # after a deploy.
        ran = self.run_cli("triage", "--reference", ref_path, "--current", ref_path,
                           "--categorical", "channel,flag,comment",
                           "--before", paths["before"], "--after", paths["after"],
                           "--infra", infra, "--since-deploy", "10m", "--last-deploy", "v7")
        self.assertEqual(ran.returncode, 0, ran.stderr)
        hypotheses = json.loads(ran.stdout)["hypotheses"]
        self.assertEqual(hypotheses[0]["cause"], "model_regression", hypotheses)
        self.assertEqual({h["cause"] for h in hypotheses},
                         {"data_drift", "model_regression", "infrastructure", "unknown"})
        scores = [h["score"] for h in hypotheses]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertTrue(any("v7" in e for e in hypotheses[0]["evidence"]), hypotheses[0])
        self.assertTrue(hypotheses[0]["explanation"])


if __name__ == "__main__":
    main()
