#!/usr/bin/env python3
"""E2E: the tamper-evident audit log (issue 7) on a real `vakt serve` with SQLite: incident events
appear in /api/v1/audit/records, proofs and checkpoints verify, `vakt audit verify --database`
accepts the stored log and names the seq of a tampered row, and an exported evidence bundle
verifies offline while a modified one does not."""

import json
import os
import tarfile
import time
import sqlite3
import stat
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, main, parse_rfc3339 as parse_time, vakt_bin,  # noqa: E402
                          wait_until)

RUNBOOK = """apiVersion: vakt/v1
kind: Runbook
metadata: {id: audit-drift, title: Audit drift, version: 1, owners: [team:ml]}
context: {pipeline: audit-pipeline}
detection:
  match: {alertname: AuditDrift}
  group_by: [alertname]
  group_wait: 1s
stabilise:
  - id: capture
    title: Capture what the pipeline reports
    auto: true
    action:
      capture:
        - {name: pipeline-echo, command: [/bin/echo, "state of {{alert.labels.pipeline}}"]}
        - {name: pipeline-date, command: [/bin/echo, "second item"]}
  - {id: look, title: Look at the dashboard, action: {manual: {instructions: Open it.}}}
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
  - id: audit-pipeline
    title: Audit pipeline
    team: ml
    regulatory:
      - {regime: nis2, effective_from: "2024-10-18"}
"""


def run_vakt(args, timeout=120, token=None):
    env = dict(os.environ)
    env.pop("VAKT_TOKEN", None)
    env.pop("VAKT_SERVER", None)
    if token:
        env["VAKT_TOKEN"] = token
    return subprocess.run([vakt_bin()] + args, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


class AuditLogTest(VaktTestCase):
    def start_with_runbook(self, database=None):
        vakt = self.new_vakt(database=database,
                             extra={"audit": {"checkpoint_interval": "1s"},
                                    "catalog": "pipelines.yaml"})
        with open(os.path.join(vakt.workdir, "pipelines.yaml"), "w", encoding="utf-8") as out:
            out.write(CATALOG)
        with open(os.path.join(vakt.workdir, "runbooks", "drift.yaml"), "w", encoding="utf-8") as out:
            out.write(RUNBOOK)
        return vakt.start()

    def open_and_ack_incident(self, vakt):
        alert = [{"labels": {"alertname": "AuditDrift", "pipeline": "audit-pipeline"}}]
        self.assertStatus(vakt.post("/api/v2/alerts", alert), 200)
        incidents = wait_until(lambda: vakt.get("/api/v1/incidents").json()["incidents"] or None,
                               30, what="incident opened")
        key = incidents[0]["id"]
        self.assertStatus(vakt.post("/api/v1/incidents/%s/acknowledge" % key, {}), 200, "ack")
        return key

    def records(self, vakt, **query):
        response = vakt.get("/api/v1/audit/records?" + urllib.parse.urlencode(query))
        self.assertStatus(response, 200, "records")
        return response.json()["records"]

    def test_incident_log_verifies_and_tampering_is_named(self):
        vakt = self.start_with_runbook()
        key = self.open_and_ack_incident(vakt)
        data_dir = os.path.join(vakt.workdir, "data")
        key_mode = stat.S_IMODE(os.stat(os.path.join(data_dir, "audit.key")).st_mode)
        self.assertEqual(key_mode, 0o600)

        # Both events are in the log, for this incident's subject, in order.
        records = self.records(vakt, subject="incident/" + key)
        actions = [r["action"] for r in records]
        self.assertIn("incident.opened", actions)
        self.assertIn("incident.acknowledged", actions)
        self.assertLess(actions.index("incident.opened"), actions.index("incident.acknowledged"))
        self.assertEqual(records[actions.index("incident.acknowledged")]["details"]["to"],
                         "acknowledged")
        # Pagination: one record a page, continuing after the last seq.
        first = self.records(vakt, subject="incident/" + key, limit=1)
        second = self.records(vakt, subject="incident/" + key, limit=1, after=first[0]["seq"])
        self.assertEqual([first[0]["seq"], second[0]["seq"]], [records[0]["seq"], records[1]["seq"]])
        # Reading the log needs a token.
        self.assertStatus(vakt.request("GET", "/api/v1/audit/records", auth=False), 401)
        # /entries is the same listing under the name the issue uses.
        entries = vakt.get("/api/v1/audit/entries?" + urllib.parse.urlencode(
            {"subject": "incident/" + key}))
        self.assertStatus(entries, 200, "entries")
        self.assertEqual(entries.json()["records"], self.records(vakt, subject="incident/" + key))
        self.assertStatus(vakt.get("/api/v1/audit/records?limit=0"), 400)

        # The checkpoint covers the records; the inclusion proof checks with the offline CLI.
        checkpoint = vakt.get("/api/v1/audit/checkpoint").json()
        self.assertGreaterEqual(checkpoint["size"], records[-1]["seq"] + 1)
        seq = records[-1]["seq"]
        proof = vakt.get("/api/v1/audit/proof/inclusion?index=%d&size=%d"
                         % (seq, checkpoint["size"])).json()
        self.assertEqual(proof["leaf_hash"], records[-1]["leaf_hash"])
        self.assertEqual(proof["root_hash"], checkpoint["root_hash"])
        result = run_vakt(["audit", "verify-inclusion", "--leaf-hash", proof["leaf_hash"],
                           "--index", str(seq), "--size", str(checkpoint["size"]),
                           "--root", checkpoint["root_hash"], "--proof", ",".join(proof["proof"])])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertStatus(vakt.get("/api/v1/audit/proof/inclusion?index=5&size=2"), 400)

        # A consistency proof from the first record's tree to the checkpoint checks offline too.
        consistency = vakt.get("/api/v1/audit/proof/consistency?from=1&to=%d" % checkpoint["size"])
        self.assertStatus(consistency, 200, "consistency")
        consistency = consistency.json()
        self.assertEqual(consistency["new_root_hash"], checkpoint["root_hash"])
        result = run_vakt(["audit", "verify-consistency", "--old-size", "1",
                           "--new-size", str(checkpoint["size"]),
                           "--old-root", consistency["old_root_hash"],
                           "--new-root", consistency["new_root_hash"],
                           "--proof", ",".join(consistency["proof"])])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertStatus(vakt.get("/api/v1/audit/proof/consistency?from=0&to=1"), 400)

        verified = vakt.post("/api/v1/audit/verify", {})
        self.assertStatus(verified, 200, "verify")
        self.assertTrue(verified.json()["valid"], verified.json())

        public_key = vakt.request("GET", "/api/v1/audit/public-key", auth=False).json()["public_key"]
        key_path = os.path.join(vakt.workdir, "audit.pub")
        with open(key_path, "w", encoding="utf-8") as out:
            out.write(public_key + "\n")
        self.assertNotIn("PRIVATE+KEY", vakt.all_output())

        # The evidence bundle: exported through the CLI, verified offline.
        bundle_path = os.path.join(vakt.workdir, "bundle.json")
        exported = run_vakt(["audit", "export", "--incident", key, "--out", bundle_path,
                             "--server", vakt.url], token=vakt.admin_token())
        self.assertEqual(exported.returncode, 0, exported.stderr)
        with open(bundle_path, encoding="utf-8") as f:
            bundle = json.load(f)
        before = len(self.records(vakt, limit=1000))
        self.assertStatus(vakt.get("/api/v1/incidents/INC-999/audit-bundle"), 404)
        self.assertEqual(len(self.records(vakt, limit=1000)), before)  # nothing exported, nothing recorded
        bundle_actions = [json.loads(r["record"])["action"] for r in bundle["records"]]
        self.assertIn("incident.acknowledged", bundle_actions)
        self.assertIn("audit.bundle_export", bundle_actions)

        self.assertEqual(vakt.stop(), 0)
        database = "sqlite:" + os.path.join(vakt.workdir, "vakt.db")

        checked = run_vakt(["audit", "verify", "--database", database, "--public-key", key_path])
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("signatures checked", checked.stdout)
        valid_bundle = run_vakt(["audit", "verify-bundle", bundle_path, "--public-key", key_path])
        self.assertEqual(valid_bundle.returncode, 0, valid_bundle.stderr)

        # A modified bundle fails and names the record.
        tampered = json.loads(json.dumps(bundle))
        victim = tampered["records"][0]
        victim["record"] = victim["record"].replace('"incident.opened"', '"incident.closed"')
        self.assertNotEqual(victim["record"], bundle["records"][0]["record"])
        tampered_path = os.path.join(vakt.workdir, "tampered.json")
        with open(tampered_path, "w", encoding="utf-8") as out:
            json.dump(tampered, out)
        bad_bundle = run_vakt(["audit", "verify-bundle", tampered_path])
        self.assertEqual(bad_bundle.returncode, 1, bad_bundle.stdout)
        self.assertIn("seq %d" % victim["seq"], bad_bundle.stderr)

        # Tamper with one stored audit row: the verifier names its seq.
        target = records[actions.index("incident.acknowledged")]["seq"]
        conn = sqlite3.connect(os.path.join(vakt.workdir, "vakt.db"))
        try:
            changed = conn.execute(
                "UPDATE audit_leaves SET data = replace(data, '\"acknowledged\"', '\"resolved\"') "
                "WHERE seq = ?", (target,)).rowcount
            conn.commit()
        finally:
            conn.close()
        self.assertEqual(changed, 1)
        broken = run_vakt(["audit", "verify", "--database", database, "--public-key", key_path])
        self.assertEqual(broken.returncode, 1, broken.stdout)
        self.assertIn("entry seq %d" % target, broken.stderr)

        # Removing a row instead is named as the missing seq.
        conn = sqlite3.connect(os.path.join(vakt.workdir, "vakt.db"))
        try:
            conn.execute("UPDATE audit_leaves SET data = replace(data, '\"resolved\"', "
                         "'\"acknowledged\"') WHERE seq = ?", (target,))
            conn.execute("DELETE FROM audit_leaves WHERE seq = ?", (target - 1,))
            conn.commit()
        finally:
            conn.close()
        removed = run_vakt(["audit", "verify", "--database", database, "--public-key", key_path])
        self.assertEqual(removed.returncode, 1, removed.stdout)
        self.assertIn("entry seq %d is missing" % (target - 1), removed.stderr)

    def test_regulatory_clocks_follow_the_catalogue_and_recorded_submissions(self):
        vakt = self.start_with_runbook()
        key = self.open_and_ack_incident(vakt)
        clocks = vakt.get("/api/v1/incidents/%s/regulatory" % key)
        self.assertStatus(clocks, 200, "regulatory")
        body = clocks.json()
        self.assertEqual({c["regime"] for c in body["clocks"]}, {"nis2"})
        early = [c for c in body["clocks"] if c["obligation"] == "nis2_early_warning"][0]
        self.assertEqual((early["state"], early["classification"]), ("due", "assumed"))
        aware = parse_time(body["became_aware_at"])
        self.assertAlmostEqual(parse_time(early["due_at"]) - aware, 24 * 3600, delta=1)

        submission = {"regime": "nis2", "report": "nis2_early_warning", "recipient": "CSIRT",
                      "content_sha256": "ab" * 32}
        recorded = vakt.post("/api/v1/incidents/%s/regulatory/submissions" % key, submission)
        self.assertStatus(recorded, 201, "submission")
        early = [c for c in recorded.json()["clocks"] if c["obligation"] == "nis2_early_warning"][0]
        self.assertEqual(early["state"], "met")
        submitted = self.records(vakt, subject="incident/" + key)
        self.assertEqual(submitted[-1]["action"], "regulatory.submitted")
        self.assertEqual(submitted[-1]["digest"], "ab" * 32)
        bad = dict(submission, report="dora_final_report")
        self.assertProblem(vakt.post("/api/v1/incidents/%s/regulatory/submissions" % key, bad),
                           400, "report")

        draft = vakt.get("/api/v1/incidents/%s/report-draft?regime=nis2" % key)
        self.assertStatus(draft, 200, "draft")
        markdown = draft.body.decode("utf-8")
        self.assertTrue(markdown.startswith("# NIS2 incident notification"), markdown[:80])
        self.assertIn("acknowledged by admin", markdown)  # the timeline is prefilled
        as_json = vakt.get("/api/v1/incidents/%s/report-draft?regime=nis2&format=json" % key)
        self.assertStatus(as_json, 200, "json draft")
        self.assertEqual(as_json.json()["incident_id"], key)
        self.assertStatus(vakt.get("/api/v1/incidents/%s/report-draft?regime=dora" % key), 409)
        self.assertStatus(vakt.get("/api/v1/incidents/%s/report-draft?regime=gdpr" % key), 400)

    def export_and_verify(self, vakt, key):
        """Exports KEY's archive through the CLI and returns (path, members by name)."""
        wait_until(lambda: len(vakt.get("/api/v1/incidents/%s/evidence" % key).json()["evidence"]) == 2
                   or None, 30, what="evidence captured")
        out = os.path.join(self.make_tempdir(), key + ".tar")
        exported = run_vakt(["incident", "export", key, "--out", out, "--server", vakt.url],
                            token=vakt.admin_token())
        self.assertEqual(exported.returncode, 0, exported.stderr)
        self.assertIn("2 evidence items", exported.stdout)
        with tarfile.open(out) as archive:  # an ordinary tar to Python's reader too
            members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
        verified = run_vakt(["bundle", "verify", out])
        self.assertEqual(verified.returncode, 0, verified.stderr)
        self.assertIn("valid: " + key, verified.stdout)
        return out, members

    def check_export(self, vakt, key):
        path, members = self.export_and_verify(vakt, key)
        evidence = sorted(n for n in members if n.startswith("evidence/"))
        self.assertEqual(len(evidence), 2)
        for required in ["manifest.json", "incident.json", "public-key.txt", "audit/records.json",
                         "audit/checkpoint.txt", "audit/previous-checkpoint.txt",
                         "audit/consistency-proof.json"]:
            self.assertIn(required, members)
        manifest = json.loads(members["manifest.json"])
        self.assertEqual({i["name"] for i in manifest["items"]},
                         set(evidence) | {"incident.json", "public-key.txt"})
        # The export and the evidence reads it made are on the record, inside the archive too.
        actions = [json.loads(r["record"])["action"]
                   for r in json.loads(members["audit/records.json"])["records"]]
        self.assertEqual(actions[-1], "incident.export")
        self.assertEqual(actions.count("evidence.read"), 2)
        self.assertIn("evidence.capture", actions)

        # One changed byte in any member fails, naming that member; exit 1.
        with open(path, "rb") as archive_file:
            raw = archive_file.read()
        with tarfile.open(path) as archive:
            offsets = {m.name: (m.offset_data, m.size) for m in archive.getmembers()}
        for name, (offset, size) in sorted(offsets.items()):
            damaged = bytearray(raw)
            damaged[offset + size // 2] ^= 0x01
            bad_path = path + ".bad"
            with open(bad_path, "wb") as out:
                out.write(damaged)
            result = run_vakt(["bundle", "verify", bad_path])
            self.assertEqual(result.returncode, 1, (name, result.stdout))
            self.assertIn(": " + name + ":", result.stderr)
        # Truncated and garbage archives are invalid (1), a missing file is a usage error (2).
        with open(path + ".cut", "wb") as out:
            out.write(raw[:len(raw) // 2])
        cut = run_vakt(["bundle", "verify", path + ".cut"])
        self.assertEqual(cut.returncode, 1, cut.stdout)
        self.assertIn("truncated", cut.stderr)
        with open(path + ".junk", "wb") as out:
            out.write(os.urandom(4096))
        junk = run_vakt(["bundle", "verify", path + ".junk"])
        self.assertEqual(junk.returncode, 1, junk.stdout)
        # Garbage header bytes are named escaped: one printable line, not raw bytes.
        self.assertIn("tar member #1", junk.stderr)
        self.assertTrue(junk.stderr.isascii() and junk.stderr.rstrip("\n").isprintable(),
                        junk.stderr)
        self.assertEqual(run_vakt(["bundle", "verify", path + ".none"]).returncode, 2)
        # A malformed pinned key is a usage error.
        other = os.path.join(self.make_tempdir(), "other.pub")
        with open(other, "w", encoding="utf-8") as out:
            out.write("other+0a1b2c3d+AXSjwQZKwvz1eOr4qX0W3u2xGzN9Wl4U0Yw3l4rTrqzD\n")
        pinned = run_vakt(["bundle", "verify", path, "--public-key", other])
        self.assertEqual(pinned.returncode, 2, pinned.stdout)

    def test_incident_export_is_a_tar_that_verifies_offline_and_names_a_changed_member(self):
        vakt = self.start_with_runbook()
        key = self.open_and_ack_incident(vakt)
        self.check_export(vakt, key)

    def test_incident_export_on_postgres(self):
        vakt = self.start_with_runbook(database=self.postgres_database())
        key = self.open_and_ack_incident(vakt)
        self.check_export(vakt, key)

    def test_became_aware_at_is_set_with_a_reason_audited_and_moves_the_clocks(self):
        vakt = self.start_with_runbook()
        key = self.open_and_ack_incident(vakt)
        before = vakt.get("/api/v1/incidents/%s/regulatory" % key).json()
        self.assertEqual(before["became_aware"]["source"], "incident_opened")
        # Six hours earlier, in the API's format: RFC 3339 UTC with milliseconds (kept exactly).
        aware_ms = round(parse_time(before["became_aware_at"]) * 1000) - 6 * 3600 * 1000
        aware = aware_ms / 1000
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(aware_ms // 1000)) + \
            ".%03dZ" % (aware_ms % 1000)
        body = {"became_aware_at": when, "reason": "customer e-mail reported it first"}
        changed = vakt.request("PUT", "/api/v1/incidents/%s/regulatory/became-aware" % key, body)
        self.assertStatus(changed, 200, "became-aware")
        after = changed.json()
        self.assertEqual(after["became_aware_at"], when)
        self.assertEqual(round(parse_time(after["became_aware_at"]) * 1000), aware_ms)
        self.assertEqual(after["became_aware"]["reason"], body["reason"])
        self.assertEqual(after["became_aware"]["actor"], "admin")
        early = [c for c in after["clocks"] if c["obligation"] == "nis2_early_warning"][0]
        self.assertAlmostEqual(parse_time(early["due_at"]) - aware, 24 * 3600, delta=1)
        records = self.records(vakt, subject="incident/" + key)
        self.assertEqual(records[-1]["action"], "regulatory.became_aware")
        self.assertEqual(records[-1]["actor"], "admin")
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        self.assertProblem(vakt.request("PUT", "/api/v1/incidents/%s/regulatory/became-aware" % key,
                                        {"became_aware_at": future, "reason": "x"}),
                           400, "became_aware_at")
        self.assertProblem(vakt.request("PUT", "/api/v1/incidents/%s/regulatory/became-aware" % key,
                                        {"became_aware_at": when}), 400, "reason")

    def test_evidence_retention_class_and_legal_hold_through_the_cli_are_audited(self):
        vakt = self.start_with_runbook()
        key = self.open_and_ack_incident(vakt)
        def both_captured():
            body = vakt.get("/api/v1/incidents/%s/evidence" % key).json()
            return body if len(body["evidence"]) == 2 else None
        listed = wait_until(both_captured, 30, what="evidence captured")
        sha = listed["evidence"][0]["sha256"]
        self.assertEqual(listed["evidence"][0]["retention_class"], "standard")
        self.assertFalse(listed["legal_hold"])
        server = ["--server", vakt.url]
        token = vakt.admin_token()
        set_class = run_vakt(["evidence", "retention", key, sha, "--class", "regulatory",
                              "--reason", "NIS2 record keeping"] + server, token=token)
        self.assertEqual(set_class.returncode, 0, set_class.stderr)
        bad = run_vakt(["evidence", "retention", key, sha, "--class", "forever", "--reason", "x"]
                       + server, token=token)
        self.assertEqual(bad.returncode, 2, bad.stdout)
        self.assertIn("class", bad.stderr)
        self.assertEqual(run_vakt(["evidence", "hold", key] + server, token=token).returncode, 2)
        hold = run_vakt(["evidence", "hold", key, "--reason", "litigation"] + server, token=token)
        self.assertEqual(hold.returncode, 0, hold.stderr)
        after = vakt.get("/api/v1/incidents/%s/evidence" % key).json()
        self.assertTrue(after["legal_hold"])
        self.assertEqual({e["sha256"]: e["retention_class"] for e in after["evidence"]}[sha],
                         "regulatory")
        sweep = run_vakt(["evidence", "sweep", "--format", "json"] + server, token=token)
        self.assertEqual(sweep.returncode, 0, sweep.stderr)
        self.assertEqual(json.loads(sweep.stdout)["purged"], [])  # nothing is old enough
        release = run_vakt(["evidence", "release", key, "--reason", "settled"] + server, token=token)
        self.assertEqual(release.returncode, 0, release.stderr)
        self.assertFalse(vakt.get("/api/v1/incidents/%s/evidence" % key).json()["legal_hold"])
        actions = [r["action"] for r in self.records(vakt, subject="incident/" + key, limit=1000)]
        self.assertEqual([a for a in actions if a in ("evidence.retention_set", "evidence.legal_hold")],
                         ["evidence.retention_set", "evidence.legal_hold", "evidence.legal_hold"])
        self.assertNotIn("evidence.list", actions)  # metadata listings are not audit records

    def test_postgres_log_verifies_from_the_database(self):
        database = self.postgres_database()
        vakt = self.start_with_runbook(database=database)
        key = self.open_and_ack_incident(vakt)
        actions = [r["action"] for r in self.records(vakt, subject="incident/" + key)]
        self.assertIn("incident.acknowledged", actions)
        public_key = vakt.request("GET", "/api/v1/audit/public-key", auth=False).json()["public_key"]
        key_path = os.path.join(vakt.workdir, "audit.pub")
        with open(key_path, "w", encoding="utf-8") as out:
            out.write(public_key + "\n")
        self.assertEqual(vakt.stop(), 0)
        checked = run_vakt(["audit", "verify", "--database", database, "--public-key", key_path])
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("signatures checked", checked.stdout)

    def test_verify_refuses_a_missing_database_file_as_a_usage_error(self):
        missing = os.path.join(self.make_tempdir(), "nope.db")
        result = run_vakt(["audit", "verify", "--database", "sqlite:" + missing])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertFalse(os.path.exists(missing))


if __name__ == "__main__":
    main()
