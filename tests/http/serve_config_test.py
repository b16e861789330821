#!/usr/bin/env python3
"""`suanli serve` settings: the --config file is the lowest layer, then SUANLI_* environment
variables, then the flags given (later wins); a bad file or a bad --centers file stops the
server with exit code 2 naming the field, before anything listens.

Usage: serve_config_test.py SUANLI_BINARY REPO_DIR"""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def with_server(suanli, args, env, use):
    """Starts the server, returns use(port) once it printed its URL, and stops it."""
    p = subprocess.Popen([suanli, "serve", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in p.stdout:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                return use(int(m.group(1)))
        raise AssertionError("no URL printed: " + p.stderr.read())
    finally:
        p.terminate()
        p.wait(timeout=30)


def started_port(suanli, args, env):
    """The port the server printed."""
    return with_server(suanli, args, env, lambda port: port)


def session_cookie(suanli, args, env):
    """The Set-Cookie header of the demo admin's sign-in."""
    def sign_in(port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/api/v1/session",
                     json.dumps({"username": "admin", "password": "suanli-demo-2024"}),
                     {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200, resp.status
        return resp.getheader("Set-Cookie")
    return with_server(suanli, args, env, sign_in)


def free_ports(n):
    import socket
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def main():
    suanli, repo = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="suanli-config-")
    try:
        file_port, env_port, flag_port = free_ports(3)
        cfg = os.path.join(tmp, "suanli.toml")
        with open(cfg, "w") as f:
            f.write(f'port = {file_port}\ndata = "{tmp}/data"\n'
                    f'programs = "{os.path.join(repo, "programs")}"\nstatic_dir = ""\n')
        base = {k: v for k, v in os.environ.items() if not k.startswith("SUANLI_")}
        args = ["--config", cfg, "--access-log", "false"]
        assert started_port(suanli, args, base) == file_port
        with_env = dict(base, SUANLI_PORT=str(env_port))
        assert started_port(suanli, args, with_env) == env_port
        assert started_port(suanli, args + ["--port", str(flag_port)], with_env) == flag_port

        bad = os.path.join(tmp, "bad.toml")
        with open(bad, "w") as f:
            f.write("colour = 1\n")
        r = subprocess.run([suanli, "serve", "--config", bad], capture_output=True, text=True,
                           env=base, timeout=60)
        assert r.returncode == 2 and "config.colour" in r.stderr, (r.returncode, r.stderr)
        centers = os.path.join(tmp, "centers.toml")
        with open(centers, "w") as f:
            f.write('[[center]]\ncluster = "x"\nrest_url = "http://127.0.0.1:1"\n')
        r = subprocess.run([suanli, "serve", "--config", cfg, "--centers", centers],
                           capture_output=True, text=True, env=base, timeout=60)
        assert r.returncode == 2 and "center[0].token_file" in r.stderr, (r.returncode, r.stderr)
        # Behind a TLS proxy the session cookie is Secure: off by default, on by file or flag.
        demo = ["--data", os.path.join(tmp, "demo"), "--programs", os.path.join(repo, "programs"),
                "--port", "0", "--demo", "--fast-password-hashing", "--static-dir", "",
                "--access-log", "false"]
        assert "Secure" not in session_cookie(suanli, demo, base)
        assert "; Secure" in session_cookie(suanli, demo + ["--secure-cookies", "true"], base)
        assert "; Secure" in session_cookie(suanli, demo, dict(base, SUANLI_SECURE_COOKIES="true"))
        print("serve settings: file < environment < flags; bad files refused with the field")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
