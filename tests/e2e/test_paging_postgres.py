#!/usr/bin/env python3
"""Paging (issue 5) on PostgreSQL: the key scenarios of test_paging.py (page + ack stops level 2,
kill -9 mid-escalation resumes with nothing lost or twice) with PostgreSQL as the database, and two
vakt instances sharing ONE PostgreSQL database that page each level exactly once, also when one of
them is killed mid-escalation. Every case skips with a printed reason when VAKT_TEST_POSTGRES_URL
is not set (./test sets it)."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_paging import LEVEL_DELAY_S, PagingTest  # noqa: E402
from vakt_harness import main, wait_until  # noqa: E402


class PagingOnPostgresTest(PagingTest):
    """The key scenarios again with PostgreSQL as the database."""

    def database_url(self):
        return self.postgres_database()

    # Views, notices, people and the CLI are engine-neutral API code: SQLite covers them.
    test_oncall_views_and_an_approved_override = None
    test_stakeholder_notices_render_the_agreed_templates_and_updates_are_throttled = None
    test_users_and_teams_through_the_api_are_validated_audited_and_paged = None
    test_vakt_notify_test_sends_through_the_servers_configured_channels = None

    def test_two_instances_on_one_database_page_each_level_exactly_once(self):
        second = self.paging_vakt(self.vakt.database)
        second.start()
        alert = [{"labels": {"alertname": "PagingDrift", "case": "twins"},
                  "annotations": {"summary": "drift"}}]
        # Both instances receive the alert, as behind a load balancer with Alertmanager HA.
        self.assertStatus(self.vakt.post("/api/v2/alerts", alert), 200)
        self.assertStatus(second.post("/api/v2/alerts", alert), 200)

        def find():
            for incident in self.vakt.get("/api/v1/incidents").json()["incidents"]:
                if incident.get("group_labels", {}).get("case") == "twins":
                    return incident["id"]
            return None
        incident = wait_until(find, 30, what="incident")
        wait_until(lambda: self.hooks.deliveries("/bob"), 30, what="level 2 page")
        time.sleep(LEVEL_DELAY_S + 2)  # the policy is exhausted; anything more is a duplicate
        self.assertEqual(self.paged(incident), ["L1:alice", "L2:bob"])
        ids = [d["id"] for d in self.hooks.deliveries()]
        self.assertEqual(len(ids), len(set(ids)), "a page was delivered twice: %r" % ids)
        self.assertEqual(len(self.hooks.deliveries("/alice")), 1)
        self.assertEqual(len(self.hooks.deliveries("/bob")), 1)
        self.assertEqual(len(self.mails()), 1)
        incidents = [i for i in second.get("/api/v1/incidents").json()["incidents"]
                     if i.get("group_labels", {}).get("case") == "twins"]
        self.assertEqual(len(incidents), 1, "two instances opened two incidents")

    def test_two_instances_one_killed_mid_escalation_the_other_pages_the_next_level_once(self):
        second = self.paging_vakt(self.vakt.database)
        second.start()
        incident = self.open_incident("twins-crash")
        wait_until(lambda: self.hooks.deliveries("/alice"), 30, what="level 1 page")
        self.vakt.kill()
        wait_until(lambda: self.hooks.deliveries("/bob"), 90, what="level 2 page by the survivor")
        time.sleep(LEVEL_DELAY_S + 2)
        response = second.get("/api/v1/incidents/%s/pages" % incident)
        self.assertEqual(["L%d:%s" % (p["level"], p["user"]) for p in response.json()["pages"]],
                         ["L1:alice", "L2:bob"])
        ids = [d["id"] for d in self.hooks.deliveries()]
        self.assertEqual(len(ids), len(set(ids)), "a page was delivered twice: %r" % ids)
        self.assertEqual(len(self.hooks.deliveries("/bob")), 1)



# Only this module's class runs here; test_paging.py runs the SQLite one.
del PagingTest

if __name__ == "__main__":
    main()
