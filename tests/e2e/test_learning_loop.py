"""End-to-end, issue 9 (second part): drill schedules through the API and the CLI, started by the
real `vakt serve` scheduler exactly once (also with two instances on one PostgreSQL database); the
retro opening when the incident resolves (audited, with the generated timeline); /metrics response
gauges computed at scrape time with drills apart; drill findings feeding a reviewed runbook change.

Real `vakt serve` over real HTTP on 127.0.0.1; standard library only.
"""

import datetime
import json
import os
import sys
import time
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_paging as paging  # noqa: E402  (on-call file, webhook receiver, paging runbook)
import test_retro as base  # noqa: E402  (the retro suite's runbook, catalogue, sink and CLI helper)
from vakt_harness import REPO_ROOT, VaktTestCase, free_port, wait_until  # noqa: E402

CONFIG_TAIL = ("retro:\n  required_for: [critical]\n"
               "drills:\n  targets:\n    default: {acknowledge: 10m, mitigate: 20m, resolve: 30m}\n"
               'actions:\n  egress_allow: ["127.0.0.1/32:*"]\n')


class LearningLoopCase(VaktTestCase):
    """One vakt per test on SQLite; the PostgreSQL subclass below runs the same tests again."""


    def database_url(self):
        return None

    def make_vakt(self, database=None):
        vakt = self.new_vakt(database=database, extra={"catalog": "pipelines.yaml"})
        with open(os.path.join(vakt.workdir, "pipelines.yaml"), "w", encoding="utf-8") as out:
            out.write(base.CATALOG)
        with open(vakt.config_path, "a", encoding="utf-8") as out:
            out.write(CONFIG_TAIL)
        os.makedirs(os.path.join(vakt.workdir, "runbooks"), exist_ok=True)
        with open(os.path.join(vakt.workdir, "runbooks", "retro-drift.yaml"), "w", encoding="utf-8") as out:
            out.write(base.RUNBOOK.replace("SINK_URL", self.sink.url))
        vakt.start()
        return vakt

    def setUp(self):
        self.sink = base.Sink()
        self.addCleanup(self.sink.close)
        self.db_url = self.database_url()
        self.vakt = self.make_vakt(self.db_url)

    def token(self, name, role, vakt=None):
        return self.bearer(vakt or self.vakt, name, role)

    def audit(self, subject, vakt=None):
        return (vakt or self.vakt).get("/api/v1/audit/records?subject=%s&limit=200" % subject).json()["records"]

    def open_incident(self, severity="critical"):
        alert = [{"labels": {"alertname": "RetroDrift", "pipeline": "retro-pipeline", "severity": severity}}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200)
        return wait_until(lambda: next((i["id"] for i in self.vakt.get("/api/v1/incidents").json()["incidents"]
                                        if not i["drill"] and i["state"] == "triggered"), None),
                          30, what="incident opened")

    def end_alert(self, severity="critical"):
        """Sends open_incident's alert again as resolved (endsAt just past)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        alert = [{"labels": {"alertname": "RetroDrift", "pipeline": "retro-pipeline", "severity": severity},
                  "startsAt": (now - datetime.timedelta(minutes=1)).isoformat().replace("+00:00", "Z"),
                  "endsAt": (now - datetime.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200, "end alert")

    # -- drill schedules --------------------------------------------------------------------------
    def test_drill_schedule_add_list_rm_via_api_and_cli_audited(self):
        vakt = self.vakt
        added = base.run_cli(vakt, ["drill", "schedule", "add", "retro-drift", "--scenario", "regression",
                                    "--every", "weekly", "--weekday", "tuesday", "--at", "10:00",
                                    "--time-zone", "Europe/Oslo", "--format", "json"])
        self.assertEqual(added.returncode, 0, added.stderr)
        schedule = json.loads(added.stdout)
        self.assertEqual((schedule["runbook"], schedule["scenario"], schedule["every"], schedule["weekday"],
                          schedule["at"], schedule["time_zone"]),
                         ("retro-drift", "regression", "weekly", "tuesday", "10:00", "Europe/Oslo"))
        # next_run_at is the next Tuesday 10:00 in Oslo, whatever the DST offset is then.
        next_run = datetime.datetime.fromtimestamp(schedule["next_run_at"] / 1000,
                                                   zoneinfo.ZoneInfo("Europe/Oslo"))
        self.assertEqual((next_run.weekday(), next_run.hour, next_run.minute), (1, 10, 0))
        self.assertGreater(schedule["next_run_at"] / 1000, time.time())
        self.assertLessEqual(schedule["next_run_at"] / 1000, time.time() + 7 * 86400 + 3600)

        # Bad input: 400 naming the field (API), usage exit code and the field (CLI); 401 without a token.
        self.assertProblem(vakt.post("/api/v1/drills/schedules", {"runbook": "retro-drift", "every": "daily",
                                                                  "at": "10:00", "time_zone": "Mars/Olympus"}),
                           400, "time_zone")
        self.assertProblem(vakt.post("/api/v1/drills/schedules", {"runbook": "retro-drift", "every": "weekly",
                                                                  "at": "10:00", "time_zone": "UTC"}),
                           400, "weekday")
        self.assertProblem(vakt.post("/api/v1/drills/schedules", {"runbook": "nope", "every": "daily",
                                                                  "at": "10:00", "time_zone": "UTC"}), 404)
        self.assertStatus(vakt.post("/api/v1/drills/schedules", {"runbook": "retro-drift"}, auth=False), 401)
        bad = base.run_cli(vakt, ["drill", "schedule", "add", "retro-drift", "--every", "daily", "--at", "25:00",
                                  "--time-zone", "UTC"])
        self.assertEqual(bad.returncode, 2, bad.stderr)
        self.assertIn("at:", bad.stderr)

        listed = vakt.get("/api/v1/drills/schedules").json()["schedules"]
        self.assertEqual([s["id"] for s in listed], [schedule["id"]])
        table = base.run_cli(vakt, ["drill", "schedule", "list"])
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("tuesday 10:00", table.stdout)
        self.assertIn("Europe/Oslo", table.stdout)

        self.assertStatus(vakt.request("DELETE", "/api/v1/drills/schedules/%d" % schedule["id"], auth=False), 401)
        removed = base.run_cli(vakt, ["drill", "schedule", "rm", str(schedule["id"])])
        self.assertEqual(removed.returncode, 0, removed.stderr)
        self.assertEqual(vakt.get("/api/v1/drills/schedules").json()["schedules"], [])
        self.assertProblem(vakt.request("DELETE", "/api/v1/drills/schedules/%d" % schedule["id"]), 404)
        again = base.run_cli(vakt, ["drill", "schedule", "rm", str(schedule["id"])])
        self.assertEqual(again.returncode, 2, again.stderr)

        actions = [(r["action"], r["details"].get("schedule_id")) for r in self.audit("runbook/retro-drift")]
        self.assertIn(("drill.schedule_create", schedule["id"]), actions)
        self.assertIn(("drill.schedule_delete", schedule["id"]), actions)

    def schedule_next_minute(self, vakt):
        """A daily UTC schedule due at the start of the coming minute (at least 5 s away)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        at = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
        if (at - now).total_seconds() < 5:
            at += datetime.timedelta(minutes=1)
        created = vakt.post("/api/v1/drills/schedules", {"runbook": "retro-drift", "scenario": "infra",
                                                         "every": "daily", "at": at.strftime("%H:%M"),
                                                         "time_zone": "UTC"})
        self.assertStatus(created, 201, "schedule")
        return created.json()

    def scheduled_drills(self, vakt):
        return [i for i in vakt.get("/api/v1/incidents").json()["incidents"] if i["drill"]]

    def test_serve_starts_a_due_scheduled_drill_once_without_side_effects(self):
        vakt = self.vakt
        schedule = self.schedule_next_minute(vakt)
        drills = wait_until(lambda: self.scheduled_drills(vakt) or None, 150, interval=1,
                            what="scheduled drill opened")
        self.assertEqual(len(drills), 1)
        self.assertTrue(drills[0]["title"].startswith("[DRILL] "))
        time.sleep(3)  # several more scheduler passes: still one drill
        self.assertEqual(len(self.scheduled_drills(vakt)), 1)
        listed = vakt.get("/api/v1/drills/schedules").json()["schedules"][0]
        self.assertEqual(listed["last_incident"], drills[0]["id"])
        self.assertGreaterEqual(listed["next_run_at"] - schedule["next_run_at"], 86400 * 1000 - 3600 * 1000)
        board = vakt.get("/api/v1/drills/scoreboard?since=1d").json()
        self.assertEqual([(r["incident"], r["schedule_id"], r["scenario"]) for r in board["drills"]],
                         [(drills[0]["id"], schedule["id"], "infra")])
        runs = [r for r in self.audit("runbook/retro-drift") if r["action"] == "drill.schedule_run"]
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["details"]["incident"], drills[0]["id"])
        # The drill's HTTP step runs dry: the reachable, allowed sink receives nothing.
        key = drills[0]["id"]
        self.assertIn(vakt.post("/api/v1/incidents/%s/steps/tell-sandbox/run" % key, {}).status, (200, 202))
        wait_until(lambda: vakt.get("/api/v1/incidents/%s/steps/tell-sandbox" % key).json()["state"]
                   in ("succeeded", "failed") or None, 30, interval=0.2, what="drill step done")
        self.assertEqual(vakt.get("/api/v1/incidents/%s/steps/tell-sandbox" % key).json()["state"], "succeeded")
        self.assertEqual(self.sink.received, [])

    # -- retro opens at resolve -------------------------------------------------------------------
    def test_retro_opens_when_the_incident_resolves_audited_with_its_timeline(self):
        vakt = self.vakt
        key = self.open_incident()
        for action in ("acknowledge", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}), 200, action)
        # Nobody has read the retro: the resolve itself opened it, as system:retro.
        opened = [r for r in self.audit("incident/" + key) if r["action"] == "retro.open"]
        self.assertEqual(len(opened), 1, opened)
        self.assertEqual(opened[0]["actor"], "system:retro")
        self.assertEqual(opened[0]["details"]["trigger"], "resolve")
        phases = opened[0]["details"]["timeline"]["phases"]
        self.assertEqual(phases[0], "detected")
        self.assertIn("acked", phases)
        self.assertEqual(phases[-1], "resolved")
        self.assertIsNotNone(opened[0]["details"]["timeline"]["durations_ms"]["to_resolve"])
        retro = vakt.get("/api/v1/incidents/%s/retro" % key).json()
        self.assertEqual(retro["state"], "open")
        self.assertEqual(len([r for r in self.audit("incident/" + key) if r["action"] == "retro.open"]), 1)

    def test_retro_through_the_cli_annotation_to_completed_close(self):
        vakt = self.vakt
        key = self.open_incident()
        # During the incident a responder remarks on a step from the CLI.
        annotated = base.run_cli(vakt, ["retro", "annotate", key, "look", "--kind", "slow",
                                        "--text", "took 20 minutes to find"])
        self.assertEqual(annotated.returncode, 0, annotated.stderr)
        bad_kind = base.run_cli(vakt, ["retro", "annotate", key, "look", "--kind", "boring"])
        self.assertEqual(bad_kind.returncode, 2, bad_kind.stderr)
        self.assertIn("kind", bad_kind.stderr)
        for action in ("acknowledge", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}), 200, action)
        # critical requires a completed retro before close.
        self.assertProblem(vakt.post("/api/v1/incidents/%s/close" % key, {}), 409, "retro")
        premature = base.run_cli(vakt, ["retro", "complete", key])
        self.assertEqual(premature.returncode, 1, premature.stderr)
        self.assertIn("root_cause_category", premature.stderr)
        updated = base.run_cli(vakt, ["retro", "update", key, "--root-cause", "data-drift", "--summary",
                                      "feature pipeline lagged", "--factor", "no freshness check",
                                      "--factor", "dashboard hard to find"])
        self.assertEqual(updated.returncode, 0, updated.stderr)
        bad_due = base.run_cli(vakt, ["retro", "action-item", key, "--title", "x", "--owner", "team:ml",
                                      "--due", "next week"])
        self.assertEqual(bad_due.returncode, 2, bad_due.stderr)
        self.assertIn("due_date", bad_due.stderr)
        item = base.run_cli(vakt, ["retro", "action-item", key, "--title", "Link the dashboard",
                                   "--owner", "team:ml", "--due", "2027-02-01"])
        self.assertEqual(item.returncode, 0, item.stderr)
        completed = base.run_cli(vakt, ["retro", "complete", key])
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertStatus(vakt.post("/api/v1/incidents/%s/close" % key, {}), 200, "close")
        retro = vakt.get("/api/v1/incidents/%s/retro" % key).json()
        self.assertEqual(retro["state"], "completed")
        self.assertEqual(retro["contributing_factors"], ["no freshness check", "dashboard hard to find"])
        self.assertEqual([(i["owner"], i["due_date"]) for i in retro["action_items"]], [("team:ml", "2027-02-01")])
        markdown = base.run_cli(vakt, ["retro", "export", key]).stdout
        for text in ("took 20 minutes to find", "slow", "Link the dashboard", "2027-02-01", "data-drift"):
            self.assertIn(text, markdown)
        actions = [r["action"] for r in self.audit("incident/" + key)]
        for action in ("retro.open", "retro.update", "retro.complete", "incident.closed"):
            self.assertTrue(any(a == action for a in actions), (action, actions))

    # -- metrics at scrape time -------------------------------------------------------------------
    def gauge(self, vakt, name, **labels):
        wanted = name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "} "
        for line in vakt.get("/metrics").body.decode("utf-8").splitlines():
            if line.startswith(wanted):
                return int(line.split()[-1])
        return None

    def test_metrics_response_gauges_come_from_records_at_scrape_time_drills_apart(self):
        vakt = self.vakt
        self.assertEqual(self.gauge(vakt, "vakt_response_incidents", kind="incidents", pipeline="all"), 0)
        key = self.open_incident(severity="warning")
        time.sleep(0.3)
        self.assertStatus(vakt.post("/api/v1/incidents/%s/steps/look/skip" % key, {"reason": "known"}), 200)
        for action in ("acknowledge", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}), 200, action)
        # The alert stops firing too: a still-firing alert whose incident was resolved by hand opens
        # a new incident on the next dispatch pass, which would be a second real incident here.
        self.end_alert("warning")
        drill = vakt.post("/api/v1/drills", {"runbook": "retro-drift"})
        self.assertStatus(drill, 201)
        self.assertStatus(vakt.post("/api/v1/incidents/%s/steps/look/skip" % drill.json()["id"],
                                    {"reason": "drill"}), 200)
        # No report was asked for: the scrape itself reads the stored incidents (at most once a second).
        wait_until(lambda: self.gauge(vakt, "vakt_response_incidents", kind="incidents", pipeline="all") == 1
                   or None, 10, interval=0.3, what="gauge refreshed")
        self.assertEqual(self.gauge(vakt, "vakt_response_incidents", kind="drills", pipeline="all"), 1)
        self.assertEqual(self.gauge(vakt, "vakt_response_incidents", kind="incidents", pipeline="retro-pipeline"), 1)
        self.assertGreater(self.gauge(vakt, "vakt_response_mttr_p50_seconds", kind="incidents", pipeline="retro-pipeline"), 0)
        # The drill has not been acknowledged: its MTTA is "none", the real incident's is not.
        self.assertEqual(self.gauge(vakt, "vakt_response_mtta_p50_seconds", kind="drills", pipeline="all"), -1)
        self.assertGreaterEqual(self.gauge(vakt, "vakt_response_mtta_p90_seconds", kind="incidents", pipeline="all"), 0)
        report = vakt.get("/api/v1/reports/response?since=1d").json()
        for group, value in (("by_pipeline", "retro-pipeline"), ("by_runbook", "retro-drift"),
                             ("by_team", "ml-retro"), ("by_severity", "warning")):
            stats = report["incidents"][group][value]
            self.assertEqual(stats["incidents"], 1, group)
            for field in ("mtta_p50_ms", "mtta_p90_ms", "mttr_p50_ms", "mttr_p90_ms"):
                self.assertIsNotNone(stats[field], (group, field))
        self.assertNotIn("drill", report["incidents"]["by_severity"])
        # Runbook effectiveness counts the real incident's skipped step, not the drill's.
        look = [r for r in report["runbook_effectiveness"]
                if (r["runbook_id"], r["step_id"]) == ("retro-drift", "look")]
        self.assertEqual(len(look), 1, report["runbook_effectiveness"])
        self.assertEqual((look[0]["runs"], look[0]["skipped"]), (1, 1))
        self.assertIn("often_skipped", look[0]["flags"])
        cli = base.run_cli(vakt, ["report", "response", "--since", "1d", "--format", "json"])
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertEqual(json.loads(cli.stdout)["incidents"]["by_runbook"]["retro-drift"]["incidents"], 1)

    # -- drill findings feed proposals ------------------------------------------------------------
    def test_drill_findings_feed_a_reviewed_runbook_change_like_a_retro(self):
        vakt = self.vakt
        responder = self.token("dora", "responder")
        drill = vakt.post("/api/v1/drills", {"runbook": "retro-drift", "scenario": "drift"}, headers=responder)
        self.assertStatus(drill, 201, "drill")
        key = drill.json()["id"]
        # A finding during the drill: the step is slow to follow.
        self.assertStatus(vakt.post("/api/v1/incidents/%s/steps/classify/annotations" % key,
                                    {"kind": "missing", "text": "no freshness check before classifying"},
                                    headers=responder), 201)
        for action in ("acknowledge", "resolve"):
            self.assertStatus(vakt.post("/api/v1/incidents/%s/%s" % (key, action), {}, headers=responder), 200)
        retro = vakt.get("/api/v1/incidents/%s/retro" % key).json()
        self.assertTrue(retro["incident"]["drill"])
        self.assertEqual(retro["annotations"][0]["kind"], "missing")
        self.assertStatus(vakt.post("/api/v1/incidents/%s/retro/action-items" % key,
                                    {"title": "Add the freshness step", "owner": "user:dora",
                                     "due_date": "2027-01-15"}), 201)
        markdown = vakt.get("/api/v1/incidents/%s/retro.md" % key).body.decode("utf-8")
        self.assertIn("no freshness check before classifying", markdown)
        self.assertIn("user:dora", markdown)
        self.assertIn("2027-01-15", markdown)

        self.assertProblem(vakt.post("/api/v1/runbooks/retro-drift/proposals",
                                     {"incident": key, "origin": "retro", "message": "x",
                                      "patch": [{"op": "remove", "id": "look"}]}, headers=responder),
                           400, "origin")
        proposal = vakt.post("/api/v1/runbooks/retro-drift/proposals", {
            "incident": key, "message": "drill finding: check freshness first",
            "patch": [{"op": "add", "after": "look",
                       "step": {"id": "freshness", "title": "Check feature freshness",
                                "action": {"manual": {"instructions": "Open the freshness panel."}}}}]},
            headers=responder)
        self.assertStatus(proposal, 201, "proposal")
        self.assertEqual(proposal.json()["origin"], "drill")
        approver = self.token("olga", "approver")
        pid = proposal.json()["id"]
        self.assertStatus(vakt.post("/api/v1/proposals/%d/review" % pid, {"decision": "approve"}, headers=approver), 200)
        applied = vakt.post("/api/v1/proposals/%d/apply" % pid, {}, headers=approver)
        self.assertStatus(applied, 200, "apply")
        versions = vakt.get("/api/v1/runbooks/retro-drift/versions").json()["versions"]
        self.assertEqual((versions[-1]["source"], versions[-1]["incident"], versions[-1]["proposal_id"]),
                         ("proposal", key, pid))
        self.assertEqual(self.sink.received, [])


class LearningLoopPostgresTest(LearningLoopCase):
    """The same on PostgreSQL, plus two instances on one database starting a due drill once."""

    def database_url(self):
        return self.postgres_database()

    # One scheduled-drill wait per engine is enough: the two-instance test below covers serve's
    # scheduler on PostgreSQL.
    test_serve_starts_a_due_scheduled_drill_once_without_side_effects = None

    def test_two_instances_on_one_database_start_a_scheduled_drill_once(self):
        second = self.make_vakt(self.db_url)
        schedule = self.schedule_next_minute(self.vakt)
        drills = wait_until(lambda: self.scheduled_drills(second) or None, 150, interval=1,
                            what="scheduled drill opened")
        time.sleep(4)
        self.assertEqual(len(self.scheduled_drills(self.vakt)), 1, drills)
        runs = [r for r in self.audit("runbook/retro-drift") if r["action"] == "drill.schedule_run"]
        self.assertEqual(len(runs), 1, runs)
        self.assertEqual(runs[0]["details"]["schedule_id"], schedule["id"])


class DrillNotificationTest(VaktTestCase):
    """A drill of a runbook with an escalation policy pages through the drill channel only: the
    on-call person's real webhook and mailbox receive nothing, while a real incident reaches them."""

    def setUp(self):
        self.hooks = paging.HookReceiver()
        self.addCleanup(self.hooks.stop)
        self.mail_dir = self.make_tempdir(prefix="vakt-e2e-smtp-")
        smtp_port = free_port()
        sink = os.path.join(REPO_ROOT, "tests", "testdata", "notify", "smtp_sink.py")
        self.start_process(["/usr/bin/python3", sink, str(smtp_port), self.mail_dir], "smtp")
        wait_until(lambda: os.path.exists(os.path.join(self.mail_dir, "ready")), 20, what="SMTP sink ready")
        self.vakt = self.new_vakt(extra={
            "oncall": "oncall.yaml",
            "notify": {"templates": os.path.join(REPO_ROOT, "examples", "templates"),
                       "webhook_secret": paging.SECRET,
                       "smtp_url": "smtp://127.0.0.1:%d" % smtp_port,
                       "smtp_from": "vakt@example.com",
                       "drill_webhook_url": self.hooks.url + "/drill-channel"}})
        with open(os.path.join(self.vakt.workdir, "oncall.yaml"), "w", encoding="utf-8") as out:
            out.write(paging.oncall_yaml(self.hooks.url))
        with open(os.path.join(self.vakt.workdir, "runbooks", "paging.yaml"), "w", encoding="utf-8") as out:
            out.write(paging.RUNBOOK)
        self.vakt.start()

    def test_drill_pages_only_the_drill_channel_and_no_real_person(self):
        vakt = self.vakt
        drill = vakt.post("/api/v1/drills", {"runbook": "paging-drift", "scenario": "infra"})
        self.assertStatus(drill, 201, "drill")
        key = drill.json()["id"]
        wait_until(lambda: self.hooks.deliveries("/drill-channel"), 30, what="drill page on the drill channel")
        time.sleep(paging.LEVEL_DELAY_S + 3)  # level 2 (bob) would have fired by now
        self.assertEqual(self.hooks.deliveries("/alice"), [])
        self.assertEqual(self.hooks.deliveries("/bob"), [])
        self.assertEqual(os.listdir(self.mail_dir), ["ready"])
        self.assertEqual({d["path"] for d in self.hooks.deliveries()}, {"/drill-channel"})
        notes = vakt.get("/api/v1/incidents/%s/notifications" % key).json()["notifications"]
        self.assertTrue(notes)
        # notify.drill_webhook_url is configured, so every drill message (each level's page, for
        # each real contact) was rerouted to that webhook: channel "webhook" (channel "drill" is the
        # record-only route used when no drill webhook is configured). The API shows a webhook
        # target as scheme and host only, so the receiver's log above proves the path; here every
        # message is a sent [DRILL] one, and each arrived on /drill-channel as its own delivery.
        self.assertEqual({n["channel"] for n in notes}, {"webhook"}, notes)
        self.assertEqual({n["target"] for n in notes}, {self.hooks.url + "/\u2026"}, notes)
        for note in notes:
            self.assertTrue(note["subject"].startswith("[DRILL] "), note)
            self.assertEqual(note["state"], "sent", note)
        self.assertEqual(len({d["id"] for d in self.hooks.deliveries("/drill-channel")}), len(notes))
        self.assertEqual({d["path"] for d in self.hooks.deliveries()}, {"/drill-channel"})
        # The same runbook for a real alert reaches the real person: the channels were live.
        alert = [{"labels": {"alertname": "PagingDrift", "case": "real"}, "annotations": {"summary": "drift"}}]
        self.assertStatus(vakt.post("/api/v2/alerts", alert), 200)
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="real page to alice")


if __name__ == "__main__":
    unittest.main()
