"""Shared harness for vakt's end-to-end tests: the real `vakt serve` binary over real HTTP.

Python 3 standard library only. Every wait is bounded in time; every process and temp dir a test
creates is registered for cleanup so it goes away even when the test fails.

  VAKT_BIN                 path of the vakt binary (set by CTest from $<TARGET_FILE:vakt>)
  VAKT_TEST_POSTGRES_URL   postgres://... of a throwaway cluster; PostgreSQL tests skip without it
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START_TIMEOUT_S = 60.0  # an ASan build on a busy 2-core machine can be slow to start
STOP_TIMEOUT_S = 60.0


def _die_with_parent():
    """preexec_fn: the child gets SIGKILL if this test process dies, even by kill -9, so no vakt
    or peer outlives an interrupted run (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def vakt_bin():
    path = os.environ.get("VAKT_BIN", "")
    if not path:
        raise RuntimeError("VAKT_BIN is not set (run through ctest, or export VAKT_BIN=build/.../vakt)")
    if not os.access(path, os.X_OK):
        raise RuntimeError("VAKT_BIN=%s is not an executable file" % path)
    return os.path.abspath(path)


def postgres_url():
    """The throwaway cluster's URL, or None (the caller skips with a reason)."""
    return os.environ.get("VAKT_TEST_POSTGRES_URL") or None


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True, timeout=60,
                   stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))


def create_postgres_database(url):
    """Creates a fresh, uniquely named database on the cluster of `url`; returns (its URL, drop()).

    A database of its own (rather than resetting a shared schema) keeps this test apart from any
    other suite using the same throwaway cluster at the same time (ctest -j)."""
    name = "vakt_e2e_%d_%s" % (os.getpid(), os.urandom(4).hex())
    psql(url, "CREATE DATABASE %s" % name)
    parts = urllib.parse.urlsplit(url)
    own = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def drop():
        psql(url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    return own, drop


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, interval=0.1, what="condition"):
    """Polls predicate() until it returns a truthy value (returned) or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, http.client.HTTPException, ValueError) as error:
            last_error = error
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s (last error: %r)"
                                 % (timeout, what, last_error))
        time.sleep(interval)


def yaml_scalar(value):
    """A YAML scalar for a config value (JSON strings are valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value))


def render_yaml(mapping, indent=0):
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(" " * indent + key + ":")
            lines.extend(render_yaml(value, indent + 2))
        else:
            lines.append(" " * indent + key + ": " + yaml_scalar(value))
    return lines


def fingerprint(labels):
    """Alertmanager's fingerprint: FNV-1a 64 over pairs sorted by name, each name 0xFF value 0xFF."""
    value = 0xcbf29ce484222325
    for name in sorted(labels):
        for chunk in (name.encode("utf-8"), b"\xff", labels[name].encode("utf-8"), b"\xff"):
            for byte in chunk:
                value ^= byte
                value = (value * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % value


def rfc3339(epoch_seconds):
    """UTC RFC 3339 with millisecond precision, e.g. 2024-05-01T12:00:00.123Z."""
    whole = int(epoch_seconds)
    millis = int(round((epoch_seconds - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % millis


def parse_rfc3339(text):
    """Epoch seconds of an RFC 3339 UTC timestamp as vakt/Alertmanager print it."""
    import datetime
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, tail = text.split(".", 1)
        digits = "".join(ch for ch in tail if ch.isdigit())
        zone = tail[len(digits):]
        text = head + "." + (digits + "000000")[:6] + zone
    return datetime.datetime.fromisoformat(text).timestamp()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<HTTP %d %s %r>" % (self.status, self.header("content-type"), self.body[:500])


def http_request(host, port, method, path, body=None, headers=None, timeout=30.0):
    """One request on a fresh connection. body: bytes, str, or a JSON-serialisable object."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        return request_on(conn, method, path, body, headers)
    finally:
        conn.close()


def encode_body(body):
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def request_on(conn, method, path, body=None, headers=None):
    """One request on an existing (keep-alive) connection."""
    payload = encode_body(body)
    all_headers = {"Content-Type": "application/json"} if payload is not None else {}
    all_headers.update(headers or {})
    conn.request(method, path, body=payload, headers=all_headers)
    raw = conn.getresponse()
    data = raw.read()
    return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)


class Vakt:
    """One `vakt serve` process with its own temp dir, vakt.yaml and (by default) SQLite file.

    The process listens on 127.0.0.1:0 and the test learns the port from vakt's
    "vakt is serving on http://HOST:PORT" line, so there is no port race.
    """

    def __init__(self, workdir, database=None, ingest=None, http=None, extra=None):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.database = database or "sqlite:" + os.path.join(workdir, "vakt.db")
        self.config_path = os.path.join(workdir, "vakt.yaml")
        runbooks = os.path.join(workdir, "runbooks")
        os.makedirs(runbooks, exist_ok=True)
        config = {
            "listen": "127.0.0.1:0",
            "database": self.database,
            "runbooks": runbooks,
            "web": os.path.join(workdir, "web"),
            "data_dir": os.path.join(workdir, "data"),
        }
        if ingest:
            config["ingest"] = dict(ingest)
        if http:
            config["http"] = dict(http)
        if extra:
            config.update(extra)
        with open(self.config_path, "w", encoding="utf-8") as out:
            out.write("\n".join(render_yaml(config)) + "\n")
        self.proc = None
        self.port = None
        self.host = "127.0.0.1"
        self.runs = 0
        self.stdout_path = None
        self.stderr_path = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, timeout=START_TIMEOUT_S, args=None):
        assert self.proc is None, "already running"
        self.runs += 1
        self.stdout_path = os.path.join(self.workdir, "stdout.%d.log" % self.runs)
        self.stderr_path = os.path.join(self.workdir, "stderr.%d.log" % self.runs)
        command = [vakt_bin(), "serve", "--config", self.config_path] + list(args or [])
        env = dict(os.environ)  # sanitizer builds keep leak checking: a leak fails the exit code
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         cwd=self.workdir, env=env, preexec_fn=_die_with_parent)
        try:
            self.port = wait_until(self._serving_port, timeout, what="'vakt is serving on' line")
            wait_until(lambda: self.get("/readyz", timeout=5).status == 200, timeout,
                       what="/readyz 200")
        except BaseException:
            self.kill()
            raise
        return self

    def _serving_port(self):
        if self.proc.poll() is not None:
            raise AssertionError("vakt exited with %s before serving; stderr:\n%s"
                                 % (self.proc.returncode, self.stderr()))
        marker = "vakt is serving on http://"
        for line in self.stdout().splitlines():
            if marker in line:
                address = line.split(marker, 1)[1].split()[0].rstrip("/")
                return int(address.rsplit(":", 1)[1])
        return None

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM; waits (bounded) and returns the exit code (SIGKILL + AssertionError on hang)."""
        if self.proc is None:
            return None
        proc = self.proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
            self.proc = None
            raise AssertionError("vakt did not exit within %.0f s of SIGTERM" % timeout)
        self.proc = None
        return code

    def kill(self):
        """SIGKILL (kill -9); returns once the process is gone."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def stdout(self):
        return self._read(self.stdout_path)

    def stderr(self):
        return self._read(self.stderr_path)

    def all_output(self):
        """Everything every run of this instance wrote to stdout and stderr."""
        text = []
        for run in range(1, self.runs + 1):
            for name in ("stdout", "stderr"):
                text.append(self._read(os.path.join(self.workdir, "%s.%d.log" % (name, run))))
        return "\n".join(text)

    @staticmethod
    def _read(path):
        if not path or not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    # -- HTTP ------------------------------------------------------------------------------------
    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def admin_token(self):
        """The admin API token vakt writes on first start (data_dir/admin.token), if any."""
        path = os.path.join(self.workdir, "data", "admin.token")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read().strip() or None

    def auth_headers(self):
        token = self.admin_token()
        return {"Authorization": "Bearer " + token} if token else {}

    def request(self, method, path, body=None, headers=None, timeout=30.0, auth=True):
        all_headers = self.auth_headers() if auth else {}
        all_headers.update(headers or {})
        return http_request(self.host, self.port, method, path, body, all_headers, timeout)

    def get(self, path, timeout=30.0):
        return self.request("GET", path, timeout=timeout)

    def post(self, path, body, headers=None, timeout=30.0, auth=True):
        return self.request("POST", path, body, headers, timeout, auth)

    def connection(self, timeout=30.0):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def list_alerts(self, state="all", filters=(), limit=1000):
        """Every alert GET /api/v1/alerts returns, following next_cursor (bounded)."""
        alerts = []
        cursor = None
        for _ in range(100000):
            query = [("state", state), ("limit", str(limit))] + [("filter", f) for f in filters]
            if cursor:
                query.append(("cursor", cursor))
            response = self.get("/api/v1/alerts?" + urllib.parse.urlencode(query))
            if response.status != 200:
                raise AssertionError("GET /api/v1/alerts: %r" % response)
            page = response.json()
            alerts.extend(page["alerts"])
            cursor = page.get("next_cursor")
            if not cursor:
                return alerts
        raise AssertionError("pagination did not end")

    def snapshot(self):
        """The raw bytes of the whole stored alert set (one page: tests keep it under 1000)."""
        response = self.get("/api/v1/alerts?state=all&limit=1000")
        if response.status != 200:
            raise AssertionError("snapshot: %r" % response)
        return response.body


class VaktTestCase(unittest.TestCase):
    """Base class: temp dirs and vakt processes that are always cleaned up."""

    maxDiff = 4000

    def make_tempdir(self, prefix="vakt-e2e-"):
        holder = tempfile.TemporaryDirectory(prefix=prefix)
        self.addCleanup(holder.cleanup)
        return holder.name

    @classmethod
    def start_class_vakt(cls, **kwargs):
        """One vakt for the whole class (setUpClass); stopped and removed at class cleanup."""
        holder = tempfile.TemporaryDirectory(prefix="vakt-e2e-")
        cls.addClassCleanup(holder.cleanup)
        vakt = Vakt(holder.name, **kwargs)
        cls.addClassCleanup(vakt.kill)
        vakt.start()
        return vakt

    def postgres_database(self):
        """URL of a fresh database on the throwaway cluster, dropped at cleanup; skips the test
        (with a printed reason) when VAKT_TEST_POSTGRES_URL is not set."""
        url = postgres_url()
        if not url:
            print("\nSKIP %s: VAKT_TEST_POSTGRES_URL is not set; no PostgreSQL to test against"
                  % self.id())
            self.skipTest("VAKT_TEST_POSTGRES_URL is not set")
        own, drop = create_postgres_database(url)
        self.addCleanup(drop)
        return own

    def start_vakt(self, **kwargs):
        vakt = self.new_vakt(**kwargs)
        vakt.start()
        return vakt

    def new_vakt(self, workdir=None, **kwargs):
        vakt = Vakt(workdir or self.make_tempdir(), **kwargs)
        self.addCleanup(vakt.kill)
        self.addCleanup(self._dump_logs_on_failure, vakt)
        return vakt

    def start_process(self, command, log_prefix, cwd=None):
        """Starts a peer process (prometheus, alertmanager) logging to files; killed at cleanup."""
        logdir = self.make_tempdir(prefix="vakt-e2e-peer-")
        out = open(os.path.join(logdir, log_prefix + ".out"), "wb")
        err_path = os.path.join(logdir, log_prefix + ".err")
        err = open(err_path, "wb")
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                preexec_fn=_die_with_parent)
        out.close()
        err.close()

        def cleanup():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)

        self.addCleanup(cleanup)
        proc.log_path = err_path
        return proc

    def _dump_logs_on_failure(self, vakt):
        outcome = getattr(self, "_outcome", None)
        failed = False
        if outcome is not None:
            result = getattr(outcome, "result", None)
            errors = list(getattr(result, "errors", [])) + list(getattr(result, "failures", []))
            failed = any(test is self for test, _ in errors)
            if not getattr(outcome, "success", True):
                failed = True
        if failed:
            tail = vakt.all_output()[-4000:]
            sys.stderr.write("\n--- vakt output (%s) ---\n%s\n--- end ---\n" % (self.id(), tail))

    # -- tokens ----------------------------------------------------------------------------------
    def mint_token(self, vakt, name, role):
        """Creates an API token with the admin token `vakt` carries; returns the secret."""
        response = vakt.post("/api/v1/tokens", {"name": name, "role": role})
        self.assertStatus(response, 201, "create %s token %s" % (role, name))
        return response.json()["token"]

    def bearer(self, vakt, name, role):
        """Headers for a new token of `role` named `name`."""
        return {"Authorization": "Bearer " + self.mint_token(vakt, name, role)}

    # -- assertions ------------------------------------------------------------------------------
    def assertStatus(self, response, status, what=""):
        self.assertEqual(response.status, status, "%s: %r" % (what, response))

    def assertProblem(self, response, status, *mentions):
        """An RFC 9457 problem+json answer with this status whose text names each of `mentions`."""
        self.assertEqual(response.status, status, repr(response))
        content_type = (response.header("content-type") or "").split(";")[0].strip()
        self.assertEqual(content_type, "application/problem+json", repr(response))
        body = response.json()
        self.assertEqual(body.get("status"), status, repr(response))
        self.assertTrue(body.get("detail"), "problem without detail: %r" % response)
        text = json.dumps(body)
        for mention in mentions:
            self.assertIn(mention, text, "problem does not name %r: %r" % (mention, response))
        return body


def main():
    """unittest.main with a verbose runner; exits non-zero when anything failed."""
    unittest.main(verbosity=2, buffer=False)
