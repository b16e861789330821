#!/usr/bin/env python3
"""Prepares a `suanli serve --demo` data directory for the HTTP benchmark, through the API only:
qualifies applicant organisations, files a 2,000,000 contract with 成都智算中心 for each, applies
and has the officer approve (a 1,000,000 voucher each, the per-organisation cap), and creates an
API key for the provider operator op-ai. Prints, one per line:

    api_key=sk_...
    voucher_ids=V1[,V2...]
    provider_id=2

Usage: suanli_setup.py --url http://127.0.0.1:PORT [--vouchers N]

The first voucher goes to the demo applicant (org 1); every further one to a newly registered
organisation (USCC and resident ID with valid check characters). The server must have been
started with --demo and a manual clock inside the program year (e.g. 2024-03-15T09:00:00+08:00);
the demo password is suanli-demo-2024. Python 3 standard library only.
"""
import argparse
import http.client
import json
import re
import sys
import urllib.parse
import uuid
from pathlib import Path

# The check-character helpers are shared with the HTTP tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "http"))
from suanli_client import resident_id, uscc  # noqa: E402

PASSWORD = "suanli-demo-2024"
PDF = b"%PDF-1.4\n% benchmark qualification document\n"
KINDS = ["business_licence", "legal_rep_id_scan", "authenticity_pledge", "no_violation_pledge",
         "credit_report", "audit_report"]


class Client:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.cookie = self.csrf = self.api_key = None

    def call(self, method, path, body=None, headers=None, expect=(200, 201)):
        h = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif body is not None:
            h.setdefault("Content-Type", "application/pdf")
        if self.cookie:
            h["Cookie"] = "suanli_session=" + self.cookie
            if method not in ("GET", "HEAD"):
                h["X-CSRF-Token"] = self.csrf
        if self.api_key:
            h["X-Api-Key"] = self.api_key
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        data = json.loads(raw) if raw and "json" in resp.getheader("Content-Type", "") else raw
        if resp.status not in expect:
            sys.exit(f"suanli_setup: {method} {path} -> {resp.status}: {data!r}")
        return data, resp

    def login(self, username, password=PASSWORD):
        data, resp = self.call("POST", "/api/v1/session",
                               {"username": username, "password": password})
        m = re.search(r"suanli_session=([^;]+)", resp.getheader("Set-Cookie", ""))
        if not m:
            sys.exit(f"suanli_setup: no session cookie for {username}")
        self.cookie, self.csrf = m.group(1), data["csrf_token"]
        return self


def qualify(app, officer, org_id):
    docs = [app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind={k}&filename={k}.pdf", PDF)[0]
            for k in KINDS]
    app.call("POST", f"/api/v1/orgs/{org_id}/qualification/submit")
    for d in docs:
        officer.call("POST", f"/api/v1/documents/{d['id']}/review", {"decision": "approve"})
    officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision", {"decision": "approve"})


def voucher(app, officer, org_id, provider_id, n):
    c = app.call("POST", "/api/v1/contracts", {
        "org_id": org_id, "provider_id": provider_id, "contract_no": f"BENCH-{n}",
        "amount": "2000000.00", "signed_on": "2024-03-01", "start_on": "2024-03-01",
        "end_on": "2024-11-30", "resource_class": "intelligent_compute"})[0]
    a = app.call("POST", "/api/v1/applications",
                 {"program_id": "chengdu-2024", "contract_id": c["id"]})[0]
    a = officer.call("POST", f"/api/v1/applications/{a['id']}/decision", {"decision": "approve"},
                     headers={"Idempotency-Key": uuid.uuid4().hex})[0]
    if a.get("status") != "approved" or not a.get("voucher_id"):
        sys.exit(f"suanli_setup: application not approved: {a}")
    return a["voucher_id"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--vouchers", type=int, default=1)
    args = ap.parse_args()
    u = urllib.parse.urlsplit(args.url)
    host, port = u.hostname, u.port or 80
    new = lambda: Client(host, port)  # noqa: E731

    admin, officer = new().login("admin"), new().login("officer")
    providers = admin.call("GET", "/api/v1/providers")[0]["items"]
    provider_id = next(p["id"] for p in providers if p["name"] == "成都智算中心")
    users = admin.call("GET", "/api/v1/users")[0]["items"]
    op_ai = next(x["id"] for x in users if x["username"] == "op-ai")
    api_key = admin.call("POST", f"/api/v1/users/{op_ai}/api-keys")[0]["api_key"]

    vouchers = []
    for n in range(args.vouchers):
        if n == 0:
            app, org_id = new().login("demo-applicant"), 1
        else:
            user = f"bench-admin-{n}"
            org = new().call("POST", "/api/v1/orgs", {
                "uscc": uscc("91510100MA6BN%04d" % n), "name": f"成都压测{n}号科技有限公司",
                "type": "enterprise", "region": "成都", "industry": "artificial_intelligence",
                "legal_rep_name": "压测", "legal_rep_id": resident_id("51010719850505123"),
                "prior_year_revenue": "50000000.00", "admin_username": user,
                "admin_password": "pass-" + user})[0]
            app, org_id = new().login(user, "pass-" + user), org["id"]
        qualify(app, officer, org_id)
        vouchers.append(voucher(app, officer, org_id, provider_id, n + 1))

    # Check that the provider's key can read and settle (one bill) before the load starts.
    prov = new()
    prov.api_key = api_key
    v = prov.call("GET", f"/api/v1/vouchers/{vouchers[0]}")[0]
    if v.get("remaining") != "1000000.00":
        sys.exit(f"suanli_setup: unexpected voucher {v}")
    print(f"api_key={api_key}")
    print("voucher_ids=" + ",".join(str(x) for x in vouchers))
    print(f"provider_id={provider_id}")


if __name__ == "__main__":
    main()
