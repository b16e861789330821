#!/usr/bin/env python3
"""Apply, then redeem, over HTTP: Beijing's 人工智能算力券 (programs/beijing.toml, mode
apply_then_redeem). A Beijing software firm qualifies, files a 1,000,000.00 contract with a
compute partner (a provider tagged beijing_compute_partner) and is granted a voucher of 20 % of
the fee, 200,000.00, which the provider may not deduct from: the organisation redeems it with an
invoice and a delivery proof, for floor(20 % × invoiced) at most what is left, held from the
voucher at once; the officer pays it (the whole amount, once) or refuses it (the hold goes
back). Every money-moving POST needs an Idempotency-Key and a replay answers the first (a
redemption's with 200 and duplicate: true); every refusal is problem+json and changes nothing;
another organisation sees none of it; the ledger reconciles and the pool report counts what was
paid — with no funded or remaining figure, since Beijing has no yearly pool, not even after a
fraud finding returns money to its funder. The voucher shows its rate ("0.20").

Usage: redemptions_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import PDF, expect, ok, problem, qualified_org  # noqa: E402
from suanli_client import Client, first_sign_in, login, resident_id, run_test, uscc  # noqa: E402,F401


def main():
    run_test(lambda server, _: run(server))
    print("redemptions: ok")


# ---- Figures, in integer fen -----------------------------------------------------------------

def fen(s):
    i, _, f = s.partition(".")
    return int(i) * 100 + int((f + "00")[:2])


def dec(f):
    return f"{f // 100}.{f % 100:02d}"


FEE = fen("1000000.00")
RATE_PERCENT = 20  # programs/beijing.toml [[grant.tiers]] rate = "20%"


def share(invoiced, left):
    """floor(20 % × invoiced) to the fen, at most what the voucher has left."""
    return min(invoiced * RATE_PERCENT // 100, left)


# ---- Setup through the API -------------------------------------------------------------------

def beijing_provider(admin, officer):
    prov = ok(admin.call("POST", "/api/v1/providers", {
        "name": "北京示例智算中心有限公司", "uscc": uscc("91110108MA1BJ0002"), "region": "北京"}))
    ok(officer.call("POST", f"/api/v1/providers/{prov['id']}/tags", {"tag": "beijing_compute_partner"}))
    ok(admin.call("POST", "/api/v1/users", {
        "username": "bj-op", "display_name": "北京智算运营", "password": "pass-bj-op-2024",
        "role": "provider", "provider_id": prov["id"]}))
    # The admin chose the password: the operator changes it at its first sign-in.
    return prov["id"], first_sign_in(admin.server, "bj-op", "pass-bj-op-2024", "pass-bj-op-own")


def beijing_firm(server, officer):
    return qualified_org(server, officer, {
        "uscc": uscc("91110108MA1BJ0001"), "name": "北京示例智能软件有限公司", "type": "enterprise",
        "region": "北京", "industry": "software_it_service", "legal_rep_name": "李北京",
        "legal_rep_id": resident_id("11010819800101123"), "prior_year_revenue": "8000000.00",
        "admin_username": "bj-applicant", "admin_password": "pass-bj-applicant"})

def run(server):
    admin, officer, auditor = login(server, "admin"), login(server, "officer"), login(server, "auditor")
    demo = login(server, "demo-applicant")
    provider_id, bj_op = beijing_provider(admin, officer)
    app, org_id = beijing_firm(server, officer)
    contract = ok(app.call("POST", "/api/v1/contracts", {
        "org_id": org_id, "provider_id": provider_id, "contract_no": "BJ-2024-001",
        "amount": dec(FEE), "signed_on": "2024-03-01", "start_on": "2024-03-01",
        "end_on": "2025-02-28", "resource_class": "intelligent_compute"}))
    a = ok(app.call("POST", "/api/v1/applications", {"program_id": "beijing", "contract_id": contract["id"]}))
    grant = FEE * RATE_PERCENT // 100
    expect(a["quoted"] == dec(grant) == "200000.00", f"20 % of the fee: {a}")
    decided = ok(officer.call("POST", f"/api/v1/applications/{a['id']}/decision",
                              {"decision": "approve"}, idem=True))
    expect(decided["status"] == "approved" and decided["granted"] == "200000.00" and
           isinstance(decided["voucher_id"], int), f"{decided}")
    vid = decided["voucher_id"]

    def voucher():
        v = ok(app.call("GET", f"/api/v1/vouchers/{vid}"))
        return {k: v[k] for k in ("grant", "used", "held", "remaining", "redeemed_by", "status")}

    def expect_voucher(used, held, remaining, what):
        got = voucher()
        want = {"grant": dec(grant), "used": dec(used), "held": dec(held), "remaining": dec(remaining),
                "redeemed_by": "organisation", "status": "active"}
        expect(got == want, f"{what}: voucher {got}, expected {want}")

    def redemptions():
        return ok(app.call("GET", f"/api/v1/redemptions?voucher_id={vid}"))["items"]

    expect_voucher(0, 0, grant, "as issued")
    v = ok(app.call("GET", f"/api/v1/vouchers/{vid}"))
    expect(v["provider_id"] == provider_id and v["program_id"] == "beijing", f"{v}")
    # The share of each invoice it redeems, as a decimal fraction a client previews with.
    expect(v["rate"] == "0.20", f"the voucher's rate: {v}")

    # The provider draws nothing at settlement: the organisation redeems this voucher.
    refused = problem(bj_op.call("POST", "/api/v1/settlements",
                                 {"voucher_id": vid, "bill_no": "BJ-BILL-1", "amount": "100000.00"},
                                 idem=True), 409, "state_conflict")
    expect(refused.get("field") == "voucher_id" and "redeemed by the organisation" in refused["detail"],
           f"{refused}")
    expect(ok(app.call("GET", f"/api/v1/vouchers/{vid}/deductions"))["items"] == [], "no deduction")
    expect_voucher(0, 0, grant, "after the provider's refused settlement")

    def doc(kind, n):
        return ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind={kind}&filename={kind}-{n}.pdf",
                           PDF + f"{kind} {n}".encode()))["id"]

    inv1, proof1 = doc("invoice", 1), doc("proof_of_service", 1)
    path = f"/api/v1/vouchers/{vid}/redemptions"
    body1 = {"invoice_no": "FP-2024-001", "invoiced": "600000.00",
             "invoice_document_id": inv1, "proof_document_id": proof1}

    # Money-moving: no Idempotency-Key, no redemption.
    missing = problem(app.call("POST", path, body1), 422, "missing_field")
    expect(missing.get("field") == "Idempotency-Key", f"{missing}")
    expect(redemptions() == [], "nothing redeemed without a key")
    expect_voucher(0, 0, grant, "after the request without a key")

    # 600,000.00 invoiced → 20 % = 120,000.00, held at once.
    left = grant
    amount1 = share(fen("600000.00"), left)
    expect(amount1 == fen("120000.00"), "the figure this test expects")
    key1 = {"Idempotency-Key": "redeem-bj-fp-2024-001"}
    status, r1 = app.call("POST", path, body1, headers=key1)
    expect(status == 201 and r1["duplicate"] is False, f"{status} {r1}")
    expect((r1["status"], r1["amount"], r1["invoiced"], r1["rate"], r1["voucher_id"], r1["org_id"],
            r1["program_id"], r1["contract_no"], r1["invoice_no"], r1["invoice_document_id"],
            r1["proof_document_id"], r1["bank_reference"], r1["decided_at"]) ==
           ("submitted", dec(amount1), "600000.00", "0.20", vid, org_id, "beijing", "BJ-2024-001",
            "FP-2024-001", inv1, proof1, "", None), f"{r1}")
    left -= amount1
    held = amount1
    expect_voucher(0, held, left, "after redeeming 600,000.00")
    # The same request under the same key answers the first redemption as a replay (200,
    # duplicate: true, as a settlement's retry), and redeems nothing more.
    status, again = app.call("POST", path, body1, headers=key1)
    expect(status == 200 and again == dict(r1, duplicate=True),
           f"a replay answers the first: {status} {again}")
    # So does the same invoice with the same figures under a new key (a retry after a lost
    # answer, or after a restart forgot the key): the step itself finds the first.
    status, again = app.call("POST", path, body1, idem=True)
    expect(status == 200 and again == dict(r1, duplicate=True),
           f"the same invoice again answers the first: {status} {again}")
    # The same key for another request is a conflict.
    problem(app.call("POST", path, dict(body1, invoiced="500000.00"), headers=key1), 409,
            "idempotency_conflict")
    expect([r["id"] for r in redemptions()] == [r1["id"]], f"one redemption: {redemptions()}")
    expect_voucher(0, held, left, "after the replay")
    read = ok(app.call("GET", f"/api/v1/redemptions/{r1['id']}"))
    expect(dict(read, duplicate=False) == r1 and "duplicate" not in read, f"read back as answered: {read}")

    # Refusals, each changing nothing.
    def refused_unchanged(body, status_code, name, field, what):
        p = problem(app.call("POST", path, body, idem=True), status_code, name)
        expect(p.get("field") == field, f"{what}: field {p.get('field')!r}, expected {field!r}: {p}")
        expect([r["id"] for r in redemptions()] == ids, f"{what}: {redemptions()}")
        expect_voucher(used, held, left, what)
        return p

    ids, used = [r1["id"]], 0
    inv2, proof2 = doc("invoice", 2), doc("proof_of_service", 2)
    # A delivery proof where the invoice goes (and an invoice where the proof goes): 422.
    refused_unchanged({"invoice_no": "FP-2024-002", "invoiced": "100000.00",
                       "invoice_document_id": proof2, "proof_document_id": proof2},
                      422, "out_of_range", "invoice_document_id", "wrong-kind invoice document")
    refused_unchanged({"invoice_no": "FP-2024-002", "invoiced": "100000.00",
                       "invoice_document_id": inv2, "proof_document_id": inv2},
                      422, "out_of_range", "proof_document_id", "wrong-kind proof document")
    # Invoices on the contract above its fee: 600,000.00 + 400,000.01 > 1,000,000.00.
    over = refused_unchanged({"invoice_no": "FP-2024-002", "invoiced": "400000.01",
                              "invoice_document_id": inv2, "proof_document_id": proof2},
                             409, "exceeds_limit", "invoiced", "invoices above the fee")
    expect("1,000,000.00" in over["detail"] or "1000000.00" in over["detail"], f"{over}")
    # The same invoice number with other figures is a second claim on one invoice.
    refused_unchanged(dict(body1, invoiced="500000.00"), 409, "duplicate", "invoice_no",
                      "the same invoice number again")
    # The same invoice document cited by another invoice number.
    refused_unchanged({"invoice_no": "FP-2024-002", "invoiced": "100000.00",
                       "invoice_document_id": inv1, "proof_document_id": proof2},
                      409, "duplicate", "invoice_document_id", "the same invoice document again")
    # Another organisation's applicant, and the officer, may not redeem it.
    p = problem(demo.call("POST", path, {"invoice_no": "FP-X", "invoiced": "100.00",
                                         "invoice_document_id": inv2, "proof_document_id": proof2},
                          idem=True), 403, "forbidden")
    problem(officer.call("POST", path, {"invoice_no": "FP-X", "invoiced": "100.00",
                                        "invoice_document_id": inv2, "proof_document_id": proof2},
                         idem=True), 403, "forbidden")
    expect_voucher(used, held, left, "after the others' attempts")

    # The payout: the whole amount, once, under a key.
    payout = f"/api/v1/redemptions/{r1['id']}/payout"
    problem(officer.call("POST", payout, {"amount": dec(amount1), "reference": "BOB-2024-0001"}),
            422, "missing_field")
    wrong = problem(officer.call("POST", payout, {"amount": dec(amount1 - fen("20000.00")),
                                                  "reference": "BOB-2024-0001"}, idem=True),
                    422, "contradiction")
    expect(wrong.get("field") == "amount", f"{wrong}")
    problem(app.call("POST", payout, {"amount": dec(amount1), "reference": "BOB-2024-0001"}, idem=True),
            403, "forbidden")
    expect(ok(officer.call("GET", f"/api/v1/redemptions/{r1['id']}"))["status"] == "submitted", "unpaid")
    expect_voucher(0, held, left, "after the refused payouts")
    pay_key = {"Idempotency-Key": "pay-redemption-1"}
    status, paid = officer.call("POST", payout, {"amount": dec(amount1), "reference": "BOB-2024-0001"},
                                headers=pay_key)
    expect(status == 200 and paid["status"] == "paid" and paid["bank_reference"] == "BOB-2024-0001" and
           paid["amount"] == dec(amount1) and paid["decided_at"], f"{status} {paid}")
    expect(ok(officer.call("POST", payout, {"amount": dec(amount1), "reference": "BOB-2024-0001"},
                           headers=pay_key)) == paid, "a replayed payout answers the first")
    problem(officer.call("POST", payout, {"amount": dec(amount1), "reference": "BOB-2024-0002"}, idem=True),
            409, "state_conflict")
    used, held = amount1, 0
    expect_voucher(used, held, left, "after the payout")

    # A second redemption, refused by the officer: its hold goes back to the voucher.
    invoiced2 = fen("100000.00")
    amount2 = share(invoiced2, left)
    expect(amount2 == fen("20000.00"), "the figure this test expects")
    r2 = ok(app.call("POST", path, {"invoice_no": "FP-2024-002", "invoiced": dec(invoiced2),
                                    "invoice_document_id": inv2, "proof_document_id": proof2}, idem=True), 201)
    expect((r2["status"], r2["amount"], r2["rate"]) == ("submitted", dec(amount2), "0.20"), f"{r2}")
    expect_voucher(used, amount2, left - amount2, "while the second is held")
    refusal = f"/api/v1/redemptions/{r2['id']}/refusal"
    problem(officer.call("POST", refusal, {"reasons": "发票与服务证明不符"}), 422, "missing_field")
    problem(officer.call("POST", refusal, {"reasons": ""}, idem=True), 422, "missing_field")
    problem(app.call("POST", refusal, {"reasons": "发票与服务证明不符"}, idem=True), 403, "forbidden")
    expect_voucher(used, amount2, left - amount2, "after the refused refusals")
    no = ok(officer.call("POST", refusal, {"reasons": "发票与服务证明不符"}, idem=True))
    expect((no["status"], no["reasons"], no["bank_reference"]) == ("refused", "发票与服务证明不符", "") and
           no["decided_at"], f"{no}")
    problem(officer.call("POST", f"/api/v1/redemptions/{r2['id']}/payout",
                         {"amount": dec(amount2), "reference": "BOB-X"}, idem=True), 409, "state_conflict")
    expect_voucher(used, 0, left, "the refused hold is back")
    listed = redemptions()
    expect([(r["id"], r["status"], r["amount"]) for r in listed] ==
           [(r1["id"], "paid", dec(amount1)), (r2["id"], "refused", dec(amount2))], f"{listed}")
    expect([r["id"] for r in ok(officer.call("GET", "/api/v1/redemptions?status=paid"))["items"]] ==
           [r1["id"]], "the officer's paid filter")
    expect([r["id"] for r in ok(auditor.call("GET", "/api/v1/redemptions?status=refused"))["items"]] ==
           [r2["id"]], "the auditor's refused filter")
    expect(ok(officer.call("GET", "/api/v1/redemptions?status=submitted"))["items"] == [], "none waiting")

    # Another organisation sees none of it; a provider reads no redemption.
    problem(demo.call("GET", f"/api/v1/redemptions/{r1['id']}"), 403, "forbidden")
    expect(ok(demo.call("GET", "/api/v1/redemptions"))["items"] == [], "another applicant sees none")
    expect(ok(demo.call("GET", f"/api/v1/redemptions?voucher_id={vid}"))["items"] == [],
           "not even by the voucher's id")
    problem(bj_op.call("GET", "/api/v1/redemptions"), 403, "forbidden")

    # Audited once each (the replays are not recorded again), reconciled with the ledger.
    for action, count in (("redemption.submit", 2), ("redemption.pay", 1), ("redemption.refuse", 1)):
        entries = ok(auditor.call("GET", f"/api/v1/audit?action={action}"))["items"]
        expect(len(entries) == count, f"{action}: {len(entries)} entries, expected {count}: {entries}")
    kinds = [n["kind"] for n in ok(app.call("GET", "/api/v1/notices"))["items"]]
    for k in ("redemption.submitted", "redemption.paid", "redemption.refused"):
        expect(k in kinds, f"notice {k}: {kinds}")
    rec = ok(auditor.call("POST", "/api/v1/audit/reconcile"))
    expect(rec["ok"] and rec["differences"] == [] and rec["moves_waiting"] == 0, f"reconcile: {rec}")

    pool = ok(auditor.call("GET", "/api/v1/programs/beijing/pool"))
    expect((pool["issued"], pool["used"], pool["redeemed"], pool["lapsed"]) ==
           (dec(grant), dec(used), dec(used), "0.00") and pool["redeemed"] == "120000.00", f"pool: {pool}")
    # Beijing states no yearly total: its grants are the funder's, so there is no pool to be
    # funded or to remain, and the report says so instead of showing figures of nothing.
    expect((pool["has_pool"], pool["funded"], pool["remaining"], pool["series"]) == (False, None, None, []),
           f"a program without a pool: {pool}")

    # A fraud finding claws back what is left (80,000.00) and owes what was paid (120,000.00):
    # back to the funder, not into a "remaining" of a pool Beijing does not have.
    ok(officer.call("POST", f"/api/v1/orgs/{org_id}/enforcement",
                    {"program_id": "beijing", "finding": "虚开发票"}, idem=True))
    pool = ok(auditor.call("GET", "/api/v1/programs/beijing/pool"))
    expect((pool["has_pool"], pool["remaining"], pool["funded"], pool["clawed_back"],
            pool["recovery_outstanding"]) == (False, None, None, dec(left), dec(used)),
           f"pool after the finding: {pool}")
    rec = ok(auditor.call("POST", "/api/v1/audit/reconcile"))
    expect(rec["ok"] and rec["differences"] == [] and rec["moves_waiting"] == 0, f"reconcile: {rec}")
    chengdu = ok(auditor.call("GET", "/api/v1/programs/chengdu-2024/pool"))
    expect(chengdu["has_pool"] is True and chengdu["funded"] == "10000000.00" and
           chengdu["remaining"] is not None, f"a program with a pool: {chengdu}")


if __name__ == "__main__":
    main()
