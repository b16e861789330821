"""A small client for Suanli's HTTP API in tests: starts `suanli serve` on a free port with a
manual clock, signs in (cookie + CSRF token) or uses an API key, and returns (status, json)."""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

PASSWORD = "suanli-demo-2024"


# Valid codes from a 17-character body, for test data: the USCC's GB 32100 check character and
# the resident ID's GB 11643 check digit.
def uscc(body17):
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(chars.index(c) * w for c, w in zip(body17, weights))
    return body17 + chars[(31 - s % 31) % 31]


def resident_id(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(body17, weights))
    return body17 + "10X98765432"[s % 11]


class Server:
    def __init__(self, suanli, repo, clock="2024-03-15T09:00:00+08:00", data=None, extra=()):
        self.data = data or tempfile.mkdtemp(prefix="suanli-http-")
        args = [suanli, "serve", "--data", self.data, "--programs", os.path.join(repo, "programs"),
                "--port", "0", "--demo", "--manual-clock", clock, "--fast-password-hashing",
                "--access-log", "false", "--static-dir", "", *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("suanli serve exited: " + self.proc.stderr.read())
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            raise RuntimeError("suanli serve did not start")

    def stop(self):
        """Stops the server gracefully; a non-zero exit (a sanitizer report, a crash) fails."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        if self.proc.returncode != 0:
            raise AssertionError(f"suanli serve exited with {self.proc.returncode}:\n{err[-int(os.environ.get('SUANLI_ERR_TAIL', '4000')):]}")
        return 0

    def cleanup(self):
        shutil.rmtree(self.data, ignore_errors=True)


def run_test(body, **server_args):
    """A test's main(): starts `suanli serve --demo` (the binary is argv[1], the repository
    argv[2]), runs body(server, suanli) against it and returns what body returns. The server is
    always stopped (a non-zero exit, e.g. a sanitizer report, fails the test) and its data
    directory removed, also when body fails."""
    suanli, repo = sys.argv[1], sys.argv[2]
    server = Server(suanli, repo, **server_args)
    try:
        return body(server, suanli)
    finally:
        server.stop()
        server.cleanup()


class Client:
    def __init__(self, server):
        self.server = server
        self.password = None
        if not hasattr(server, "clients"):
            server.clients = []
        server.clients.append(self)
        self.cookie = None
        self.csrf = None
        self.api_key = None
        self.user = None

    def raw(self, method, path, body=None, headers=None, content_type="application/json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        h = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if body is not None:
            h.setdefault("Content-Type", content_type)
        if self.cookie:
            h["Cookie"] = "suanli_session=" + self.cookie
            if method not in ("GET", "HEAD") and self.csrf:
                h.setdefault("X-CSRF-Token", self.csrf)
        if self.api_key:
            h["X-Api-Key"] = self.api_key
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        ctype = resp.getheader("Content-Type", "")
        parsed = None
        if "json" in ctype and data:
            parsed = json.loads(data)
        return resp.status, parsed if parsed is not None else data, resp

    def call(self, method, path, body=None, headers=None, idem=False):
        h = dict(headers or {})
        if idem and "Idempotency-Key" not in h:
            h["Idempotency-Key"] = uuid.uuid4().hex
        status, data, _ = self.raw(method, path, body, h)
        return status, data

    def login(self, username, password=PASSWORD):
        status, data, resp = self.raw("POST", "/api/v1/session",
                                      {"username": username, "password": password})
        assert status == 200, (status, data)
        m = re.search(r"suanli_session=([^;]+)", resp.getheader("Set-Cookie"))
        self.cookie = m.group(1)
        self.csrf = data["csrf_token"]
        self.user = data["user"]
        self.password = password
        return self

    def relogin(self):
        # Sessions last 8 hours of (simulated) time: a test that moves the clock signs in again.
        if self.cookie and self.password:
            self.cookie = None
            self.login(self.user["username"], self.password)


def login(server, username):
    return Client(server).login(username)


def first_sign_in(server, username, initial, own):
    """Signs in an account whose password someone else set (an admin's new account or reset, an
    invitation: the session says must_change_password, and only the session routes answer it),
    changes it to `own` as its owner must before anything else, and returns the client, whose
    session goes on."""
    client = Client(server)
    status, data, resp = client.raw("POST", "/api/v1/session",
                                    {"username": username, "password": initial})
    assert status == 200 and data.get("must_change_password") is True, (status, data)
    client.cookie = re.search(r"suanli_session=([^;]+)", resp.getheader("Set-Cookie")).group(1)
    client.csrf = data["csrf_token"]
    client.user = data["user"]
    status, data = client.call("POST", "/api/v1/session/password",
                               {"current_password": initial, "new_password": own})
    assert status == 200, (status, data)
    client.password = own
    return client
