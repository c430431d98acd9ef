#!/usr/bin/env python3
"""E2E: the happy path of every ingest endpoint, dedup/merge, resolution and pagination."""

import os
import sys
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import (VaktTestCase, create_postgres_database, fingerprint, main,  # noqa: E402
                          parse_rfc3339, postgres_url, rfc3339)

ROUTING_KEY = "R0123456789abcdef0123456789abcde"  # PagerDuty integration keys are 32 characters
OTHER_ROUTING_KEY = "Zfedcba9876543210fedcba987654321"


def q(**params):
    return "?" + urllib.parse.urlencode(params)


class IngestTest(VaktTestCase):
    @classmethod
    def setUpClass(cls):
        cls.vakt = cls.start_class_vakt(ingest={"resolve_timeout": "1h"})

    def alerts_matching(self, state="all", **labels):
        filters = ['%s="%s"' % (k, v) for k, v in labels.items()]
        return self.vakt.list_alerts(state=state, filters=filters)

    def one_alert(self, state="all", **labels):
        found = self.alerts_matching(state=state, **labels)
        self.assertEqual(len(found), 1, "expected one alert for %r, got %r" % (labels, found))
        return found[0]

    # -- Alertmanager API v2 -------------------------------------------------------------------
    def test_am_v2_post_is_listed_by_both_apis_with_alertmanager_fingerprint(self):
        labels = {"alertname": "FeatureDrift", "pipeline": "fraud-scoring", "model": "xgb-v7",
                  "severity": "critical", "test": "am_v2_happy"}
        now = time.time()
        body = [{"labels": labels, "annotations": {"summary": "PSI 0.41 on amount"},
                 "startsAt": rfc3339(now - 60), "generatorURL": "http://prom.example/graph?g0=1"}]
        response = self.vakt.post("/api/v2/alerts", body)
        self.assertStatus(response, 200, "POST /api/v2/alerts")
        self.assertEqual(response.body, b"", "Alertmanager answers 200 with an empty body")

        expected = fingerprint(labels)
        v2 = self.vakt.get("/api/v2/alerts" + q(filter='test="am_v2_happy"'))
        self.assertStatus(v2, 200)
        listed = v2.json()
        self.assertEqual(len(listed), 1, v2)
        alert = listed[0]
        self.assertEqual(alert["fingerprint"], expected)
        self.assertEqual(alert["labels"], labels)
        self.assertEqual(alert["annotations"], {"summary": "PSI 0.41 on amount"})
        self.assertEqual(alert["status"]["state"], "active")
        self.assertEqual(alert["generatorURL"], "http://prom.example/graph?g0=1")
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now - 60, delta=0.01)
        # missing endsAt = now + resolve_timeout (configured 1h)
        self.assertAlmostEqual(parse_rfc3339(alert["endsAt"]), now + 3600, delta=30)

        v1 = self.one_alert(test="am_v2_happy")
        self.assertEqual(v1["fingerprint"], expected)
        self.assertEqual(v1["labels"], labels)
        self.assertEqual(v1["state"], "active")
        self.assertEqual(v1["source"], "alertmanager-api")

    def test_am_v2_label_with_empty_value_is_dropped_from_labels_and_fingerprint(self):
        labels = {"alertname": "EmptyValue", "test": "am_v2_empty", "instance": ""}
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}]), 200)
        alert = self.one_alert(test="am_v2_empty")
        kept = {"alertname": "EmptyValue", "test": "am_v2_empty"}
        self.assertEqual(alert["labels"], kept)
        self.assertEqual(alert["fingerprint"], fingerprint(kept))

    def test_am_v2_timestamps_with_offset_and_nanoseconds_are_normalised(self):
        labels = {"alertname": "Offsets", "test": "offsets"}
        body = [{"labels": labels, "startsAt": "2024-05-01T14:00:00.123456789+02:00",
                 "endsAt": "2024-05-01T12:30:00.5-00:00"}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", body), 200)
        alert = self.one_alert(test="offsets")
        self.assertEqual(parse_rfc3339(alert["startsAt"]), parse_rfc3339("2024-05-01T12:00:00.123Z"))
        self.assertEqual(parse_rfc3339(alert["endsAt"]), parse_rfc3339("2024-05-01T12:30:00.500Z"))
        self.assertTrue(alert["startsAt"].endswith("Z"), alert["startsAt"])
        self.assertEqual(alert["state"], "resolved")

    def test_am_v2_go_zero_times_mean_not_set(self):
        labels = {"alertname": "ZeroTimes", "test": "zero_times"}
        now = time.time()
        body = [{"labels": labels, "startsAt": "0001-01-01T00:00:00Z",
                 "endsAt": "0001-01-01T00:00:00Z"}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", body), 200)
        alert = self.one_alert(test="zero_times")
        self.assertEqual(alert["state"], "active")
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now, delta=30)

    def test_am_v2_get_filters_by_matcher_and_lists_only_active(self):
        now = time.time()
        batch = [
            {"labels": {"alertname": "Filter", "test": "am_v2_filter", "team": "ml-core"}},
            {"labels": {"alertname": "Filter", "test": "am_v2_filter", "team": "ml-serving"}},
            {"labels": {"alertname": "Filter", "test": "am_v2_filter", "team": "data"}},
            {"labels": {"alertname": "Filter", "test": "am_v2_filter", "team": "ml-old"},
             "startsAt": rfc3339(now - 600), "endsAt": rfc3339(now - 300)},
        ]
        self.assertStatus(self.vakt.post("/api/v2/alerts", batch), 200)
        response = self.vakt.get("/api/v2/alerts" + q(filter='test="am_v2_filter"') + "&" +
                                 urllib.parse.urlencode({"filter": 'team=~"ml-.*"'}))
        self.assertStatus(response, 200)
        teams = sorted(a["labels"]["team"] for a in response.json())
        self.assertEqual(teams, ["ml-core", "ml-serving"])

    def test_am_v2_status_answers_for_amtool(self):
        response = self.vakt.get("/api/v2/status")
        self.assertStatus(response, 200)
        body = response.json()
        for key in ("cluster", "versionInfo", "config", "uptime"):
            self.assertIn(key, body)
        self.assertIn("version", body["versionInfo"])

    # -- Alertmanager webhook v4 ---------------------------------------------------------------
    def test_webhook_v4_stores_each_alert(self):
        now = time.time()
        firing = {"alertname": "LatencyHigh", "pipeline": "recs", "test": "webhook"}
        resolved = {"alertname": "LatencyHigh", "pipeline": "search", "test": "webhook"}
        body = {
            "version": "4", "groupKey": "{}:{alertname=\"LatencyHigh\"}", "truncatedAlerts": 0,
            "status": "firing", "receiver": "vakt",
            "groupLabels": {"alertname": "LatencyHigh"},
            "commonLabels": {"alertname": "LatencyHigh", "test": "webhook"},
            "commonAnnotations": {},
            "externalURL": "http://alertmanager.example:9093",
            "alerts": [
                {"status": "firing", "labels": firing, "annotations": {"summary": "p99 800ms"},
                 "startsAt": rfc3339(now - 120), "endsAt": "0001-01-01T00:00:00Z",
                 "generatorURL": "http://prom.example/g", "fingerprint": fingerprint(firing)},
                {"status": "resolved", "labels": resolved, "annotations": {},
                 "startsAt": rfc3339(now - 900), "endsAt": rfc3339(now - 60),
                 "generatorURL": "", "fingerprint": fingerprint(resolved)},
            ],
        }
        response = self.vakt.post("/api/v1/ingest/alertmanager", body)
        self.assertStatus(response, 200, "POST /api/v1/ingest/alertmanager")
        got_firing = self.one_alert(test="webhook", pipeline="recs")
        self.assertEqual(got_firing["fingerprint"], fingerprint(firing))
        self.assertEqual(got_firing["state"], "active")
        self.assertEqual(got_firing["source"], "alertmanager-webhook")
        self.assertEqual(got_firing["annotations"], {"summary": "p99 800ms"})
        got_resolved = self.one_alert(test="webhook", pipeline="search")
        self.assertEqual(got_resolved["fingerprint"], fingerprint(resolved))
        self.assertEqual(got_resolved["state"], "resolved")

    # -- PagerDuty Events API v2 ---------------------------------------------------------------
    def pd_event(self, action, dedup_key=None, routing_key=ROUTING_KEY, **payload):
        event = {"routing_key": routing_key, "event_action": action}
        if dedup_key is not None:
            event["dedup_key"] = dedup_key
        if action == "trigger":
            event["payload"] = dict({"summary": "Drift on fraud-scoring", "source": "airflow-prod",
                                     "severity": "critical"}, **payload)
        return self.vakt.post("/v2/enqueue", event)

    def assertPdAccepted(self, response, dedup_key=None):
        self.assertStatus(response, 202, "POST /v2/enqueue")
        body = response.json()
        self.assertEqual(body["status"], "success")
        self.assertEqual(body["message"], "Event processed")
        self.assertTrue(body["dedup_key"])
        if dedup_key is not None:
            self.assertEqual(body["dedup_key"], dedup_key)
        return body["dedup_key"]

    def test_pagerduty_trigger_acknowledge_resolve(self):
        key = "pd-lifecycle-1"
        self.assertPdAccepted(self.pd_event(
            "trigger", key, component="scorer", group="ml", **{"class": "drift",
                                                               "custom_details": {"pipeline": "fraud"}}),
            key)
        alert = self.one_alert(dedup_key=key)
        self.assertEqual(alert["state"], "active")
        self.assertEqual(alert["source"], "pagerduty")
        self.assertEqual(alert["labels"]["severity"], "critical")
        self.assertEqual(alert["labels"]["pipeline"], "fraud")
        self.assertEqual(alert["annotations"]["summary"], "Drift on fraud-scoring")

        self.assertPdAccepted(self.pd_event("acknowledge", key), key)
        alert = self.one_alert(dedup_key=key)
        self.assertEqual(alert["state"], "active")
        self.assertEqual(alert["annotations"].get("pagerduty_status"), "acknowledged")

        self.assertPdAccepted(self.pd_event("resolve", key), key)
        alert = self.one_alert(dedup_key=key)
        self.assertEqual(alert["state"], "resolved")
        self.assertEqual(self.alerts_matching(state="active", dedup_key=key), [])

    def test_pagerduty_trigger_without_dedup_key_gets_one(self):
        key = self.assertPdAccepted(self.pd_event("trigger", None, summary="no key given"))
        alert = self.one_alert(dedup_key=key)
        self.assertEqual(alert["annotations"]["summary"], "no key given")

    def test_pagerduty_retrigger_same_dedup_key_is_one_alert(self):
        key = "pd-retrigger"
        for summary in ("first", "second", "third"):
            self.assertPdAccepted(self.pd_event("trigger", key, summary=summary), key)
        alert = self.one_alert(dedup_key=key)
        self.assertEqual(alert["annotations"]["summary"], "third")

    def test_pagerduty_dedup_key_is_scoped_to_routing_key(self):
        key = "pd-scoped"
        self.assertPdAccepted(self.pd_event("trigger", key, routing_key=ROUTING_KEY), key)
        self.assertPdAccepted(self.pd_event("trigger", key, routing_key=OTHER_ROUTING_KEY), key)
        self.assertEqual(len(self.alerts_matching(dedup_key=key)), 2)
        # resolving under one integration leaves the other open
        self.assertPdAccepted(self.pd_event("resolve", key, routing_key=OTHER_ROUTING_KEY), key)
        self.assertEqual(len(self.alerts_matching(state="active", dedup_key=key)), 1)

    def test_pagerduty_resolve_of_unknown_key_is_accepted_and_stores_nothing(self):
        before = self.vakt.snapshot()
        self.assertPdAccepted(self.pd_event("resolve", "pd-never-triggered"), "pd-never-triggered")
        self.assertEqual(self.alerts_matching(dedup_key="pd-never-triggered"), [])
        self.assertEqual(self.vakt.snapshot(), before)

    def test_pagerduty_change_event_and_deployment_are_listed(self):
        change = {"routing_key": ROUTING_KEY,
                  "payload": {"summary": "Deployed fraud-scoring v42", "source": "argo",
                              "timestamp": rfc3339(time.time() - 30),
                              "custom_details": {"pipeline": "e2e-change-pipe", "version": "v42"}},
                  "links": [{"href": "https://ci.example/build/42", "text": "build"}]}
        response = self.vakt.post("/v2/change/enqueue", change)
        self.assertStatus(response, 202, "POST /v2/change/enqueue")
        self.assertEqual(response.json()["status"], "success")

        deployment = {"pipeline": "e2e-deploy-pipe", "version": "2024.05.01-3",
                      "summary": "model swap", "source": "ci"}
        response = self.vakt.post("/api/v1/deployments", deployment)
        self.assertStatus(response, 201, "POST /api/v1/deployments")
        deployment_id = response.json()["id"]

        response = self.vakt.get("/api/v1/deployments" + q(pipeline="e2e-change-pipe"))
        self.assertStatus(response, 200)
        listed = response.json()["deployments"]
        self.assertEqual(len(listed), 1, listed)
        self.assertEqual(listed[0]["version"], "v42")
        self.assertEqual(listed[0]["summary"], "Deployed fraud-scoring v42")
        self.assertEqual(listed[0]["source"], "argo")

        response = self.vakt.get("/api/v1/deployments" + q(pipeline="e2e-deploy-pipe"))
        listed = response.json()["deployments"]
        self.assertEqual([d["id"] for d in listed], [deployment_id])
        self.assertEqual(listed[0]["version"], "2024.05.01-3")
        self.assertEqual(listed[0]["summary"], "model swap")

        everything = self.vakt.get("/api/v1/deployments").json()["deployments"]
        pipelines = {d["pipeline"] for d in everything}
        self.assertLessEqual({"e2e-change-pipe", "e2e-deploy-pipe"}, pipelines)

    def test_ingest_endpoints_accept_senders_without_api_token(self):
        # Prometheus, Alertmanager and PagerDuty integrations send no vakt API token.
        labels = {"alertname": "NoToken", "test": "no_token"}
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}], auth=False), 200)
        webhook = {"version": "4", "alerts": [{"labels": dict(labels, via="webhook")}]}
        self.assertStatus(self.vakt.post("/api/v1/ingest/alertmanager", webhook, auth=False), 200)
        event = {"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "no-token",
                 "payload": {"summary": "s", "source": "e2e", "severity": "info"}}
        self.assertStatus(self.vakt.post("/v2/enqueue", event, auth=False), 202)
        self.assertEqual(len(self.alerts_matching(test="no_token")), 2)
        self.one_alert(dedup_key="no-token")

    # -- dedup / merge / resolution ------------------------------------------------------------
    def test_resent_alert_updates_keeps_earliest_starts_at_and_count(self):
        labels = {"alertname": "Merge", "test": "merge", "pipeline": "etl"}
        now = time.time()
        first = [{"labels": labels, "annotations": {"value": "1"}, "startsAt": rfc3339(now - 600)}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", first), 200)
        count_before = len(self.vakt.list_alerts())
        # Re-sent with a later startsAt (as Prometheus does after a restart) and a new annotation.
        again = [{"labels": labels, "annotations": {"value": "2"}, "startsAt": rfc3339(now - 60)}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", again), 200)
        alert = self.one_alert(test="merge")
        self.assertEqual(alert["fingerprint"], fingerprint(labels))
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now - 600, delta=0.01)
        self.assertEqual(alert["annotations"], {"value": "2"}, "the latest update wins")
        self.assertEqual(len(self.vakt.list_alerts()), count_before, "a re-send adds no alert")
        # and an earlier startsAt moves the start back
        earlier = [{"labels": labels, "annotations": {"value": "3"}, "startsAt": rfc3339(now - 900)}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", earlier), 200)
        alert = self.one_alert(test="merge")
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now - 900, delta=0.01)
        self.assertEqual(alert["annotations"], {"value": "3"})

    def test_alert_with_ends_at_in_past_is_listed_resolved(self):
        labels = {"alertname": "Past", "test": "ended"}
        now = time.time()
        body = [{"labels": labels, "startsAt": rfc3339(now - 3600), "endsAt": rfc3339(now - 60)}]
        self.assertStatus(self.vakt.post("/api/v2/alerts", body), 200)
        self.assertEqual(self.alerts_matching(state="active", test="ended"), [])
        resolved = self.alerts_matching(state="resolved", test="ended")
        self.assertEqual(len(resolved), 1)
        self.assertEqual(resolved[0]["state"], "resolved")
        self.assertEqual(resolved[0]["fingerprint"], fingerprint(labels))
        v2 = self.vakt.get("/api/v2/alerts" + q(filter='test="ended"')).json()
        self.assertEqual(v2, [], "Alertmanager's GET /api/v2/alerts lists active alerts only")

    def test_firing_alert_resolved_by_resend_with_ends_at(self):
        labels = {"alertname": "ResolveLater", "test": "resolve_resend"}
        now = time.time()
        self.assertStatus(self.vakt.post("/api/v2/alerts", [
            {"labels": labels, "startsAt": rfc3339(now - 300)}]), 200)
        self.assertEqual(self.one_alert(test="resolve_resend")["state"], "active")
        self.assertStatus(self.vakt.post("/api/v2/alerts", [
            {"labels": labels, "startsAt": rfc3339(now - 300), "endsAt": rfc3339(now - 1)}]), 200)
        alert = self.one_alert(test="resolve_resend")
        self.assertEqual(alert["state"], "resolved")
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now - 300, delta=0.01)

    def test_refire_after_resolution_starts_new_occurrence(self):
        labels = {"alertname": "Refire", "test": "refire"}
        now = time.time()
        self.assertStatus(self.vakt.post("/api/v2/alerts", [
            {"labels": labels, "startsAt": rfc3339(now - 3600), "endsAt": rfc3339(now - 1800)}]), 200)
        self.assertStatus(self.vakt.post("/api/v2/alerts", [
            {"labels": labels, "startsAt": rfc3339(now - 30)}]), 200)
        alert = self.one_alert(test="refire")
        self.assertEqual(alert["state"], "active")
        self.assertAlmostEqual(parse_rfc3339(alert["startsAt"]), now - 30, delta=0.01,
                               msg="a non-overlapping re-fire keeps its own startsAt")

    def test_pagination_with_cursor_covers_everything_exactly_once(self):
        now = time.time()
        batch = []
        for idx in range(237):
            alert = {"labels": {"alertname": "Page", "test": "pagination", "n": str(idx)}}
            if idx % 3 == 0:  # a third resolved, so state=all mixes both
                alert["startsAt"] = rfc3339(now - 600)
                alert["endsAt"] = rfc3339(now - 300)
            batch.append(alert)
        self.assertStatus(self.vakt.post("/api/v2/alerts", batch), 200)
        expected = {fingerprint(a["labels"]) for a in batch}

        seen = []
        cursor = None
        pages = 0
        for _ in range(1000):
            params = {"state": "all", "limit": "10", "filter": 'test="pagination"'}
            if cursor:
                params["cursor"] = cursor
            response = self.vakt.get("/api/v1/alerts" + q(**params))
            self.assertStatus(response, 200)
            page = response.json()
            pages += 1
            self.assertLessEqual(len(page["alerts"]), 10)
            seen.extend(a["fingerprint"] for a in page["alerts"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)), "an alert was listed twice")
        self.assertEqual(set(seen), expected)
        self.assertEqual(pages, 24)
        active = self.alerts_matching(state="active", test="pagination")
        resolved = self.alerts_matching(state="resolved", test="pagination")
        self.assertEqual(len(active), 237 - 79)
        self.assertEqual(len(resolved), 79)
        self.assertFalse({a["fingerprint"] for a in active} & {a["fingerprint"] for a in resolved})

    def test_pagination_over_whole_store_without_filter_has_no_duplicates(self):
        seen = []
        cursor = None
        for _ in range(10000):
            params = {"state": "all", "limit": "3"}
            if cursor:
                params["cursor"] = cursor
            page = self.vakt.get("/api/v1/alerts" + q(**params)).json()
            seen.extend(a["fingerprint"] for a in page["alerts"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        everything = self.vakt.get("/api/v1/alerts" + q(state="all", limit="1000")).json()
        self.assertEqual(set(seen), {a["fingerprint"] for a in everything["alerts"]})


class IngestOnPostgresTest(IngestTest):
    """The same cases with vakt on PostgreSQL (a fresh database on the throwaway cluster)."""

    @classmethod
    def setUpClass(cls):
        url = postgres_url()
        if not url:
            print("\nSKIP IngestOnPostgresTest: VAKT_TEST_POSTGRES_URL is not set")
            raise unittest.SkipTest("VAKT_TEST_POSTGRES_URL is not set")
        database, drop = create_postgres_database(url)
        cls.addClassCleanup(drop)
        cls.vakt = cls.start_class_vakt(database=database, ingest={"resolve_timeout": "1h"})


if __name__ == "__main__":
    main()
