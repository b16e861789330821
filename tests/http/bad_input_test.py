#!/usr/bin/env python3
"""Each class of bad input gets a clear problem+json error and changes nothing: the test takes a
snapshot of the platform's state (vouchers, the pool, applications, contracts, organisations,
claims, the audit log's length) before and after every bad request and requires them equal.

Usage: bad_input_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import (PDF, contract_and_voucher, expect, ok, problem,  # noqa: E402
                               qualify, register, resident_id, set_clock, settle, uscc)
from suanli_client import Client, login, run_test  # noqa: E402


def snapshot(officer, auditor):
    def get(c, path):
        status, data = c.call("GET", path)
        expect(status == 200, f"snapshot {path}: {status} {data}")
        return data
    return {
        "vouchers": get(officer, "/api/v1/vouchers?limit=200"),
        "pool": get(officer, "/api/v1/programs/chengdu-2024/pool"),
        "applications": get(officer, "/api/v1/applications?limit=200"),
        "contracts": get(officer, "/api/v1/contracts?limit=200"),
        "orgs": get(officer, "/api/v1/orgs?limit=200"),
        "claims": get(officer, "/api/v1/claims?limit=200"),
        "audit": len(get(auditor, "/api/v1/audit?limit=1000")["items"]),
    }


def main():
    run_test(lambda server, _: run(server))
    print("bad input: ok")


def run(server):
    admin, officer, auditor = login(server, "admin"), login(server, "officer"), login(server, "auditor")
    users = {u["username"]: u for u in ok(admin.call("GET", "/api/v1/users"))["items"]}
    providers = {p["name"]: p for p in ok(admin.call("GET", "/api/v1/providers"))["items"]}
    ai = providers["成都智算中心"]
    provider = Client(server)
    provider.api_key = ok(admin.call("POST", f"/api/v1/users/{users['op-ai']['id']}/api-keys"))["api_key"]
    org, app = register(server, "91510100MA6BAD001", "成都丙科技有限公司", "gamma-admin")
    qualify(app, officer, org["id"])
    contract, v = contract_and_voucher(app, officer, org["id"], ai["id"], "BAD-001",
                                       "2000000.00", "1000000.00")
    first_settlement = ok(settle(provider, v["id"], "S-1", "100.00", "s-1"))
    other_provider = login(server, "op-hpc")
    good_contract = {"org_id": org["id"], "provider_id": ai["id"], "contract_no": "BAD-002",
                     "amount": "100000.00", "signed_on": "2024-03-10", "start_on": "2024-03-10",
                     "end_on": "2024-11-30", "resource_class": "intelligent_compute"}
    good_org = {"uscc": uscc("91510100MA6BAD002"), "name": "成都丁科技有限公司",
                "type": "enterprise", "region": "成都", "industry": "ai", "legal_rep_name": "丁",
                "legal_rep_id": resident_id("51010719900101123"), "admin_username": "delta-admin",
                "admin_password": "pass-delta-admin"}

    # A major project's evidence is the organisation's own project_evidence document: another
    # organisation's (the demo university's) and a document of another kind are on hand.
    uni = login(server, "uni-applicant")
    others_evidence = ok(uni.call(
        "POST", f"/api/v1/orgs/{uni.user['org_id']}/documents?kind=project_evidence&filename=p.pdf",
        PDF))
    own_licence = ok(app.call(
        "POST", f"/api/v1/orgs/{org['id']}/documents?kind=business_licence&filename=b.pdf", PDF))
    # A scanned document of a few MiB is accepted (the server once refused every body over 1 MiB,
    # below the 10 MiB a document may be).
    scan = ok(app.call("POST", f"/api/v1/orgs/{org['id']}/documents?kind=credit_report&filename=s.pdf",
                       PDF + b"0" * (3 << 20)))
    expect(scan["size_bytes"] > 3 << 20, f"{scan}")
    major = dict(good_contract, contract_no="BAD-MP", project_level="national",
                 project_name="大模型训练平台")
    # Two settlements to correct; the first is reversed under the key rev-1.
    s_a = ok(settle(provider, v["id"], "S-R1", "50.00", "s-r1"))
    s_b = ok(settle(provider, v["id"], "S-R2", "50.00", "s-r2"))
    reversal = {"reason": "billed twice"}
    ok(provider.call("POST", f"/api/v1/settlements/{s_a['id']}/reversal", reversal,
                     headers={"Idempotency-Key": "rev-1"}))

    def reverse_b(key):
        return provider.call("POST", f"/api/v1/settlements/{s_b['id']}/reversal", reversal,
                             headers={"Idempotency-Key": key})

    def run_of(*bills):
        return provider.call("POST", "/api/v1/settlement-runs", {"settlements": list(bills)},
                             idem=True)
    good_bill = {"idempotency_key": "run-ok", "voucher_id": v["id"], "bill_no": "R-OK",
                 "amount": "10.00"}

    def payout(quarter):
        return officer.call("POST", "/api/v1/payout-batches",
                            {"program_id": "chengdu-2024", "quarter": quarter}, idem=True)

    cases = [
        ("malformed JSON", lambda: app.raw("POST", "/api/v1/contracts", "{\"org_id\": 1,")[:2],
         422, "parse_error"),
        ("wrong type: money as a number", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, amount=100000)), 422, "wrong_type"),
        ("wrong type: id as a string", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, org_id="1")), 422, "wrong_type"),
        ("unknown field", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, discount="0.5")), 422, "unknown_field"),
        ("missing field", lambda: app.call(
            "POST", "/api/v1/contracts", {k: v for k, v in good_contract.items() if k != "amount"}),
         422, "missing_field"),
        ("huge body", lambda: announced_only(server, "/api/v1/contracts", 11 << 20),
         413, "body_too_large"),
        ("a JSON body over 1 MiB", lambda: app.raw("POST", "/api/v1/contracts",
                                                  "x" * (2 << 20))[:2], 413, "too_large"),
        ("negative amount", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, amount="-5.00")), 422, "negative_amount"),
        ("overflowing amount", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, amount="99999999999999999999.00")),
         422, "overflow"),
        ("three decimals", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, amount="10.001")), 422, "parse_error"),
        ("impossible date", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, signed_on="2024-02-30")),
         422, "invalid_date"),
        ("term ends before it starts", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, end_on="2024-03-01")),
         422, "contradiction"),
        ("invalid USCC", lambda: Client(server).call(
            "POST", "/api/v1/orgs", dict(good_org, uscc=good_org["uscc"][:-1] + "0"
                                         if good_org["uscc"][-1] != "0" else good_org["uscc"][:-1] + "1")),
         422, "invalid_code"),
        ("invalid resident ID", lambda: Client(server).call(
            "POST", "/api/v1/orgs", dict(good_org, legal_rep_id="510107199001011230")),
         422, "invalid_code"),
        ("negative bill", lambda: settle(provider, v["id"], "S-2", "-100.00", "s-2"),
         422, "negative_amount"),
        ("overflowing bill", lambda: settle(provider, v["id"], "S-2", "92233720368547758.08", "s-2"),
         422, "overflow"),
        ("settlement without an Idempotency-Key", lambda: provider.call(
            "POST", "/api/v1/settlements", {"voucher_id": v["id"], "bill_no": "S-2",
                                            "amount": "10.00"}), 422, "missing_field"),
        ("reused Idempotency-Key, other content", lambda: settle(
            provider, v["id"], "S-1", "100.02", "s-1"), 409, "idempotency_conflict"),
        ("reused Idempotency-Key, same amount, other bill_no", lambda: settle(
            provider, v["id"], "S-OTHER", "100.00", "s-1"), 409, "idempotency_conflict"),
        ("a reversal with a 5,000-byte reason", lambda: provider.call(
            "POST", "/api/v1/settlements/%d/reversal" % first_settlement["id"],
            {"reason": "r" * 5000}, idem=True), 422, "out_of_range"),
        ("a voucher of another provider's contract", lambda: settle(
            other_provider, v["id"], "S-2", "10.00", "s-2"), 403, "forbidden"),
        ("a role that may not settle", lambda: app.call(
            "POST", "/api/v1/settlements", {"voucher_id": v["id"], "bill_no": "S-2",
                                            "amount": "10.00"}, idem=True), 403, "forbidden"),
        ("a role that may not approve", lambda: app.call(
            "POST", "/api/v1/applications/1/decision", {"decision": "approve"}, idem=True),
         403, "forbidden"),
        ("no CSRF token", lambda: app.raw("POST", "/api/v1/contracts", good_contract,
                                          {"X-CSRF-Token": "wrong"})[:2], 403, "forbidden"),
        ("not signed in", lambda: Client(server).call("POST", "/api/v1/contracts", good_contract),
         401, "unauthenticated"),
        ("over the organisation's yearly cap", lambda: apply_new(app, good_contract, "BAD-003"),
         422, "not_eligible"),
        ("signed before the program year", lambda: apply_new(
            app, dict(good_contract, signed_on="2023-12-20", start_on="2023-12-20"), "BAD-004"),
         422, "not_eligible"),
        ("a major project citing another organisation's evidence", lambda: app.call(
            "POST", "/api/v1/contracts", dict(major, evidence_document_id=others_evidence["id"])),
         403, "forbidden", "evidence_document_id"),
        ("a major project citing a business licence as its evidence", lambda: app.call(
            "POST", "/api/v1/contracts", dict(major, evidence_document_id=own_licence["id"])),
         422, "out_of_range", "evidence_document_id"),
        ("a major project citing no document", lambda: app.call(
            "POST", "/api/v1/contracts", dict(major, evidence_document_id=999999)),
         404, "not_found", "evidence_document_id"),
        ("an unknown resource class", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, resource_class="quantum")),
         422, "out_of_range", "resource_class"),
        ("a contract fee above the largest amount", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, amount="9000000000000000.00")),
         422, "overflow", "amount"),
        ("a 201-byte project name", lambda: app.call(
            "POST", "/api/v1/contracts", dict(good_contract, project_name="p" * 201)),
         422, "out_of_range", "project_name"),
        ("a document rejected with a 5,000-byte reason", lambda: officer.call(
            "POST", f"/api/v1/documents/{own_licence['id']}/review",
            {"decision": "reject", "reason": "r" * 5000}), 422, "out_of_range", "reason"),
        ("a payout batch for no quarter", lambda: payout("abcdQz"), 422, "parse_error", "quarter"),
        ("a payout batch for quarter 9", lambda: payout("2024Q9"), 422, "parse_error", "quarter"),
        ("a payout batch for a quarter not over", lambda: payout("2099Q1"),
         409, "state_conflict", "quarter"),
        ("an Idempotency-Key reused on another settlement's reversal", lambda: reverse_b("rev-1"),
         409, "idempotency_conflict", "Idempotency-Key"),
        ("a 41-character Idempotency-Key", lambda: reverse_b("k" * 41),
         422, "out_of_range", "Idempotency-Key"),
        ("an Idempotency-Key with a space", lambda: reverse_b("rev 2"),
         422, "parse_error", "Idempotency-Key"),
        # A settlement run with one malformed bill settles none of them, the good one included.
        ("a settlement run with money as a number", lambda: run_of(
            good_bill, dict(good_bill, idempotency_key="run-2", amount=10)),
         422, "wrong_type", "settlements[1].amount"),
        ("a settlement run with an unknown field in a bill", lambda: run_of(
            dict(good_bill, note="x")), 422, "unknown_field", "settlements[0].note"),
        ("a settlement run with a bill missing its key", lambda: run_of(
            {k: x for k, x in good_bill.items() if k != "idempotency_key"}),
         422, "missing_field", "settlements[0].idempotency_key"),
        ("an empty settlement run", lambda: run_of(), 422, "missing_field", "settlements"),
        ("a settlement run of 1,001 bills", lambda: run_of(
            *[dict(good_bill, idempotency_key=f"run-{i}") for i in range(1001)]),
         422, "out_of_range", "settlements"),
        ("a settlement run by a role that may not settle", lambda: app.call(
            "POST", "/api/v1/settlement-runs", {"settlements": [good_bill]}, idem=True),
         403, "forbidden"),
    ]
    # The contracts of the refused applications are filed first: filing them is not the bad step.
    contract_id(app, good_contract, "BAD-003")
    contract_id(app, dict(good_contract, signed_on="2023-12-20", start_on="2023-12-20"), "BAD-004")
    contract_id(app, good_contract, "BAD-005")
    for name, request, status, code, *field in cases:
        before = snapshot(officer, auditor)
        data = problem(request(), status, code)
        expect(data.get("detail"), f"{name}: a reason is given")
        expect(not field or data.get("field") == field[0],
               f"{name}: on the field {field}, not {data.get('field')}")
        after = snapshot(officer, auditor)
        changed = [k for k in before if before[k] != after[k]]
        expect(not changed, f"{name}: state changed: {changed}")
        print(f"  {name}: {status} {code}, state unchanged")

    concurrent_key_reuse(server, provider, v["id"])

    # Out of the window and expired: move the clock.
    set_clock(admin, "2024-11-30T12:00:00+08:00")
    before = snapshot(officer, auditor)
    problem(apply_new(app, dict(good_contract, contract_no="x"), "BAD-005"), 422, "not_eligible")
    expect(before == snapshot(officer, auditor), "after the window: nothing changed")
    set_clock(admin, "2024-12-01T00:00:00+08:00")
    before = snapshot(officer, auditor)
    problem(settle(provider, v["id"], "S-9", "10.00", "s-9"), 409, "expired")
    expect(before == snapshot(officer, auditor), "after expiry: nothing changed")
    print("  after the application window, after expiry: refused, state unchanged")


def announced_only(server, path, length):
    """A POST announcing a body of `length` bytes and sending none: the server answers from the
    head alone (a client that wrote 11 MiB would find the socket closed under it)."""
    import http.client
    import json
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data)


def concurrent_key_reuse(server, provider, voucher_id):
    """One Idempotency-Key on two different requests sent at the same moment: one takes
    effect, the other is 409 idempotency_conflict. (The replay memo was checked before the
    handler ran and filled after it, so both could run: 4 pairs in 10 here.)"""
    pairs = 8
    bills = [ok(settle(provider, voucher_id, f"S-RACE-{i}", "10.00", f"s-race-{i}"))
             for i in range(2 * pairs)]
    for p in range(pairs):
        a, b = bills[2 * p], bills[2 * p + 1]
        start = threading.Barrier(2)
        answers = {}

        def reverse(settlement):
            client = Client(server)
            client.api_key = provider.api_key
            start.wait()
            answers[settlement["id"]] = client.call(
                "POST", f"/api/v1/settlements/{settlement['id']}/reversal",
                {"reason": "billed twice"}, headers={"Idempotency-Key": f"race-{p}"})

        threads = [threading.Thread(target=reverse, args=(s,)) for s in (a, b)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        statuses = sorted(status for status, _ in answers.values())
        expect(statuses == [200, 409], f"pair {p}: {answers}")
        refused = next(data for status, data in answers.values() if status == 409)
        expect(refused["type"].endswith("/idempotency_conflict"), f"pair {p}: {refused}")
    print(f"  one Idempotency-Key on two requests at once, {pairs} times: one ran, one 409")


def apply_new(app, contract, number):
    """Files a contract and applies. A refused application leaves its contract filed, which is
    the applicant's record, not a half-done step; the snapshot compares the money and the
    applications, so the helper files the contract outside the measured request."""
    return app.call("POST", "/api/v1/applications",
                    {"program_id": "chengdu-2024", "contract_id": contract_id(app, contract, number)})


_filed = {}


def contract_id(app, contract, number):
    if number not in _filed:
        c = dict(contract, contract_no=number)
        _filed[number] = ok(app.call("POST", "/api/v1/contracts", c))["id"]
    return _filed[number]


if __name__ == "__main__":
    main()
