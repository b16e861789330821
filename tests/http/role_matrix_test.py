#!/usr/bin/env python3
"""Walks every route the server registered (read from its own OpenAPI document) with every role
and with no one signed in: a role outside the route's x-roles gets 403 from the role matrix, a
role inside it never does, and a non-public route without a session gets 401. Also checks that
the OpenAPI document lists exactly the routes the server answers (a route missing from it would
answer 404 here).

Usage: role_matrix_test.py SUANLI_BINARY REPO_DIR"""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from suanli_client import Client, login, run_test  # noqa: E402

ROLE_USERS = {"admin": "admin", "officer": "officer", "expert": "expert1", "provider": "op-ai",
              "applicant": "demo-applicant", "auditor": "auditor"}


def main():
    failures, checked, paths = run_test(lambda server, _: walk(server))
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"role matrix: ok ({checked} calls over {paths} paths)")


def walk(server):
    """Every route of the OpenAPI document with every role: (failures, calls, paths)."""
    failures = []
    checked = 0
    doc = Client(server).call("GET", "/api/v1/openapi.json")[1]
    assert doc["openapi"].startswith("3."), doc
    clients = {role: login(server, user) for role, user in ROLE_USERS.items()}
    anonymous = Client(server)
    for path, ops in sorted(doc["paths"].items()):
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method, op in sorted(ops.items()):
            if (method, path) == ("delete", "/api/v1/session"):
                continue  # signing out is checked last, below
            allowed = op["x-roles"]
            # A valid key (1-40 printable characters), one per route.
            headers = {"Idempotency-Key": "walk-" + hashlib.sha256(
                (method + path).encode()).hexdigest()[:16]}
            body = None if method in ("get", "head") else "{}"
            for role, client in list(clients.items()) + [("anonymous", anonymous)]:
                status, data, _ = client.raw(method.upper(), concrete, body, headers)
                checked += 1
                detail = data.get("detail", "") if isinstance(data, dict) else ""
                by_matrix = status == 403 and " may not " in detail
                if status == 404 and isinstance(data, dict) and data.get("code") == 901:
                    failures.append(f"{method} {path}: in OpenAPI but not routed")
                if role == "anonymous":
                    if "public" not in allowed and status != 401:
                        failures.append(f"{method} {path} anonymous: {status} {detail}")
                    continue
                permitted = "public" in allowed or "any" in allowed or role in allowed
                if permitted and by_matrix:
                    failures.append(f"{method} {path} {role}: refused by the matrix")
                if not permitted and not by_matrix:
                    failures.append(f"{method} {path} {role}: expected 403, got {status} {detail}")
    # Routes open to a role can still scope what it reads: an expert reads an organisation's
    # documents and related parties only from a claim on its panel (the demo has no claims).
    for path in ("/api/v1/orgs/1/documents", "/api/v1/related-parties?owner=org/1"):
        checked += 2
        status, data, _ = clients["expert"].raw("GET", path)
        if status != 403:
            failures.append(f"get {path} expert on no panel: expected 403, got {status} {data}")
        status, data, _ = clients["officer"].raw("GET", path)
        if status != 200:
            failures.append(f"get {path} officer: expected 200, got {status} {data}")
    for role, client in clients.items():
        status, _, _ = client.raw("DELETE", "/api/v1/session")
        assert status == 200, (role, status)
        status, _, _ = client.raw("GET", "/api/v1/session")
        assert status == 401, (role, "session still valid after sign-out", status)
    return failures, checked, len(doc["paths"])


if __name__ == "__main__":
    main()
