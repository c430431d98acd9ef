#!/usr/bin/env python3
"""E2E: a 2xx means committed. kill -9 under load on SQLite and PostgreSQL, graceful SIGTERM under
load, and overload answering 503 + Retry-After without ever acknowledging unsaved data."""

import http.client
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vakt_harness import VaktTestCase, fingerprint, main, request_on  # noqa: E402

THREADS = 4
BATCH = 25
MAX_SECONDS = 20.0   # hard bound on any load run
MAX_ALERTS = 20000   # hard bound on alerts one load run sends


class Load:
    """THREADS client threads, each on its own keep-alive connection, posting batches of distinct
    alerts until stopped, the server goes away, or a bound is hit. Records per batch whether the
    answer was a 2xx (acknowledged), a definite refusal (4xx/5xx) or unknown (connection lost)."""

    def __init__(self, vakt, tag, path="/api/v2/alerts", batch=BATCH, threads=THREADS):
        self.vakt = vakt
        self.tag = tag
        self.path = path
        self.batch = batch
        self.threads = threads
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.acked = []      # fingerprints answered 2xx
        self.refused = []    # fingerprints answered with a non-2xx status
        self.unknown = []    # fingerprints whose request got no answer
        self.statuses = {}
        self.retry_after = []
        self.sent = 0
        self.workers = []
        self.started = None

    def start(self):
        self.started = time.monotonic()
        for thread_index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(thread_index,), daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def _run(self, thread_index):
        conn = None
        seq = 0
        while not self.stop_event.is_set():
            if time.monotonic() - self.started > MAX_SECONDS:
                return
            with self.lock:
                if self.sent >= MAX_ALERTS:
                    return
                self.sent += self.batch
            labels = [{"alertname": "Durable", "run": self.tag, "thread": str(thread_index),
                       "seq": str(seq + i)} for i in range(self.batch)]
            seq += self.batch
            fingerprints = [fingerprint(l) for l in labels]
            body = [{"labels": l, "annotations": {"summary": "durability"}} for l in labels]
            if self.path != "/api/v2/alerts":
                body = {"version": "4", "status": "firing", "receiver": "vakt", "alerts": body}
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.vakt.host, self.vakt.port, timeout=30)
                response = request_on(conn, "POST", self.path, body)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.unknown.extend(fingerprints)
                if conn is not None:
                    conn.close()
                conn = None
                if self.stop_event.is_set():
                    return
                time.sleep(0.05)  # server gone or restarting: keep trying until stopped
                continue
            with self.lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if 200 <= response.status < 300:
                    self.acked.extend(fingerprints)
                else:
                    self.refused.extend(fingerprints)
                    if response.header("retry-after"):
                        self.retry_after.append(response.header("retry-after"))
                    elif response.status in (429, 503):
                        self.retry_after.append(None)
        if conn is not None:
            conn.close()

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def wait_for_acks(self, count, timeout):
        deadline = time.monotonic() + timeout
        while self.acked_count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.acked_count()

    def stop(self):
        self.stop_event.set()
        for worker in self.workers:
            worker.join(timeout=60)
        alive = [w for w in self.workers if w.is_alive()]
        assert not alive, "load threads did not stop"

    def summary(self):
        return ("sent=%d acked=%d refused=%d unknown=%d statuses=%r"
                % (self.sent, len(self.acked), len(self.refused), len(self.unknown), self.statuses))


class DurabilityTest(VaktTestCase):
    def stored_fingerprints(self, vakt, tag):
        alerts = vakt.list_alerts(state="all", filters=['run="%s"' % tag])
        for alert in alerts:  # what came back is intact, not just present
            self.assertEqual(fingerprint(alert["labels"]), alert["fingerprint"], alert)
            self.assertEqual(alert["annotations"], {"summary": "durability"}, alert)
        return [a["fingerprint"] for a in alerts]

    def assertEveryAckStoredOnce(self, load, stored):
        self.assertEqual(len(stored), len(set(stored)), "an alert is stored twice")
        missing = set(load.acked) - set(stored)
        self.assertFalse(missing, "%d acknowledged alerts lost (%s)" % (len(missing), load.summary()))
        sent = set(load.acked) | set(load.refused) | set(load.unknown)
        self.assertLessEqual(set(stored), sent, "an alert nobody sent is stored")
        refused_stored = set(load.refused) & set(stored)
        self.assertFalse(refused_stored, "alerts answered with an error were stored")

    def kill_under_load(self, database=None, tag="kill9"):
        vakt = self.start_vakt(database=database)
        load = Load(vakt, tag).start()
        try:
            # Let load build up (bounded), then kill -9 while requests are in flight.
            acked = load.wait_for_acks(1000, timeout=10)
            self.assertGreater(acked, 0, "no alert acknowledged before the kill: " + load.summary())
            vakt.kill()
            time.sleep(0.3)  # in-flight requests fail now; their alerts are "unknown"
        finally:
            load.stop()
        sys.stderr.write("\n  kill -9 load (%s): %s\n" % (tag, load.summary()))
        self.assertGreater(len(load.acked), 0)
        vakt.start()  # same database
        stored = self.stored_fingerprints(vakt, tag)
        self.assertEveryAckStoredOnce(load, stored)
        self.assertEqual(vakt.stop(), 0)
        return load, stored

    def test_sigkill_under_load_sqlite_keeps_every_acknowledged_alert_once(self):
        self.kill_under_load(tag="kill9-sqlite")

    def test_sigkill_under_load_postgres_keeps_every_acknowledged_alert_once(self):
        self.kill_under_load(database=self.postgres_database(), tag="kill9-postgres")

    def test_sigkill_twice_in_a_row_then_restart_keeps_everything(self):
        vakt = self.start_vakt()
        tag = "kill9-twice"
        all_acked = set()
        for _ in range(2):
            load = Load(vakt, tag).start()
            try:
                self.assertGreater(load.wait_for_acks(300, timeout=10), 0, load.summary())
                vakt.kill()
            finally:
                load.stop()
            all_acked |= set(load.acked)
            vakt.start()
        stored = self.stored_fingerprints(vakt, tag)
        self.assertEqual(len(stored), len(set(stored)))
        self.assertFalse(all_acked - set(stored), "acknowledged alerts lost across two kills")

    def test_sigterm_under_load_exits_zero_and_keeps_every_acknowledged_alert(self):
        vakt = self.start_vakt()
        tag = "sigterm"
        load = Load(vakt, tag, path="/api/v1/ingest/alertmanager").start()
        try:
            self.assertGreater(load.wait_for_acks(1000, timeout=10), 0, load.summary())
            code = vakt.stop(timeout=60)
            self.assertEqual(code, 0, "vakt exited %s after SIGTERM under load" % code)
        finally:
            load.stop()
        sys.stderr.write("\n  SIGTERM load: %s\n" % load.summary())
        vakt.start()
        stored = self.stored_fingerprints(vakt, tag)
        self.assertEveryAckStoredOnce(load, stored)
        self.assertEqual(vakt.stop(), 0)

    def test_queue_overload_answers_503_with_retry_after_never_2xx_for_unsaved(self):
        vakt = self.start_vakt(ingest={"queue_capacity": 5, "max_batch": 5})
        big = [{"labels": {"alertname": "Overload", "run": "overload-big", "n": str(i)},
                "annotations": {"summary": "durability"}} for i in range(10)]
        for path, body in (("/api/v2/alerts", big),
                           ("/api/v1/ingest/alertmanager", {"version": "4", "alerts": big})):
            with self.subTest(path=path):
                before = vakt.snapshot()
                response = vakt.post(path, body)
                self.assertProblem(response, 503)
                self.assertTrue(response.header("retry-after"), "503 without Retry-After: %r" % response)
                self.assertGreaterEqual(int(response.header("retry-after")), 1)
                self.assertEqual(vakt.snapshot(), before, "a refused batch was (partly) stored")
        # a batch that fits the queue is accepted
        small = [{"labels": {"alertname": "Overload", "run": "overload-small", "n": str(i)},
                  "annotations": {"summary": "durability"}} for i in range(5)]
        self.assertStatus(vakt.post("/api/v2/alerts", small), 200)
        self.assertEqual(len(self.stored_fingerprints(vakt, "overload-small")), 5)
        self.assertEqual(self.stored_fingerprints(vakt, "overload-big"), [])

    def test_concurrent_overload_stores_exactly_the_acknowledged_batches(self):
        vakt = self.start_vakt(ingest={"queue_capacity": 40, "max_batch": 40})
        tag = "overload-concurrent"
        load = Load(vakt, tag, batch=20, threads=8).start()
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                with load.lock:
                    if load.statuses.get(503, 0) >= 20 and len(load.acked) >= 200:
                        break
                time.sleep(0.05)
        finally:
            load.stop()
        sys.stderr.write("\n  overload: %s\n" % load.summary())
        self.assertGreater(load.statuses.get(503, 0), 0, "the queue never filled: " + load.summary())
        self.assertTrue(all(load.retry_after), "a 503 came without Retry-After")
        self.assertEqual(set(load.statuses) - {200, 503}, set(), load.summary())
        self.assertFalse(load.unknown, load.summary())
        stored = self.stored_fingerprints(vakt, tag)
        self.assertEqual(len(stored), len(set(stored)))
        self.assertEqual(set(stored), set(load.acked),
                         "stored set differs from the acknowledged set: " + load.summary())
        self.assertEqual(vakt.stop(), 0)


if __name__ == "__main__":
    main()
