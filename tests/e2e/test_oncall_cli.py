#!/usr/bin/env python3
"""`vakt oncall ...` (issue 5) as an SRE runs it, against the shipped examples/oncall.yaml and
examples/runbooks: who is on call at T across the 2026 DST changes in Europe/Oslo and
America/New_York, the who-gets-paged simulator from an alert through runbook routing and
escalation, the gap/overload report, and bad input answered with file:line:column and exit 2."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import REPO_ROOT, main, vakt_bin  # noqa: E402

ONCALL = os.path.join(REPO_ROOT, "examples", "oncall.yaml")
RUNBOOKS = os.path.join(REPO_ROOT, "examples", "runbooks")


def oncall(*args):
    return subprocess.run([vakt_bin(), "oncall"] + list(args), capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def who(schedule, at):
    ran = oncall("who", "--schedule", schedule, "--at", at, "--config", ONCALL)
    lines = [line.strip().split(" ")[0] for line in ran.stdout.splitlines()[1:]]
    return ran.returncode, lines


class OncallCliTest(unittest.TestCase):
    def test_weekly_oslo_handoff_stays_at_0900_local_across_spring_forward(self):
        # Monday 30 March 2026, the day after Oslo moved to CEST: 09:00 local is 07:00Z.
        self.assertEqual(who("ml-fraud-primary", "2026-03-30T06:59:59Z"), (0, ["sofie"]))
        self.assertEqual(who("ml-fraud-primary", "2026-03-30T07:00:00Z"), (0, ["ingrid"]))
        # The week before, still CET: 09:00 local was 08:00Z.
        self.assertEqual(who("ml-fraud-primary", "2026-03-23T07:59:59Z"), (0, ["lars"]))
        self.assertEqual(who("ml-fraud-primary", "2026-03-23T08:00:00Z"), (0, ["sofie"]))

    def test_weekly_oslo_handoff_after_fall_back(self):
        # Monday 26 October 2026, the day after CEST ended: 09:00 CET is 08:00Z.
        # 2026-10-26 is 42 weeks after the 2026-01-05 start: 42 % 3 = 0, ingrid's turn.
        self.assertEqual(who("ml-fraud-primary", "2026-10-26T07:59:59Z"), (0, ["sofie"]))
        self.assertEqual(who("ml-fraud-primary", "2026-10-26T08:00:00Z"), (0, ["ingrid"]))

    def test_new_york_daily_handoff_and_weekday_restriction_follow_edt(self):
        # Monday 9 March 2026, the day after New York moved to EDT: 09:00 local is 13:00Z.
        # Before it the restricted layer has nobody: a gap, exit 1.
        self.assertEqual(who("ml-fraud-secondary", "2026-03-09T12:59:59Z"), (1, ["nobody"]))
        self.assertEqual(who("ml-fraud-secondary", "2026-03-09T13:00:00Z"), (0, ["james"]))
        # Friday 6 March, still EST: the daily handoff at 09:00 local is 14:00Z.
        self.assertEqual(who("ml-fraud-secondary", "2026-03-06T13:59:59Z"), (0, ["james"]))
        self.assertEqual(who("ml-fraud-secondary", "2026-03-06T14:00:00Z"), (0, ["maria"]))
        # The weekday window ends Friday 18:00 EST (23:00Z).
        self.assertEqual(who("ml-fraud-secondary", "2026-03-06T22:59:59Z"), (0, ["maria"]))
        self.assertEqual(who("ml-fraud-secondary", "2026-03-06T23:00:00Z"), (1, ["nobody"]))

    def test_simulator_routes_an_alert_through_the_runbooks_to_who_gets_paged(self):
        # 13:30Z on Monday 30 March 2026: 15:30 in Oslo (ingrid's week since 09:00 CEST), and
        # level 2 at 13:40Z is 09:40 EDT in New York, inside the weekday secondary (maria's day).
        ran = oncall("simulate", "--alert",
                     "alertname=FeatureDrift,pipeline=fraud-scoring,model=m1,severity=critical",
                     "--runbooks", RUNBOOKS, "--at", "2026-03-30T13:30:00Z", "--config", ONCALL)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        lines = ran.stdout.splitlines()
        self.assertIn("runbook fraud-feature-drift -> escalation policy ml-fraud-primary", lines[0])
        pages = [line.split() for line in lines if " level " in line]
        self.assertEqual(pages[0][0], "+0s")
        self.assertEqual(pages[0][2:4], ["level", "1"])
        self.assertEqual(pages[0][6], "ingrid")
        self.assertEqual(pages[1][0], "+10m")
        self.assertEqual(pages[1][2:4], ["level", "2"])
        self.assertEqual(pages[1][6], "maria")
        # Level 3 is the whole ml-fraud team 15 minutes later.
        level3 = sorted(page[6] for page in pages if page[2:4] == ["level", "3"] and
                        page[4:6] == ["loop", "0"])
        self.assertEqual(level3, ["ingrid", "james", "lars", "maria", "sofie"])

    def test_simulator_says_when_no_runbook_selects_the_alert(self):
        ran = oncall("simulate", "--alert", "alertname=SomethingElse,pipeline=nowhere",
                     "--runbooks", RUNBOOKS, "--config", ONCALL)
        self.assertNotEqual(ran.returncode, 0)

    def test_report_finds_the_gaps_of_a_weekday_only_schedule(self):
        ran = oncall("report", "--weeks", "1", "--from", "2026-03-02T00:00:00Z", "--schedule",
                     "ml-fraud-secondary", "--config", ONCALL)
        self.assertEqual(ran.returncode, 1, ran.stdout + ran.stderr)
        self.assertIn("gap", ran.stdout.lower())
        covered = oncall("report", "--weeks", "4", "--from", "2026-03-02T00:00:00Z", "--schedule",
                         "ml-fraud-primary", "--max-hours", "200", "--config", ONCALL)
        self.assertEqual(covered.returncode, 0, covered.stdout + covered.stderr)

    def test_bad_config_names_file_line_and_column_and_exits_2(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "oncall.yaml")
            with open(path, "w", encoding="utf-8") as out:
                out.write("users:\n  - {id: a, contact: {email: a@x.io}, pager: 1}\n")
            ran = oncall("who", "--schedule", "s", "--at", "now", "--config", path)
        self.assertEqual(ran.returncode, 2)
        self.assertIn(path + ":2:", ran.stderr)
        self.assertIn("pager", ran.stderr)


if __name__ == "__main__":
    main()
