"""End-to-end: incident → retro (timeline from the audit log) → runbook change proposal → review by a
second person → new runbook version in history and diff; close gated until the retro is complete;
drills end to end without side effects; response metrics from the real records.

Real `vakt serve` over real HTTP on 127.0.0.1; standard library only.
"""

import http.server
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import VaktTestCase, vakt_bin, wait_until  # noqa: E402

RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: retro-drift, title: Retro drift, version: 1, owners: [team:ml]}
context: {pipeline: retro-pipeline}
detection:
  match: {alertname: RetroDrift}
  group_by: [alertname]
  group_wait: 1s
stabilise:
  - {id: look, title: Look at the dashboard, action: {manual: {instructions: Open it.}}}
  - id: tell-sandbox
    title: Tell the sandbox service
    action:
      http: {method: POST, url: "SINK_URL/hook", json: {incident: "{{incident.id}}"}, timeout: 2s}
investigate:
  steps:
    - {id: classify, title: Classify, action: {manual: {instructions: Decide.}}}
resolve:
  verify:
    - {id: ok, title: Drift gone, action: {manual: {instructions: Check.}}}
"""


CATALOG = """apiVersion: vakt/v1
kind: PipelineCatalog
pipelines:
  - {id: retro-pipeline, title: Retro pipeline, team: ml-retro}
"""


class Sink:
    """A fake third-party HTTP target that records every request it receives (it must get none
    from a drill)."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                received.append((self.path, self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run_cli(vakt, args, token=None):
    env = dict(os.environ, VAKT_SERVER=vakt.url, VAKT_TOKEN=token or vakt.admin_token() or "")
    return subprocess.run([vakt_bin()] + args, capture_output=True, text=True, timeout=60, env=env,
                          stdin=subprocess.DEVNULL)


class RetroLoopTest(VaktTestCase):
    def setUp(self):
        self.sink = Sink()
        self.addCleanup(self.sink.close)
        self.vakt = self.new_vakt(extra={"catalog": "pipelines.yaml"})
        with open(os.path.join(self.vakt.workdir, "pipelines.yaml"), "w", encoding="utf-8") as out:
            out.write(CATALOG)
        # The harness renders scalars and mappings only; lists go in by hand.
        with open(self.vakt.config_path, "a", encoding="utf-8") as out:
            out.write("retro:\n  required_for: [critical]\n"
                      "drills:\n  targets:\n    default: {acknowledge: 10m, mitigate: 20m, resolve: 30m}\n"
                      # The sink is allowed, so only the drill's dry-run keeps requests from it.
                      'actions:\n  egress_allow: ["127.0.0.1/32:*"]\n')
        self.runbook_path = os.path.join(self.vakt.workdir, "runbooks", "retro-drift.yaml")
        with open(self.runbook_path, "w", encoding="utf-8") as out:
            out.write(RUNBOOK.replace("SINK_URL", self.sink.url))
        self.vakt.start()

    def token(self, name, role):
        return self.bearer(self.vakt, name, role)

    def open_incident(self, severity="critical"):
        alert = [{"labels": {"alertname": "RetroDrift", "pipeline": "retro-pipeline",
                             "severity": severity}}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200)
        incidents = wait_until(
            lambda: [i for i in self.vakt.get("/api/v1/incidents").json()["incidents"]
                     if not i["drill"]] or None, 30, what="incident opened")
        return incidents[0]["id"]

    def test_retro_proposal_and_new_version_close_the_loop(self):
        vakt = self.vakt
        # Startup recorded version 1 of the runbook, from the reload.
        versions = vakt.get("/api/v1/runbooks/retro-drift/versions").json()["versions"]
        self.assertEqual([(v["version"], v["source"]) for v in versions], [(1, "reload")])

        key = self.open_incident()
        # No retro before the incident resolves.
        self.assertProblem(vakt.get("/api/v1/incidents/%s/retro" % key), 409, "resolve")
        # A responder annotates a step during the incident.
        responder = self.token("rita", "responder")
        annotation = vakt.post("/api/v1/incidents/%s/steps/look/annotations" % key,
                               {"kind": "unclear", "text": "which dashboard?"}, headers=responder)
        self.assertStatus(annotation, 201, "annotate")
        self.assertProblem(vakt.post("/api/v1/incidents/%s/steps/look/annotations" % key,
                                     {"kind": "bad"}, headers=responder), 400, "kind")
        self.assertStatus(vakt.post("/api/v1/incidents/%s/steps/look/annotations" % key,
                                    {"kind": "slow"}, auth=False), 401)
        for action in ("acknowledge", "mitigate", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}), 200, action)

        # The retro opened with a timeline generated from the audit log.
        retro = vakt.get("/api/v1/incidents/%s/retro" % key).json()
        self.assertEqual(retro["state"], "open")
        phases = [entry["phase"] for entry in retro["timeline"]["entries"]]
        for phase in ("detected", "acked", "mitigated", "resolved", "retro"):
            self.assertIn(phase, phases)
        durations = retro["timeline"]["durations_ms"]
        self.assertGreaterEqual(durations["to_resolve"], durations["to_mitigate"])
        self.assertGreaterEqual(durations["to_mitigate"], durations["to_acknowledge"])
        self.assertEqual(retro["annotations"][0]["kind"], "unclear")
        self.assertTrue(retro["required_to_close"])

        # Closing a critical incident needs a completed retro.
        self.assertProblem(vakt.post("/api/v1/incidents/%s/close" % key, {}), 409, "retro")
        self.assertProblem(vakt.post("/api/v1/incidents/%s/retro/complete" % key, {}), 409,
                           "root_cause_category")
        self.assertStatus(vakt.request("PUT", "/api/v1/incidents/%s/retro" % key,
                                       {"root_cause_category": "data-drift",
                                        "summary": "upstream feature changed",
                                        "contributing_factors": ["no freshness check"]}), 200)
        self.assertProblem(vakt.request("PUT", "/api/v1/incidents/%s/retro" % key,
                                        {"contributing_factors": "x"}), 400, "contributing_factors")
        item = vakt.post("/api/v1/incidents/%s/retro/action-items" % key,
                         {"title": "Add a freshness step", "owner": "team:ml", "due_date": "2026-12-31"})
        self.assertStatus(item, 201, "action item")
        self.assertProblem(vakt.post("/api/v1/incidents/%s/retro/action-items" % key,
                                     {"title": "x", "owner": "y", "due_date": "31/12"}), 400, "due_date")

        # A proposal from the retro: add a step after "look".
        proposal = vakt.post("/api/v1/runbooks/retro-drift/proposals", {
            "incident": key, "message": "say which dashboard; check freshness",
            "patch": [{"op": "edit", "id": "look", "step": {"title": "Open the drift dashboard"}},
                      {"op": "add", "after": "look",
                       "step": {"id": "freshness", "title": "Check feature freshness",
                                "action": {"manual": {"instructions": "Open the freshness panel."}}}}]},
            headers=responder)
        self.assertStatus(proposal, 201, "proposal")
        proposal = proposal.json()
        self.assertIn("+    id: freshness", proposal["diff"])
        bad = vakt.post("/api/v1/runbooks/retro-drift/proposals",
                        {"message": "x", "patch": [{"op": "remove", "id": "missing"}]}, headers=responder)
        self.assertProblem(bad, 400, "patch[0].id")
        # The author cannot approve their own proposal (admin proposes, admin reviews); a second
        # person with the approver role can.
        own = vakt.post("/api/v1/runbooks/retro-drift/proposals",
                        {"message": "rename classify", "patch": [{"op": "edit", "id": "classify", "step": {"title": "Classify the drift"}}]})
        self.assertStatus(own, 201, "own proposal")
        self.assertProblem(vakt.post("/api/v1/proposals/%d/review" % own.json()["id"],
                                     {"decision": "approve"}), 409, "other")
        self.assertStatus(vakt.post("/api/v1/proposals/%d/review" % proposal["id"],
                                    {"decision": "approve"}, headers=responder), 403)
        approver = self.token("olga", "approver")
        self.assertProblem(vakt.post("/api/v1/proposals/%d/apply" % proposal["id"], {},
                                     headers=approver), 409, "approved")
        reviewed = vakt.post("/api/v1/proposals/%d/review" % proposal["id"],
                             {"decision": "approve", "comment": "good"}, headers=approver)
        self.assertStatus(reviewed, 200, "review")
        applied = vakt.post("/api/v1/proposals/%d/apply" % proposal["id"], {}, headers=approver)
        self.assertStatus(applied, 200, "apply")
        self.assertEqual(applied.json()["applied_version"], 2)

        # The new version is live, on disk, in the history and in the diff, linked back.
        runbook = vakt.get("/api/v1/runbooks/retro-drift").json()
        self.assertEqual([s["id"] for s in runbook["steps"]][:3], ["look", "freshness", "tell-sandbox"])
        self.assertEqual(runbook["version"], 2)
        with open(self.runbook_path, encoding="utf-8") as f:
            self.assertIn("freshness", f.read())
        versions = vakt.get("/api/v1/runbooks/retro-drift/versions").json()["versions"]
        self.assertEqual([(v["version"], v["source"]) for v in versions], [(1, "reload"), (2, "proposal")])
        self.assertEqual(versions[1]["incident"], key)
        self.assertEqual(versions[1]["proposal_id"], proposal["id"])
        self.assertEqual(versions[1]["content_hash"], runbook["content_hash"])
        diff = vakt.get("/api/v1/runbooks/retro-drift/diff?from=1&to=2").json()["diff"]
        self.assertTrue(diff.startswith("--- retro-drift@v1\n+++ retro-drift@v2\n"), diff)
        self.assertIn("freshness", diff)
        self.assertProblem(vakt.get("/api/v1/runbooks/retro-drift/diff?from=0"), 400, "from")
        self.assertProblem(vakt.get("/api/v1/runbooks/retro-drift/versions/9"), 404)

        # CLI over the same API.
        history = run_cli(vakt, ["runbook", "history", "retro-drift"])
        self.assertEqual(history.returncode, 0, history.stderr)
        self.assertIn("proposal", history.stdout)
        cli_diff = run_cli(vakt, ["runbook", "diff", "retro-drift", "1", "2"])
        self.assertEqual(cli_diff.returncode, 0, cli_diff.stderr)
        self.assertEqual(cli_diff.stdout, diff)

        # Complete, then close; the Markdown export carries the timeline.
        self.assertStatus(vakt.post("/api/v1/incidents/%s/retro/complete" % key, {}), 200, "complete")
        self.assertStatus(vakt.post("/api/v1/incidents/%s/close" % key, {}), 200, "close")
        markdown = vakt.get("/api/v1/incidents/%s/retro.md" % key)
        self.assertStatus(markdown, 200, "retro.md")
        text = markdown.body.decode("utf-8")
        self.assertIn("# Retro: %s" % key, text)
        self.assertIn("data-drift", text)
        self.assertIn("Add a freshness step", text)
        exported = run_cli(vakt, ["retro", "export", key])
        self.assertEqual(exported.returncode, 0, exported.stderr)
        self.assertEqual(exported.stdout, text)
        shown = run_cli(vakt, ["retro", "show", key])
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("retro completed", shown.stdout)
        listed = run_cli(vakt, ["proposal", "list", "--runbook", "retro-drift"])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("applied", listed.stdout)

        # Every step of the loop is in the audit log.
        actions = {r["action"] for r in vakt.get("/api/v1/audit/records?subject=runbook/retro-drift&limit=100").json()["records"]}
        for action in ("runbook.version", "runbook.propose", "runbook.proposal_approve",
                       "runbook.proposal_apply"):
            self.assertIn(action, actions)
        self.assertEqual(self.sink.received, [])

    def test_reload_records_a_version_only_when_content_changes(self):
        vakt = self.vakt
        self.assertStatus(vakt.post("/api/v1/runbooks/reload", {}), 200)
        self.assertEqual(len(vakt.get("/api/v1/runbooks/retro-drift/versions").json()["versions"]), 1)
        with open(self.runbook_path, "a", encoding="utf-8") as out:
            out.write("# reviewed\n")
        reloaded = vakt.post("/api/v1/runbooks/reload", {})
        self.assertStatus(reloaded, 200)
        self.assertEqual(reloaded.json()["versions"]["recorded"][0]["version"], 2)
        versions = vakt.get("/api/v1/runbooks/retro-drift/versions").json()["versions"]
        self.assertEqual([v["source"] for v in versions], ["reload", "reload"])
        self.assertEqual(vakt.get("/api/v1/runbooks/retro-drift/diff").json()["diff"].splitlines()[-1],
                         "+# reviewed")

    def test_warning_incident_closes_without_retro(self):
        key = self.open_incident(severity="warning")
        self.assertStatus(self.vakt.post("/api/v1/incidents/%s/resolve" % key, {}), 200)
        self.assertStatus(self.vakt.post("/api/v1/incidents/%s/close" % key, {}), 200)

    def test_drill_runs_end_to_end_without_side_effects_and_scores(self):
        vakt = self.vakt
        self.assertProblem(vakt.post("/api/v1/drills", {"runbook": "retro-drift", "scenario": "fire"}),
                           400, "scenario")
        self.assertProblem(vakt.post("/api/v1/drills", {"runbook": "nope"}), 404)
        self.assertStatus(vakt.post("/api/v1/drills", {"runbook": "retro-drift"}, auth=False), 401)
        started = run_cli(vakt, ["drill", "run", "retro-drift", "--scenario", "infra", "--format", "json"])
        self.assertEqual(started.returncode, 0, started.stderr)
        import json
        drill = json.loads(started.stdout)
        key = drill["id"]
        incident = vakt.get("/api/v1/incidents/" + key).json()
        self.assertTrue(incident["drill"])
        self.assertTrue(incident["title"].startswith("[DRILL] "), incident["title"])

        # The HTTP step "runs" as a dry run: the sink, reachable and allowed, receives nothing.
        responder = self.token("dora", "responder")
        self.assertStatus(vakt.post("/api/v1/incidents/%s/acknowledge" % key, {}, headers=responder), 200)
        self.assertIn(vakt.post("/api/v1/incidents/%s/steps/tell-sandbox/run" % key, {},
                                headers=responder).status, (200, 202))
        step = wait_until(lambda: (lambda s: s if s["state"] in ("succeeded", "failed") else None)(
            vakt.get("/api/v1/incidents/%s/steps/tell-sandbox" % key).json()), 30, interval=0.2,
            what="drill step finished")
        self.assertEqual(step["state"], "succeeded", step)
        self.assertStatus(vakt.post("/api/v1/incidents/%s/steps/look/skip" % key,
                                    {"reason": "drill"}, headers=responder), 200)
        for action in ("mitigate", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}, headers=responder),
                              200, action)
        time.sleep(0.5)
        self.assertEqual(self.sink.received, [])

        board = vakt.get("/api/v1/drills/scoreboard?since=1d").json()
        row = [r for r in board["drills"] if r["incident"] == key][0]
        self.assertEqual((row["runbook_id"], row["scenario"], row["state"]), ("retro-drift", "infra", "resolved"))
        self.assertTrue(row["acknowledge"]["met"])
        self.assertTrue(row["resolve"]["met"])
        self.assertEqual(row["resolve"]["target_ms"], 30 * 60 * 1000)
        self.assertEqual(row["steps_skipped"], 1)
        self.assertEqual(row["steps_failed"], 0)
        self.assertEqual(board["runbooks"]["retro-drift"]["met_all_targets"], 1)
        self.assertProblem(vakt.get("/api/v1/drills/scoreboard?since=forever"), 400, "since")

        # Response metrics from the real records: one real incident and the drill, kept apart.
        real = self.open_incident(severity="warning")
        self.assertStatus(vakt.post("/api/v1/incidents/%s/acknowledge" % real, {}), 200)
        self.assertStatus(vakt.post("/api/v1/incidents/%s/resolve" % real, {}), 200)
        report = vakt.get("/api/v1/reports/response?since=1d").json()
        self.assertEqual(report["incidents"]["overall"]["incidents"], 1)
        self.assertEqual(report["drills"]["overall"]["incidents"], 1)
        self.assertEqual(report["incidents"]["by_team"]["ml-retro"]["resolved"], 1)
        self.assertEqual(report["incidents"]["by_severity"]["warning"]["acknowledged"], 1)
        real_incident = vakt.get("/api/v1/incidents/" + real).json()
        self.assertIsNotNone(report["incidents"]["overall"]["mttr_p50_ms"])
        metrics = vakt.get("/metrics").body.decode("utf-8")
        self.assertIn('vakt_response_incidents{kind="drills",pipeline="all"} 1', metrics)
        self.assertIn('vakt_response_mttr_p50_seconds{kind="incidents",pipeline="retro-pipeline"}', metrics)
        cli = run_cli(vakt, ["report", "response", "--since", "1d"])
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn("drills", cli.stdout)
        self.assertEqual(real_incident["state"], "resolved")


if __name__ == "__main__":
    unittest.main()
