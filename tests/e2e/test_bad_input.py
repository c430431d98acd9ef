#!/usr/bin/env python3
"""E2E: every ingest limit and malformed-input case is refused with the right 4xx and a body that
names the problem, and a refused request never changes the stored alerts (byte-for-byte snapshot of
GET /api/v1/alerts?state=all before and after)."""

import json
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import Response, VaktTestCase, fingerprint, main, rfc3339  # noqa: E402

ROUTING_KEY = "B0123456789abcdef0123456789abcde"

# Small limits so each one is cheap to exceed (vakt.yaml `ingest:`).
LIMITS = {
    "max_body_bytes": 65536,
    "max_alerts_per_request": 10,
    "max_labels_per_alert": 8,
    "max_label_name_bytes": 32,
    "max_label_value_bytes": 64,
    "max_annotation_value_bytes": 128,
}


def alert(**labels):
    return {"labels": dict({"alertname": "Bad"}, **labels)}


def nested(depth, leaf="1"):
    """A JSON text of exactly `depth` nested arrays."""
    return "[" * depth + leaf + "]" * depth


def raw_post(port, path, payload, timeout=30.0):
    """POST raw bytes; tolerates the server answering (and closing) before the body is sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, len(payload))).encode()
        try:
            sock.sendall(head + payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except ConnectionResetError:
            pass
        raw = b"".join(chunks)
    finally:
        sock.close()
    if not raw:
        raise AssertionError("no HTTP answer to a %d-byte POST %s" % (len(payload), path))
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, body)


class BadInputBase(VaktTestCase):
    """Seeds a few alerts so "unchanged" compares a non-empty set."""

    @classmethod
    def seed(cls):
        now = time.time()
        seed = [alert(test="seed", n=str(i)) for i in range(5)]
        seed.append({"labels": {"alertname": "Bad", "test": "seed", "n": "resolved"},
                     "startsAt": rfc3339(now - 600), "endsAt": rfc3339(now - 300)})
        response = cls.vakt.post("/api/v2/alerts", seed)
        assert response.status == 200, response
        event = {"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "seed",
                 "payload": {"summary": "seed", "source": "e2e", "severity": "info"}}
        response = cls.vakt.post("/v2/enqueue", event)
        assert response.status == 202, response

    def setUp(self):
        self.before = self.vakt.snapshot()
        self.assertIn(b"seed", self.before)

    def assertUnchanged(self, what=""):
        after = self.vakt.snapshot()
        self.assertEqual(after, self.before, "stored alerts changed after a refused request %s" % what)

    def refused(self, path, body, status, *mentions):
        """POSTs body (bytes or JSON-able), expects a problem+json `status` naming mentions, and an
        unchanged alert set."""
        response = self.vakt.post(path, body)
        problem = self.assertProblem(response, status, *mentions)
        self.assertUnchanged(repr(body)[:200])
        return problem

    def refused_field(self, path, body, field, *mentions):
        """A 400 whose errors[] names `field`."""
        problem = self.refused(path, body, 400, *mentions)
        fields = [e.get("field") for e in problem.get("errors", [])]
        self.assertIn(field, fields, "errors do not name %r: %r" % (field, problem))
        return problem

    def pd_refused(self, body, *mentions, path="/v2/enqueue"):
        """PagerDuty's own 400 shape: {status: "invalid event", message, errors: [...]}"""
        response = self.vakt.post(path, body)
        self.assertEqual(response.status, 400, repr(response))
        self.assertTrue((response.header("content-type") or "").startswith("application/json"),
                        repr(response))
        parsed = response.json()
        self.assertEqual(parsed.get("status"), "invalid event", repr(response))
        self.assertTrue(parsed.get("message"), repr(response))
        self.assertIsInstance(parsed.get("errors"), list, repr(response))
        self.assertTrue(parsed["errors"], repr(response))
        text = " ".join(parsed["errors"])
        for mention in mentions:
            self.assertIn(mention, text, "PagerDuty errors do not name %r: %r" % (mention, response))
        self.assertUnchanged(repr(body)[:200])
        return parsed


def pd_trigger(**overrides):
    payload = {"summary": "bad input", "source": "e2e", "severity": "warning"}
    payload.update(overrides.pop("payload", {}))
    event = {"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "bad-1",
             "payload": payload}
    event.update(overrides)
    return event


class AlertmanagerBadInputTest(BadInputBase):
    @classmethod
    def setUpClass(cls):
        cls.vakt = cls.start_class_vakt(ingest=LIMITS)
        cls.seed()

    # -- size and structure --------------------------------------------------------------------
    def test_body_over_max_body_bytes_is_413(self):
        padding = "x" * 64
        body = [{"labels": {"alertname": "Big", "n": str(i)}, "annotations": {"p": padding}}
                for i in range(2000)]
        payload = json.dumps(body).encode()
        self.assertGreater(len(payload), LIMITS["max_body_bytes"])
        self.refused("/api/v2/alerts", payload, 413, "65536")

    def test_body_of_exactly_max_body_bytes_is_accepted(self):
        payload = json.dumps([alert(test="exact-size")]).encode()
        payload += b" " * (LIMITS["max_body_bytes"] - len(payload))
        self.assertEqual(len(payload), LIMITS["max_body_bytes"])
        self.assertStatus(self.vakt.post("/api/v2/alerts", payload), 200)
        self.assertIn(fingerprint({"alertname": "Bad", "test": "exact-size"}).encode(),
                      self.vakt.snapshot())

    def test_body_one_byte_over_max_body_bytes_is_413(self):
        payload = json.dumps([alert(test="one-over")]).encode()
        payload += b" " * (LIMITS["max_body_bytes"] + 1 - len(payload))
        self.refused("/api/v2/alerts", payload, 413, "65536")

    def test_body_over_transport_limit_is_413_problem(self):
        payload = b"[" + b" " * (600 * 1024) + b"]"
        response = raw_post(self.vakt.port, "/api/v2/alerts", payload)
        self.assertProblem(response, 413)
        self.assertUnchanged()

    def test_webhook_body_over_max_body_bytes_is_413(self):
        payload = json.dumps({"version": "4", "alerts": [], "pad": "y" * 70000}).encode()
        self.refused("/api/v1/ingest/alertmanager", payload, 413, "65536")

    def test_nesting_depth_65_is_400(self):
        # depth 65 inside the first alert's labels; 64 is the default limit
        self.refused("/api/v2/alerts", nested(65).encode(), 400, "nesting deeper than 64")

    def test_nesting_depth_64_is_parsed_then_refused_for_shape_only(self):
        problem = self.refused("/api/v2/alerts", nested(64).encode(), 400)
        self.assertNotIn("nesting", json.dumps(problem))

    def test_very_deep_nesting_is_refused_without_crashing(self):
        payload = ("[" * 60000).encode()
        self.refused("/api/v2/alerts", payload, 400, "nesting deeper than 64")
        self.assertEqual(self.vakt.get("/healthz").status, 200)
        objects = ('{"a":' * 12000).encode()  # 60 KB, under max_body_bytes
        self.refused("/api/v2/alerts", objects, 400, "nesting deeper than 64")

    def test_too_many_alerts_per_request_is_400(self):
        body = [alert(test="many", n=str(i)) for i in range(11)]
        self.refused_field("/api/v2/alerts", body, "body", "limit is 10")

    def test_exactly_max_alerts_per_request_is_accepted(self):
        body = [alert(test="ten", n=str(i)) for i in range(10)]
        self.assertStatus(self.vakt.post("/api/v2/alerts", body), 200)

    def test_too_many_labels_per_alert_is_400(self):
        labels = {"l%d" % i: "v" for i in range(8)}  # + alertname = 9 > 8
        self.refused_field("/api/v2/alerts", [alert(**labels)], "[0].labels", "limit is 8")

    def test_label_name_too_long_is_400(self):
        name = "n" * 33
        self.refused_field("/api/v2/alerts", [alert(**{name: "v"})], "[0].labels", "32 bytes")

    def test_labels_names_at_limits_are_accepted(self):
        labels = {"alertname": "Bad", "n" * 32: "v"}
        labels.update({"l%d" % i: "v" for i in range(6)})  # 8 labels in all
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}]), 200)
        self.assertIn(fingerprint(labels).encode(), self.vakt.snapshot())

    def test_label_value_too_long_is_400(self):
        self.refused_field("/api/v2/alerts", [alert(test="v" * 65)], "[0].labels.test", "64 bytes")

    def test_label_value_at_limit_is_accepted(self):
        labels = {"alertname": "Bad", "test": "w" * 64}
        self.assertStatus(self.vakt.post("/api/v2/alerts", [{"labels": labels}]), 200)
        self.assertIn(fingerprint(labels).encode(), self.vakt.snapshot())

    def test_annotation_value_too_long_is_400(self):
        body = [{"labels": {"alertname": "Bad"}, "annotations": {"summary": "s" * 129}}]
        self.refused_field("/api/v2/alerts", body, "[0].annotations.summary", "128 bytes")

    def test_invalid_label_name_is_400(self):
        self.refused_field("/api/v2/alerts", [alert(**{"with-dash": "v"})], "[0].labels.with-dash")
        self.refused_field("/api/v2/alerts", [alert(**{"1abc": "v"})], "[0].labels.1abc")

    # -- encoding and syntax -------------------------------------------------------------------
    def test_invalid_utf8_in_value_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad","test":"\xff\xfe"}}]'
        self.refused("/api/v2/alerts", payload, 400, "UTF-8")

    def test_invalid_utf8_in_label_name_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad","t\xc3":"x"}}]'
        self.refused("/api/v2/alerts", payload, 400, "UTF-8")

    def test_overlong_utf8_encoding_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad","test":"\xc0\xaf"}}]'
        self.refused("/api/v2/alerts", payload, 400, "UTF-8")

    def test_lone_surrogate_escape_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad","test":"\\ud800"}}]'
        self.refused("/api/v2/alerts", payload, 400)

    def test_duplicate_label_key_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad","test":"a","test":"b"}}]'
        self.refused("/api/v2/alerts", payload, 400, "duplicate key", "test")

    def test_duplicate_alert_field_is_400(self):
        payload = b'[{"labels":{"alertname":"Bad"},"labels":{"alertname":"Other"}}]'
        self.refused("/api/v2/alerts", payload, 400, "duplicate key", "labels")

    def test_malformed_json_is_400(self):
        for payload in (b'[{"labels":{"alertname":"Bad"}', b"[{labels: 1}]", b"",
                        b'[{"labels":{"alertname":"Bad"}}] trailing', b"[1,]", b"nul"):
            with self.subTest(payload=payload):
                self.refused("/api/v2/alerts", payload, 400, "JSON")

    # -- wrong types ---------------------------------------------------------------------------
    def test_body_not_an_array_is_400(self):
        self.refused_field("/api/v2/alerts", {"labels": {"alertname": "Bad"}}, "body")
        self.refused_field("/api/v2/alerts", json.dumps("just a string").encode(), "body")

    def test_alert_not_an_object_is_400(self):
        self.refused_field("/api/v2/alerts", ["not an alert"], "[0]")

    def test_label_value_not_a_string_is_400(self):
        self.refused_field("/api/v2/alerts", [{"labels": {"alertname": "Bad", "n": 5}}],
                           "[0].labels.n")
        self.refused_field("/api/v2/alerts", [{"labels": {"alertname": "Bad", "n": None}}],
                           "[0].labels.n")

    def test_labels_not_an_object_is_400(self):
        self.refused_field("/api/v2/alerts", [{"labels": ["alertname", "Bad"]}], "[0].labels")

    def test_missing_or_empty_labels_is_400(self):
        self.refused_field("/api/v2/alerts", [{"annotations": {"a": "b"}}], "[0].labels")
        self.refused_field("/api/v2/alerts", [{"labels": {}}], "[0].labels")
        self.refused_field("/api/v2/alerts", [{"labels": {"only_empty": ""}}], "[0].labels")

    def test_generator_url_not_a_string_is_400(self):
        self.refused_field("/api/v2/alerts", [{"labels": {"alertname": "Bad"}, "generatorURL": 7}],
                           "[0].generatorURL")

    def test_timestamp_not_a_string_is_400(self):
        self.refused_field("/api/v2/alerts", [{"labels": {"alertname": "Bad"}, "startsAt": 1700000000}],
                           "[0].startsAt")

    # -- timestamps ----------------------------------------------------------------------------
    def test_bad_timestamps_are_400(self):
        for text in ("yesterday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
                     "2024-05-01 12:00:00", "2024-05-01T25:00:00Z", "2024-05-01T12:00:00"):
            with self.subTest(startsAt=text):
                self.refused_field("/api/v2/alerts",
                                   [{"labels": {"alertname": "Bad"}, "startsAt": text}], "[0].startsAt")
            with self.subTest(endsAt=text):
                self.refused_field("/api/v2/alerts",
                                   [{"labels": {"alertname": "Bad"}, "endsAt": text}], "[0].endsAt")

    def test_ends_before_starts_is_400(self):
        now = time.time()
        self.refused_field("/api/v2/alerts", [{"labels": {"alertname": "Bad"},
                                               "startsAt": rfc3339(now), "endsAt": rfc3339(now - 60)}],
                           "[0].endsAt")

    # -- best-effort batch ---------------------------------------------------------------------
    def test_mixed_batch_stores_valid_alerts_and_names_invalid_ones(self):
        good = {"alertname": "Bad", "test": "mixed-good"}
        body = [{"labels": good}, {"labels": {"alertname": "Bad", "n": 1}}]
        response = self.vakt.post("/api/v2/alerts", body)
        problem = self.assertProblem(response, 400, "1 invalid", "1 valid")
        self.assertEqual([e["field"] for e in problem["errors"]], ["[1].labels.n"])
        self.assertIn(fingerprint(good).encode(), self.vakt.snapshot())

    # -- webhook -------------------------------------------------------------------------------
    def test_webhook_wrong_version_is_400(self):
        body = {"version": "3", "alerts": [alert(test="wh")]}
        self.refused("/api/v1/ingest/alertmanager", body, 400, "version")
        self.refused("/api/v1/ingest/alertmanager", {"alerts": [alert(test="wh")]}, 400, "version")

    def test_webhook_missing_alerts_is_400(self):
        self.refused("/api/v1/ingest/alertmanager", {"version": "4"}, 400, "alerts")

    def test_webhook_bad_alert_is_400_naming_it(self):
        body = {"version": "4", "alerts": [{"labels": {"alertname": "Bad", "x": "v" * 65}}]}
        self.refused_field("/api/v1/ingest/alertmanager", body, "alerts[0].labels.x")

    def test_webhook_too_many_alerts_is_400(self):
        body = {"version": "4", "alerts": [alert(n=str(i)) for i in range(11)]}
        self.refused_field("/api/v1/ingest/alertmanager", body, "alerts", "limit is 10")

    def test_webhook_body_not_an_object_is_400(self):
        self.refused("/api/v1/ingest/alertmanager", [alert()], 400, "body")

    # -- deployments and reads -----------------------------------------------------------------
    def test_deployment_missing_or_wrong_fields_is_400(self):
        self.refused("/api/v1/deployments", {"version": "v1"}, 400, "pipeline")
        self.refused("/api/v1/deployments", {"pipeline": "p", "version": 3}, 400, "version")
        self.refused("/api/v1/deployments", {"pipeline": "p", "version": "v", "timestamp": "soon"},
                     400, "timestamp")
        self.refused("/api/v1/deployments", [1], 400, "body")

    def test_list_with_bad_query_is_400(self):
        for query, field in (("state=bogus", "state"), ("limit=0", "limit"), ("limit=1001", "limit"),
                             ("limit=ten", "limit"), ("cursor=zz", "cursor"),
                             ("cursor=00", "cursor")):
            with self.subTest(query=query):
                self.assertProblem(self.vakt.get("/api/v1/alerts?" + query), 400, field)
        self.assertProblem(self.vakt.get("/api/v1/alerts?filter=%7Bbroken"), 400)

    def test_unknown_route_is_404_problem(self):
        self.assertProblem(self.vakt.get("/api/v9/nothing"), 404)


class PagerDutyBadInputTest(BadInputBase):
    """PagerDuty answers bad events in its own shape; limits are PD's documented ones."""

    @classmethod
    def setUpClass(cls):
        cls.vakt = cls.start_class_vakt()  # default limits: 512 KB PagerDuty body, depth 64
        cls.seed()

    def test_dedup_key_256_chars_is_400(self):
        self.pd_refused(pd_trigger(dedup_key="d" * 256), "dedup_key")

    def test_dedup_key_255_chars_is_accepted(self):
        response = self.vakt.post("/v2/enqueue", pd_trigger(dedup_key="k" * 255))
        self.assertStatus(response, 202)
        self.assertEqual(response.json()["dedup_key"], "k" * 255)

    def test_summary_1025_chars_is_400(self):
        self.pd_refused(pd_trigger(payload={"summary": "s" * 1025}), "payload.summary")

    def test_summary_1024_chars_is_accepted(self):
        self.assertStatus(self.vakt.post("/v2/enqueue", pd_trigger(
            dedup_key="summary-1024", payload={"summary": "s" * 1024})), 202)

    def test_bad_severity_is_400(self):
        for severity in ("fatal", "CRITICAL", "", 3):
            with self.subTest(severity=severity):
                self.pd_refused(pd_trigger(payload={"severity": severity}), "payload.severity")

    def test_routing_key_wrong_length_is_400(self):
        for key in ("short", ROUTING_KEY + "x", ROUTING_KEY[:-1], ""):
            with self.subTest(routing_key=key):
                self.pd_refused(pd_trigger(routing_key=key), "routing_key")
        event = pd_trigger()
        del event["routing_key"]
        self.pd_refused(event, "routing_key")

    def test_bad_event_action_is_400(self):
        self.pd_refused(pd_trigger(event_action="explode"), "event_action")
        event = pd_trigger()
        del event["event_action"]
        self.pd_refused(event, "event_action")

    def test_missing_payload_fields_are_400(self):
        event = pd_trigger()
        del event["payload"]
        self.pd_refused(event, "payload")
        self.pd_refused(pd_trigger(payload={"summary": ""}), "payload.summary")
        self.pd_refused(pd_trigger(payload={"source": ""}), "payload.source")

    def test_bad_payload_timestamp_is_400(self):
        self.pd_refused(pd_trigger(payload={"timestamp": "last tuesday"}), "payload.timestamp")

    def test_acknowledge_without_dedup_key_is_400(self):
        event = {"routing_key": ROUTING_KEY, "event_action": "acknowledge"}
        self.pd_refused(event, "dedup_key")

    def test_dedup_key_wrong_type_is_400(self):
        self.pd_refused(pd_trigger(dedup_key=12), "dedup_key")

    def test_malformed_json_is_400_in_pagerduty_shape(self):
        self.pd_refused(b'{"routing_key": ', "JSON")
        self.pd_refused(b'{"routing_key":"a","routing_key":"b"}', "duplicate key")
        self.pd_refused(b'{"routing_key":"\xff"}', "UTF-8")
        self.pd_refused([1, 2], "invalid")

    def test_custom_details_depth_64_accepted_65_refused(self):
        # body(1) > payload(2) > custom_details(3) > ... : leaf depth counted from the top
        def event_with_depth(depth):
            details = "1"
            for _ in range(depth - 3):
                details = '{"d":' + details + "}"
            return ('{"routing_key":"%s","event_action":"trigger","dedup_key":"depth-%d",'
                    '"payload":{"summary":"deep","source":"e2e","severity":"info",'
                    '"custom_details":{"d":%s}}}' % (ROUTING_KEY, depth, details)).encode()
        self.assertStatus(self.vakt.post("/v2/enqueue", event_with_depth(64)), 202)
        self.before = self.vakt.snapshot()
        self.pd_refused(event_with_depth(65), "nesting deeper than 64")

    def test_body_over_512_kb_is_413(self):
        event = pd_trigger(payload={"custom_details": {"blob": "b" * (512 * 1024)}})
        payload = json.dumps(event).encode()
        self.assertGreater(len(payload), 512 * 1024)
        self.refused("/v2/enqueue", payload, 413, "524288")

    def test_body_of_exactly_512_kb_is_accepted(self):
        payload = json.dumps(pd_trigger(dedup_key="exactly-512k")).encode()
        payload += b" " * (512 * 1024 - len(payload))
        self.assertEqual(len(payload), 512 * 1024)
        self.assertStatus(self.vakt.post("/v2/enqueue", payload), 202)

    def test_change_event_body_over_512_kb_is_413(self):
        event = {"routing_key": ROUTING_KEY,
                 "payload": {"summary": "big", "custom_details": {"blob": "c" * (512 * 1024)}}}
        self.refused("/v2/change/enqueue", json.dumps(event).encode(), 413, "524288")

    def test_change_event_missing_summary_or_routing_key_is_400(self):
        self.pd_refused({"routing_key": ROUTING_KEY, "payload": {}}, "payload.summary",
                        path="/v2/change/enqueue")
        self.pd_refused({"payload": {"summary": "x"}}, "routing_key", path="/v2/change/enqueue")
        self.pd_refused({"routing_key": ROUTING_KEY, "payload": {"summary": "s" * 1025}},
                        "payload.summary", path="/v2/change/enqueue")

    def test_alertmanager_depth_65_on_default_limits_is_400(self):
        self.refused("/api/v2/alerts", nested(65).encode(), 400, "nesting deeper than 64")


if __name__ == "__main__":
    main()
