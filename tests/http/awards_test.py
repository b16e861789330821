#!/usr/bin/env python3
"""Pay first, subsidy after, over HTTP: a Yangzhou firm records what it paid on its contract
(with the payment receipt it uploaded), applies, and the officer's approval makes an award of
30 % of the actual payment (seed 002), not a voucher; the officer records the bank transfer
(Idempotency-Key; the same reference again is the same payout, another 409); the pool report
counts it, and the quarter and industry reports show it apart from the voucher figures. Bad
payments are refused with problem+json and change nothing; every route checks its roles.

Usage: awards_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import PDF, expect, ok, problem, qualified_org  # noqa: E402
from suanli_client import login, resident_id, run_test, uscc  # noqa: E402


def main():
    run_test(lambda server, _: run(server))
    print("awards: ok")


def register_yangzhou_firm(server, officer):
    return qualified_org(server, officer, {
        "uscc": uscc("91321000MA1YA0001"), "name": "扬州示例智能科技有限公司", "type": "enterprise",
        "region": "扬州", "industry": "artificial_intelligence", "legal_rep_name": "王扬州",
        "legal_rep_id": resident_id("32100219800101123"), "prior_year_revenue": "5000000.00",
        "admin_username": "yz-admin", "admin_password": "pass-yz-admin"})

def receipt(app, org_id, n):
    return ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind=payment_receipt&filename=r{n}.pdf",
                       PDF + str(n).encode()))["id"]


def run(server):
    admin, officer, auditor = login(server, "admin"), login(server, "officer"), login(server, "auditor")
    demo, provider = login(server, "demo-applicant"), login(server, "op-ai")
    prov = ok(admin.call("POST", "/api/v1/providers", {
        "name": "扬州运河算力服务有限公司", "uscc": uscc("91321000MA1YB0002"), "region": "扬州"}))
    ok(officer.call("POST", f"/api/v1/providers/{prov['id']}/tags", {"tag": "yangzhou_canal_platform"}))
    app, org_id = register_yangzhou_firm(server, officer)
    contract = ok(app.call("POST", "/api/v1/contracts", {
        "org_id": org_id, "provider_id": prov["id"], "contract_no": "YZ-1", "amount": "5000000.00",
        "signed_on": "2024-03-01", "start_on": "2024-03-01", "end_on": "2024-12-31",
        "resource_class": "intelligent_compute"}))
    cid = contract["id"]
    expect(contract["paid"] == "0.00", f"{contract}")
    # Nothing paid yet: the application is refused (base_missing) and nothing recorded.
    refused = problem(app.call("POST", "/api/v1/applications",
                               {"program_id": "yangzhou", "contract_id": cid}), 422, "not_eligible")
    expect("base_missing" in refused["detail"], f"{refused}")

    r1 = receipt(app, org_id, 1)
    pay_path = f"/api/v1/contracts/{cid}/payments"
    bad = [({"amount": "-1.00", "paid_on": "2024-03-10", "document_id": r1}, 422, "negative_amount"),
           ({"amount": "0.00", "paid_on": "2024-03-10", "document_id": r1}, 422, "out_of_range"),
           ({"amount": "5000000.01", "paid_on": "2024-03-10", "document_id": r1}, 409, "exceeds_limit"),
           ({"amount": "1.00", "paid_on": "2024-03-16", "document_id": r1}, 422, "out_of_range"),
           ({"amount": "1.00", "paid_on": "2024-02-28", "document_id": r1}, 422, "out_of_range"),
           ({"amount": "1.00", "paid_on": "2024-03-10", "document_id": 99999}, 404, "not_found"),
           ({"amount": 1, "paid_on": "2024-03-10", "document_id": r1}, 422, "wrong_type")]
    for body, status, name in bad:
        problem(app.call("POST", pay_path, body), status, name)
    theirs = ok(demo.call("POST", "/api/v1/orgs/1/documents?kind=payment_receipt&filename=x.pdf", PDF))
    problem(app.call("POST", pay_path, {"amount": "1.00", "paid_on": "2024-03-10",
                                        "document_id": theirs["id"]}), 403, "forbidden")
    problem(demo.call("POST", pay_path, {"amount": "1.00", "paid_on": "2024-03-10",
                                         "document_id": r1}), 403, "forbidden")
    problem(officer.call("POST", pay_path, {"amount": "1.00", "paid_on": "2024-03-10",
                                            "document_id": r1}), 403, "forbidden")
    expect(ok(app.call("GET", pay_path))["items"] == [], "nothing recorded by the refusals")

    p1 = ok(app.call("POST", pay_path, {"amount": "1000000.00", "paid_on": "2024-03-10", "document_id": r1}))
    again = ok(app.call("POST", pay_path, {"amount": "1000000.00", "paid_on": "2024-03-10", "document_id": r1}))
    expect(again["id"] == p1["id"], "the same payment again is that payment")
    problem(app.call("POST", pay_path, {"amount": "2.00", "paid_on": "2024-03-10", "document_id": r1}),
            409, "duplicate")
    ok(app.call("POST", pay_path, {"amount": "234567.89", "paid_on": "2024-03-15",
                                   "document_id": receipt(app, org_id, 2)}))
    payments = ok(officer.call("GET", pay_path))["items"]
    expect([p["amount"] for p in payments] == ["1000000.00", "234567.89"], f"{payments}")
    problem(demo.call("GET", pay_path), 403, "forbidden")
    listed = ok(app.call("GET", "/api/v1/contracts"))["items"]
    expect([c["paid"] for c in listed if c["id"] == cid] == ["1234567.89"], f"{listed}")

    a = ok(app.call("POST", "/api/v1/applications", {"program_id": "yangzhou", "contract_id": cid}))
    expect(a["quoted"] == "370370.36", f"30 % of 1,234,567.89 rounded down: {a['quoted']}")
    problem(app.call("POST", f"/api/v1/applications/{a['id']}/decision", {"decision": "approve"},
                     idem=True), 403, "forbidden")
    decided = ok(officer.call("POST", f"/api/v1/applications/{a['id']}/decision",
                              {"decision": "approve"}, idem=True))
    expect(decided["status"] == "approved" and decided["granted"] == "370370.36" and
           decided["voucher_id"] is None and isinstance(decided["award_id"], int), f"{decided}")
    seen = ok(app.call("GET", f"/api/v1/applications/{a['id']}"))
    expect(seen["award_id"] == decided["award_id"] and seen["granted"] == "370370.36", f"{seen}")
    problem(demo.call("GET", f"/api/v1/applications/{a['id']}"), 403, "forbidden")
    award_id = decided["award_id"]
    award = ok(app.call("GET", f"/api/v1/awards/{award_id}"))
    expect(award["amount"] == "370370.36" and award["status"] == "awarded" and
           award["contract_no"] == "YZ-1" and award["bank_reference"] is None, f"{award}")
    problem(demo.call("GET", f"/api/v1/awards/{award_id}"), 403, "forbidden")
    expect(ok(demo.call("GET", "/api/v1/awards"))["items"] == [], "another applicant sees none")
    expect([w["id"] for w in ok(app.call("GET", "/api/v1/awards"))["items"]] == [award_id], "own")
    expect([w["id"] for w in ok(auditor.call("GET", "/api/v1/awards?status=awarded"))["items"]] ==
           [award_id], "auditor")
    expect(ok(officer.call("GET", "/api/v1/awards?status=paid"))["items"] == [], "none paid yet")
    problem(provider.call("GET", "/api/v1/awards"), 403, "forbidden")
    problem(app.call("POST", pay_path, {"amount": "1.00", "paid_on": "2024-03-15",
                                        "document_id": receipt(app, org_id, 3)}), 409, "state_conflict")

    payout = f"/api/v1/awards/{award_id}/payout"
    problem(officer.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-1"}),
            422, "missing_field")  # no Idempotency-Key
    problem(app.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-1"}, idem=True),
            403, "forbidden")
    problem(officer.call("POST", payout, {"amount": "370370.35", "reference": "ICBC-1"}, idem=True),
            422, "contradiction")
    expect(ok(officer.call("GET", f"/api/v1/awards/{award_id}"))["status"] == "awarded", "unchanged")
    key = {"Idempotency-Key": "payout-award-1"}
    paid = ok(officer.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-1"}, headers=key))
    expect(paid["status"] == "paid" and paid["bank_reference"] == "ICBC-1" and paid["paid_at"], f"{paid}")
    expect(ok(officer.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-1"},
                           headers=key)) == paid, "a replay answers the first payout")
    expect(ok(officer.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-1"},
                           idem=True)) == paid, "the same reference under a new key too")
    problem(officer.call("POST", payout, {"amount": "370370.36", "reference": "ICBC-2"}, idem=True),
            409, "state_conflict")

    pool = ok(auditor.call("GET", "/api/v1/programs/yangzhou/pool"))
    expect(pool["awarded"] == "370370.36" and pool["issued"] == "370370.36" and
           pool["award_paid"] == "370370.36" and pool["redeemed"] == "370370.36", f"{pool}")
    # The reports keep the award apart from the voucher figures (all 0.00 here), by quarter and
    # by industry; the provider report has no award figures (an award pays the organisation).
    report = "/api/v1/programs/yangzhou/reports"
    by_industry = ok(auditor.call("GET", f"{report}?by=industry"))["items"]
    expect(by_industry == [{"group": "artificial_intelligence", "issued": "0.00", "used": "0.00",
                            "redeemed": "0.00", "lapsed": "0.00", "awarded": "370370.36",
                            "award_paid": "370370.36", "award_withdrawn": "0.00"}],
           f"{by_industry}")
    by_quarter = ok(auditor.call("GET", f"{report}?by=quarter"))["items"]
    expect(len(by_quarter) == 1 and by_quarter[0]["issued"] == "0.00" and
           by_quarter[0]["awarded"] == "370370.36" and by_quarter[0]["award_paid"] == "370370.36",
           f"{by_quarter}")
    expect(ok(auditor.call("GET", f"{report}?by=provider"))["items"] == [], "no provider rows")
    status, csv, _ = auditor.raw("GET", f"{report}?by=industry&format=csv")
    expect(status == 200 and csv == ("industry,issued,used,redeemed,lapsed,awarded,award_paid,"
                                     "award_withdrawn\r\nartificial_intelligence,0.00,0.00,0.00,"
                                     "0.00,370370.36,370370.36,0.00\r\n").encode(), csv)
    kinds = [n["kind"] for n in ok(app.call("GET", "/api/v1/notices"))["items"]]
    expect("award.granted" in kinds and "award.paid" in kinds, f"{kinds}")
    for action, count in (("contract.payment", 2), ("award.pay", 1)):
        entries = ok(auditor.call("GET", f"/api/v1/audit?action={action}"))["items"]
        expect(len(entries) == count, f"{action}: {entries}")
    # The award and its payout are ledger transfers with their outbox records, like any other.
    rec = ok(auditor.call("POST", "/api/v1/audit/reconcile"))
    expect(rec["ok"] and rec["moves_waiting"] == 0 and rec["moves_checked"] >= 2, f"reconcile: {rec}")


if __name__ == "__main__":
    main()
