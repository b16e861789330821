#!/usr/bin/env python3
"""A provider's settlement run over HTTP (POST /api/v1/settlement-runs): each bill answered as
POST /api/v1/settlements would answer it, in order — Chengdu's 50 % rounded down to the fen, a
refused bill among settled ones — and a run sent again gives every bill its first answer
without deducting twice.

Usage: settlement_run_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import (contract_and_voucher, expect, ok, problem, qualify,  # noqa: E402
                               register, set_clock, settle)
from suanli_client import Client, login, run_test  # noqa: E402


def main():
    run_test(lambda server, _: run(server))
    print("settlement run: ok")


def run(server):
    admin, officer = login(server, "admin"), login(server, "officer")
    users = {u["username"]: u for u in ok(admin.call("GET", "/api/v1/users"))["items"]}
    providers = {p["name"]: p for p in ok(admin.call("GET", "/api/v1/providers"))["items"]}
    provider = Client(server)
    provider.api_key = ok(admin.call("POST", f"/api/v1/users/{users['op-ai']['id']}/api-keys"))["api_key"]
    org, app = register(server, "91510100MA6RUN001", "成都戊科技有限公司", "epsilon-admin")
    qualify(app, officer, org["id"])
    _, v = contract_and_voucher(app, officer, org["id"], providers["成都智算中心"]["id"], "RUN-001",
                                "100000.00", "50000.00")
    set_clock(admin, "2024-05-10T10:00:00+08:00")
    alone = ok(settle(provider, v["id"], "B-0", "10.00", "run-k0"))  # posted alone before

    bills = [{"idempotency_key": "run-k1", "voucher_id": v["id"], "bill_no": "B-1", "amount": "1000.01"},
             {"idempotency_key": "run-k2", "voucher_id": 999999, "bill_no": "B-2", "amount": "5.00"},
             {"idempotency_key": "run-k0", "voucher_id": v["id"], "bill_no": "B-0", "amount": "10.00"},
             {"idempotency_key": "run-k3", "voucher_id": v["id"], "bill_no": "B-3", "amount": "0.03"}]
    first = ok(provider.call("POST", "/api/v1/settlement-runs", {"settlements": bills},
                             headers={"Idempotency-Key": "run-1"}), 200)
    r = first["results"]
    expect([x["index"] for x in r] == [0, 1, 2, 3], f"in order: {r}")
    expect([x["status"] for x in r] == [201, 404, 200, 201], f"statuses: {r}")
    expect((r[0]["settlement"]["deduction"], r[0]["settlement"]["customer_pays"]) ==
           ("500.00", "500.01"), f"500.005 rounds down to the fen: {r[0]}")
    expect(r[1]["problem"]["code"] == 204 and r[1]["problem"]["title"] == "not_found",
           f"an unknown voucher is refused on its own: {r[1]}")
    expect(r[2]["settlement"]["id"] == alone["id"] and r[2]["settlement"]["duplicate"] is True,
           f"a bill posted alone before is a replay: {r[2]}")
    expect(r[3]["settlement"]["deduction"] == "0.01", f"0.015 rounds down: {r[3]}")
    expect((first["settled"], first["replayed"], first["refused"]) == (2, 1, 1), f"counts: {first}")

    # The run sent again (a lost answer), under its key or another: every bill's first answer,
    # as a replay (200), as a single settlement's retry is; nothing deducted twice.
    for run_key in ("run-1", "run-2"):
        resent = ok(provider.call("POST", "/api/v1/settlement-runs", {"settlements": bills},
                                  headers={"Idempotency-Key": run_key}), 200)
        expect([x["status"] for x in resent["results"]] == [200, 404, 200, 200], f"{resent}")
        expect([x.get("settlement", {}).get("id") for x in resent["results"]] ==
               [x.get("settlement", {}).get("id") for x in r], f"the first settlements: {resent}")
        expect((resent["settled"], resent["replayed"], resent["refused"]) == (0, 3, 1),
               f"counts: {resent}")
    voucher = ok(app.call("GET", f"/api/v1/vouchers/{v['id']}"))
    expect(voucher["used"] == "505.01", f"5.00 + 500.00 + 0.01, once each: {voucher}")
    deductions = ok(app.call("GET", f"/api/v1/vouchers/{v['id']}/deductions"))["items"]
    expect([d["bill_no"] for d in deductions] == ["B-0", "B-1", "B-3"], f"{deductions}")

    # The whole run is refused, naming the bill, when one bill is malformed.
    problem(provider.call("POST", "/api/v1/settlement-runs",
                          {"settlements": [bills[0], dict(bills[3], amount=1)]},
                          headers={"Idempotency-Key": "run-3"}), 422, "wrong_type")


if __name__ == "__main__":
    main()
