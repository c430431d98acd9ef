#!/usr/bin/env python3
"""On-call paging (issue 5) on a real `vakt serve`: an alert opens an incident whose runbook names
an escalation policy; the person on call is paged through a real webhook receiver in this test
(which checks the Standard Webhooks signature with its own HMAC code) and a real SMTP server
(Debian's python3-aiosmtpd); acknowledging stops level 2; `kill -9` in the middle of an
escalation and a restart page the next level once, with nothing lost and nothing twice. Also the
on-call REST views, overrides, and stakeholder notices with the group_interval throttle; users
and teams through the API; `vakt notify test`; the delivery record of each attempt.

test_paging_postgres.py runs the key scenarios on PostgreSQL."""

import base64
import glob
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (REPO_ROOT, VaktTestCase, free_port, main, vakt_bin,  # noqa: E402
                          wait_until)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
LEVEL_DELAY_S = 4

RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: paging-drift, title: Paging drift, version: 1, owners: [team:ml]}
detection:
  match: {alertname: PagingDrift}
  group_by: [alertname, case]
  group_wait: 1s
  group_interval: 1h
  escalation: ml-primary
stabilise:
  - {id: look, title: Look at the dashboard, action: {manual: {instructions: Open it.}}}
investigate:
  steps:
    - {id: classify, title: Classify, action: {manual: {instructions: Decide.}}}
resolve:
  verify:
    - {id: ok, title: Drift gone, action: {manual: {instructions: Check.}}}
"""


def oncall_yaml(hook_url):
    return """users:
  - {id: alice, name: Alice, contact: {webhook: "%(hook)s/alice", email: alice@example.com}}
  - {id: bob, name: Bob, contact: {webhook: "%(hook)s/bob"}}
schedules:
  - id: primary
    name: Primary
    time_zone: Europe/Oslo
    layers:
      - {name: only alice, users: [alice], rotation_virtual_start: "2026-01-05T09:00", turn: weekly}
escalation_policies:
  - id: ml-primary
    name: ML primary
    repeat: 0
    levels:
      - {targets: [schedule:primary], delay: %(delay)ds}
      - {targets: [user:bob], delay: %(delay)ds}
""" % {"hook": hook_url, "delay": LEVEL_DELAY_S}


class HookReceiver:
    """A webhook receiver that records every delivery and verifies its signature itself
    (Standard Webhooks: base64(HMAC-SHA256(key, id.timestamp.body)))."""

    def __init__(self):
        self.key = base64.b64decode(SECRET[len("whsec_"):])
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                wid = self.headers.get("webhook-id", "")
                ts = self.headers.get("webhook-timestamp", "")
                sig = self.headers.get("webhook-signature", "")
                expected = base64.b64encode(hmac.new(receiver.key, ("%s.%s." % (wid, ts)).encode()
                                                     + body, hashlib.sha256).digest()).decode()
                valid = any(part == "v1," + expected for part in sig.split(" "))
                with receiver.lock:
                    receiver.received.append({"path": self.path, "id": wid, "valid": valid,
                                              "body": json.loads(body or b"{}")})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def deliveries(self, path=None):
        with self.lock:
            return [r for r in self.received if path is None or r["path"] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def run_cli(args, timeout=60):
    return subprocess.run([vakt_bin()] + args, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class PagingTest(VaktTestCase):
    def database_url(self):
        """None = SQLite in the work directory; the PostgreSQL variant returns its own database."""
        return None

    def setUp(self):
        self.hooks = HookReceiver()
        self.addCleanup(self.hooks.stop)
        self.mail_dir = self.make_tempdir(prefix="vakt-e2e-smtp-")
        smtp_port = free_port()
        sink = os.path.join(REPO_ROOT, "tests", "testdata", "notify", "smtp_sink.py")
        self.start_process(["/usr/bin/python3", sink, str(smtp_port), self.mail_dir], "smtp")
        wait_until(lambda: os.path.exists(os.path.join(self.mail_dir, "ready")), 20,
                   what="SMTP sink ready")
        self.smtp_port = smtp_port
        self.vakt = self.paging_vakt(self.database_url())
        self.vakt.start()

    def paging_vakt(self, database):
        vakt = self.new_vakt(database=database, extra={
            "oncall": "oncall.yaml",
            "notify": {"templates": os.path.join(REPO_ROOT, "examples", "templates"),
                       "webhook_secret": SECRET,
                       "smtp_url": "smtp://127.0.0.1:%d" % self.smtp_port,
                       "smtp_from": "vakt@example.com"}})
        with open(os.path.join(vakt.workdir, "oncall.yaml"), "w", encoding="utf-8") as out:
            out.write(oncall_yaml(self.hooks.url))
        with open(os.path.join(vakt.workdir, "runbooks", "paging.yaml"), "w",
                  encoding="utf-8") as out:
            out.write(RUNBOOK)
        return vakt

    def mails(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.mail_dir, "msg_*.json"))):
            with open(path, encoding="utf-8") as f:
                out.append(json.load(f))
        return out

    def open_incident(self, case):
        alert = [{"labels": {"alertname": "PagingDrift", "case": case},
                  "annotations": {"summary": "drift"}}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200)

        def find():
            for incident in self.vakt.get("/api/v1/incidents").json()["incidents"]:
                if incident.get("group_labels", {}).get("case") == case:
                    return incident["id"]
            return None
        return wait_until(find, 30, what="incident for case " + case)

    def pages(self, incident):
        response = self.vakt.get("/api/v1/incidents/%s/pages" % incident)
        self.assertStatus(response, 200)
        return response.json()

    def paged(self, incident):
        return ["L%d:%s" % (p["level"], p["user"]) for p in self.pages(incident)["pages"]]

    def test_alert_pages_the_on_call_user_by_signed_webhook_and_email_and_ack_stops_level_2(self):
        incident = self.open_incident("ack")
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="page to alice's webhook")
        wait_until(lambda: self.mails(), 30, what="page e-mail to alice")
        page = self.hooks.deliveries("/alice")[0]
        self.assertTrue(page["valid"], "the webhook signature must verify: %r" % page)
        self.assertEqual(page["body"]["incident"], incident)
        self.assertEqual(page["body"]["level"], 1)
        mail = self.mails()[0]
        self.assertEqual(mail["rcpt_tos"], ["alice@example.com"])
        self.assertIn(incident, mail["subject"])
        self.assertStatus(self.vakt.post("/api/v1/incidents/%s/ack" % incident, {}), 200)
        time.sleep(LEVEL_DELAY_S + 3)  # level 2 would have fired by now
        self.assertEqual(self.hooks.deliveries("/bob"), [])
        pages = self.pages(incident)
        self.assertEqual(self.paged(incident), ["L1:alice"])
        self.assertIsNotNone(pages["pages"][0]["acked_at"])
        self.assertIsNotNone(pages["pages"][0]["delivered_at"])
        self.assertEqual(pages["escalations"][0]["phase"], "acknowledged")
        notes = self.vakt.get("/api/v1/incidents/%s/notifications" % incident).json()
        self.assertEqual(sorted(n["channel"] for n in notes["notifications"]), ["email", "webhook"])
        self.assertTrue(all(n["state"] == "sent" for n in notes["notifications"]), notes)
        for note in notes["notifications"]:  # one delivery record per attempt: who, how, when
            self.assertEqual(len(note["delivery_attempts"]), 1, note)
            attempt = note["delivery_attempts"][0]
            self.assertEqual(attempt["recipient"], "user:alice")
            self.assertEqual(attempt["channel"], note["channel"])
            self.assertEqual(attempt["result"], "sent")
            self.assertLessEqual(attempt["started_at"], attempt["finished_at"])

    def test_kill_9_mid_escalation_then_restart_pages_level_2_once_and_loses_nothing(self):
        incident = self.open_incident("crash")
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="level 1 page")
        # Webhook and e-mail go out on separate delivery lanes; a mail still in flight at the kill
        # would stay leased to the dead process for the outbox lease (60 s) and prove nothing here.
        wait_until(lambda: self.mails(), 30, what="level 1 e-mail")
        self.vakt.kill()
        time.sleep(LEVEL_DELAY_S + 1)  # level 2 falls due while vakt is down
        self.vakt.start()
        wait_until(lambda: self.hooks.deliveries("/bob"), 30, what="level 2 page after restart")
        time.sleep(LEVEL_DELAY_S + 2)  # the policy is exhausted; nothing more may come
        self.assertEqual(self.paged(incident), ["L1:alice", "L2:bob"])
        ids = [d["id"] for d in self.hooks.deliveries()]
        self.assertEqual(len(ids), len(set(ids)), "a page was delivered twice: %r" % ids)
        self.assertEqual(len(self.hooks.deliveries("/bob")), 1)
        self.assertTrue(all(d["valid"] for d in self.hooks.deliveries()))
        self.assertEqual(len(self.mails()), 1)  # alice's e-mail, once

    def test_oncall_views_and_an_approved_override(self):
        now = self.vakt.get("/api/v1/oncall/now?schedule=primary")
        self.assertStatus(now, 200)
        self.assertEqual(now.json()["schedules"][0]["on_call"], ["alice"])
        self.assertProblem(self.vakt.get("/api/v1/oncall/now?schedule=nope"), 404, "nope")
        schedules = self.vakt.get("/api/v1/schedules").json()["schedules"]
        self.assertEqual([s["id"] for s in schedules], ["primary"])
        policies = self.vakt.get("/api/v1/escalation-policies").json()["escalation_policies"]
        self.assertEqual(policies[0]["levels"][0]["targets"], ["schedule:primary"])
        shifts = self.vakt.get("/api/v1/schedules/primary/shifts?from=2026-03-01T00:00:00Z"
                               "&to=2026-03-02T00:00:00Z").json()["shifts"]
        self.assertEqual([s["user"] for s in shifts], ["alice"])
        self.assertProblem(self.vakt.get("/api/v1/schedules/primary/shifts?from=yesterday"),
                           400, "from")
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        body = {"user": "bob", "start": start, "end": end}
        responder = self.vakt.post("/api/v1/tokens", {"name": "rita", "role": "responder"})
        self.assertStatus(responder, 201)
        headers = {"Authorization": "Bearer " + responder.json()["token"]}
        self.assertStatus(self.vakt.post("/api/v1/schedules/primary/overrides", body,
                                         headers=headers), 403)
        self.assertStatus(self.vakt.post("/api/v1/schedules/primary/overrides", body), 201)
        self.assertProblem(self.vakt.post("/api/v1/schedules/primary/overrides",
                                          {"user": "bob", "start": end, "end": start}), 400, "end")
        now = self.vakt.get("/api/v1/oncall/now?schedule=primary").json()
        self.assertEqual(now["schedules"][0]["on_call"], ["bob"])
        self.assertEqual(now["schedules"][0]["next"]["users"], ["alice"])

    def test_stakeholder_notices_render_the_agreed_templates_and_updates_are_throttled(self):
        incident = self.open_incident("notice")
        path = "/api/v1/incidents/%s/notify" % incident
        sent = self.vakt.post(path, {"template": "stakeholder-initial",
                                     "to": ["email:risk@example.com"]})
        self.assertStatus(sent, 202)

        def notice_mail():
            for mail in self.mails():
                if mail["rcpt_tos"] == ["risk@example.com"]:
                    return mail
            return None
        mail = wait_until(notice_mail, 30, what="stakeholder e-mail")
        self.assertIn(incident, mail["subject"])
        self.assertIn(incident, mail["text"])
        self.assertStatus(self.vakt.post(path, {"template": "update",
                                                "to": ["email:risk@example.com"]}), 202)
        self.assertProblem(self.vakt.post(path, {"template": "update",
                                                 "to": ["email:risk@example.com"]}),
                           429, "group_interval")
        self.assertProblem(self.vakt.post(path, {"template": "gossip", "to": ["email:a@b.c"]}),
                           400, "template")
        self.assertProblem(self.vakt.post(path, {"template": "update", "to": ["fax:123"]}),
                           400, "to[0]")
        self.assertStatus(self.vakt.post(path, {"template": "update", "to": ["email:a@b.c"]},
                                         auth=False), 401)

    def test_a_storm_of_alerts_pages_once_per_incident_level(self):
        storm = [{"labels": {"alertname": "PagingDrift", "case": "storm", "instance": "i%d" % n},
                  "annotations": {"summary": "drift"}} for n in range(40)]
        self.assertStatus(self.vakt.post("/api/v2/alerts", storm[:20]), 200)
        incident = self.open_incident("storm")
        self.assertStatus(self.vakt.post("/api/v2/alerts", storm[20:]), 200)
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="page to alice")
        time.sleep(2)  # more alerts keep arriving in the group; no new page may follow
        self.assertStatus(self.vakt.post("/api/v1/incidents/%s/ack" % incident, {}), 200)
        self.assertEqual(self.paged(incident), ["L1:alice"])
        self.assertEqual(len(self.hooks.deliveries("/alice")), 1)
        incidents = [i for i in self.vakt.get("/api/v1/incidents").json()["incidents"]
                     if i.get("group_labels", {}).get("case") == "storm"]
        self.assertEqual(len(incidents), 1)

    def test_users_and_teams_through_the_api_are_validated_audited_and_paged(self):
        users = self.vakt.get("/api/v1/users")
        self.assertStatus(users, 200)
        self.assertEqual({u["id"]: u["source"] for u in users.json()["users"]},
                         {"alice": "file", "bob": "file"})
        carol = {"name": "Carol", "contact": {"webhook": self.hooks.url + "/carol",
                                              "email": "carol@example.com"},
                 "notification_rules": [{"after": "0s", "via": "webhook"},
                                        {"after": "5m", "via": "email"}]}
        responder = self.vakt.post("/api/v1/tokens", {"name": "rita", "role": "responder"})
        self.assertStatus(responder, 201)
        as_responder = {"Authorization": "Bearer " + responder.json()["token"]}
        self.assertStatus(self.vakt.request("PUT", "/api/v1/users/carol", carol,
                                            headers=as_responder, auth=False), 403)
        put = self.vakt.request("PUT", "/api/v1/users/carol", carol)
        self.assertStatus(put, 200)
        self.assertEqual(put.json()["version"], 1)
        got = self.vakt.get("/api/v1/users/carol").json()
        self.assertEqual(got["source"], "api")
        self.assertEqual(got["contact"]["email"], "carol@example.com")
        self.assertEqual(got["notification_rules"], [{"after": "0s", "via": "webhook"},
                                                     {"after": "5m", "via": "email"}])
        self.assertProblem(self.vakt.request("PUT", "/api/v1/users/dave",
                                             {"contact": {"email": "not-an-address"}}),
                           400, "contact.email")
        self.assertProblem(self.vakt.request("PUT", "/api/v1/users/dave",
                                             {"contact": {"email": "d@x.io"}, "phone": "1"}),
                           400, "phone")
        self.assertProblem(self.vakt.request("PUT", "/api/v1/users/carol", carol,
                                             headers={"If-Match": "7"}), 409, "version")
        self.assertProblem(self.vakt.request("PUT", "/api/v1/teams/sre",
                                             {"members": ["carol", "zed"]}), 400, "members[1]")
        self.assertStatus(self.vakt.request("PUT", "/api/v1/teams/sre",
                                            {"name": "SRE", "members": ["carol", "bob"]}), 200)
        teams = self.vakt.get("/api/v1/teams").json()["teams"]
        self.assertEqual([(t["id"], t["members"], t["source"]) for t in teams],
                         [("sre", ["carol", "bob"], "api")])
        self.assertProblem(self.vakt.request("DELETE", "/api/v1/users/carol"), 409, "team sre")
        self.assertProblem(self.vakt.get("/api/v1/users/nobody"), 404, "nobody")
        # An API user replaces the file user of the same id: bob's pages go to the new address.
        self.assertStatus(self.vakt.request("PUT", "/api/v1/users/bob", {
            "name": "Bob", "contact": {"webhook": self.hooks.url + "/bob-new"}}), 200)
        incident = self.open_incident("people")
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="level 1 page")
        wait_until(lambda: self.hooks.deliveries("/bob-new"), 30, what="level 2 page to new bob")
        self.assertEqual(self.hooks.deliveries("/bob"), [])
        self.assertEqual(self.paged(incident), ["L1:alice", "L2:bob"])
        self.assertStatus(self.vakt.request("DELETE", "/api/v1/teams/sre"), 200)
        self.assertStatus(self.vakt.request("DELETE", "/api/v1/users/carol"), 200)
        self.assertProblem(self.vakt.request("DELETE", "/api/v1/users/carol"), 404, "carol")
        # Every change has its audit record (the audit log verifies them with the rest).
        self.vakt.stop()
        self.vakt.start()
        users = {u["id"]: u for u in self.vakt.get("/api/v1/users").json()["users"]}
        self.assertEqual(sorted(users), ["alice", "bob"])
        self.assertEqual(users["bob"]["source"], "api")  # survives a restart

    def test_vakt_notify_test_sends_through_the_servers_configured_channels(self):
        common = ["--server", self.vakt.url, "--token", self.vakt.admin_token()]
        sent = run_cli(["notify", "test", "webhook", "--to", self.hooks.url + "/probe"] + common)
        self.assertEqual(sent.returncode, 0, sent.stderr)
        probe = wait_until(lambda: self.hooks.deliveries("/probe"), 10, what="test webhook")
        self.assertTrue(probe[0]["valid"], "the test message is signed like a page")
        self.assertEqual(probe[0]["body"]["type"], "notification.test")
        mailed = run_cli(["notify", "test", "email", "--to", "sre@example.com"] + common)
        self.assertEqual(mailed.returncode, 0, mailed.stderr)
        wait_until(lambda: [m for m in self.mails() if m["rcpt_tos"] == ["sre@example.com"]], 10,
                   what="test e-mail")
        missing = run_cli(["notify", "test", "webhook"] + common)
        self.assertEqual(missing.returncode, 2, missing.stderr)
        self.assertIn("to:", missing.stderr)
        unknown = run_cli(["notify", "test", "fax"] + common)
        self.assertEqual(unknown.returncode, 2)
        dead = run_cli(["notify", "test", "webhook", "--to", "http://127.0.0.1:%d/x" % free_port()]
                       + common)
        self.assertEqual(dead.returncode, 1)
        self.assertIn("webhook receiver", dead.stderr)
        self.assertProblem(self.vakt.post("/api/v1/notify/test", {"channel": "slack"}), 409,
                           "slack_webhook_url")


if __name__ == "__main__":
    main()
