#!/usr/bin/env python3
"""E2E root-cause diagnosis (issue 6): the real `vakt serve` diagnoses incidents in three synthetic
scenarios whose answer is known, and ranks the true cause first:

* dead serving replicas: a real Prometheus 2.42 scrapes a loopback port nobody listens on, so
  up{job="fraud-serving"} == 0 -> infrastructure;
* shifted input features (reference vs current CSV) -> data drift;
* AUC series that drops right after a recorded deployment -> model regression.

Each goes alert -> incident -> POST /api/v1/incidents/{id}/diagnose -> stored, and GET
/api/v1/incidents/{id}/diagnosis returns it."""

import csv
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, free_port, main, rfc3339, vakt_bin,  # noqa: E402
                          wait_until)

PROMETHEUS = "/usr/bin/prometheus"
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


class DiagnoseTest(VaktTestCase):
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


if __name__ == "__main__":
    main()
