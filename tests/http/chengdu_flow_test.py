#!/usr/bin/env python3
"""The whole Chengdu 2024 flow through a real `suanli serve` over HTTP (issue 3's first "done
when"): register, qualify, contract, apply, approve, settle several bills (with a retry, a
reused key and a correction), expire, claim, review, pay out, claw back — every amount checked
against seed 000's rules to the fen: the voucher is 50 % of the contract fee (at least 10,000,
at most 1,000,000 per organisation a year) and pays 50 % of each bill, rounded down to the fen,
until it is used up or expires on 11-30 at 24:00. Then the audit chain is verified and a
tampered copy is caught by `suanli audit verify`.

Usage: chengdu_flow_test.py SUANLI_BINARY REPO_DIR"""
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from suanli_client import Client, first_sign_in, login, resident_id, run_test, uscc  # noqa: E402,F401

PDF = b"%PDF-1.4\n% test document\n"


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def ok(status_data, code=(200, 201)):
    status, data = status_data
    codes = code if isinstance(code, tuple) else (code,)
    expect(status in codes, f"expected {codes}, got {status}: {data}")
    return data


def problem(status_data, status, name):
    got, data = status_data
    expect(got == status and isinstance(data, dict) and data.get("type", "").endswith("/" + name),
           f"expected {status} {name}, got {got}: {data}")
    return data


def register(server, body17, name, username, org_type="enterprise", revenue="50000000.00"):
    anon = Client(server)
    org = ok(anon.call("POST", "/api/v1/orgs", {
        "uscc": uscc(body17), "name": name, "type": org_type, "region": "成都",
        "industry": "artificial_intelligence", "legal_rep_name": "测试",
        "legal_rep_id": resident_id("51010719850505123"), "prior_year_revenue": revenue,
        "admin_username": username, "admin_password": "pass-" + username}))
    expect(org["legal_rep_id"].startswith("5101") and "*" in org["legal_rep_id"],
           "the ID is shown masked")
    return org, login_as(server, username, "pass-" + username)


def qualified_org(server, officer, org):
    """Registers `org` (the body of POST /orgs, with its admin's username and password),
    approves its six qualification documents and its qualification; (applicant client, org id)."""
    ok(Client(server).call("POST", "/api/v1/orgs", org))
    app = Client(server).login(org["admin_username"], org["admin_password"])
    org_id = app.user["org_id"]
    for k in ["business_licence", "legal_rep_id_scan", "authenticity_pledge",
              "no_violation_pledge", "credit_report", "audit_report"]:
        d = ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind={k}&filename={k}.pdf", PDF))
        ok(officer.call("POST", f"/api/v1/documents/{d['id']}/review", {"decision": "approve"}))
    ok(app.call("POST", f"/api/v1/orgs/{org_id}/qualification/submit"))
    ok(officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision", {"decision": "approve"}))
    return app, org_id


def login_as(server, username, password):
    return Client(server).login(username, password)


def qualify(app, officer, org_id):
    kinds = ["business_licence", "legal_rep_id_scan", "authenticity_pledge",
             "no_violation_pledge", "credit_report", "audit_report"]
    docs = {}
    for k in kinds:
        docs[k] = ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind={k}&filename={k}.pdf",
                              PDF))
    # A file whose content is not PDF/PNG/JPEG is refused whatever its name says.
    problem(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind=credit_report&filename=x.pdf",
                     b"MZ\x90\x00 not a pdf"), 415, "unsupported_type")
    ok(app.call("POST", f"/api/v1/orgs/{org_id}/qualification/submit"))
    for k, d in docs.items():
        decision = {"decision": "reject", "reason": "扫描件不清晰"} if k == "credit_report" else \
                   {"decision": "approve"}
        ok(officer.call("POST", f"/api/v1/documents/{d['id']}/review", decision))
    # Approval needs every document approved; the applicant resubmits the rejected one.
    problem(officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision",
                         {"decision": "approve"}), 409, "state_conflict")
    ok(officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision",
                    {"decision": "refuse", "reason": "信用报告需重新上传"}))
    again = ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind=credit_report", PDF))
    ok(app.call("POST", f"/api/v1/orgs/{org_id}/qualification/submit"))
    ok(officer.call("POST", f"/api/v1/documents/{again['id']}/review", {"decision": "approve"}))
    org = ok(officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision",
                          {"decision": "approve"}))
    expect(org["qualification"] == "approved" and org["qualified_until"] == "2024-12-31",
           f"qualified for the program year: {org}")


def contract_and_voucher(app, officer, org_id, provider_id, no, fee, grant):
    c = ok(app.call("POST", "/api/v1/contracts", {
        "org_id": org_id, "provider_id": provider_id, "contract_no": no, "amount": fee,
        "signed_on": "2024-03-10", "start_on": "2024-03-10", "end_on": "2024-11-30",
        "resource_class": "intelligent_compute"}))
    a = ok(app.call("POST", "/api/v1/applications", {"program_id": "chengdu-2024",
                                                    "contract_id": c["id"]}))
    expect(a["quoted"] == grant, f"quote {a['quoted']} != {grant}")
    # One application per contract (seed 000 §四(二)).
    problem(app.call("POST", "/api/v1/applications", {"program_id": "chengdu-2024",
                                                     "contract_id": c["id"]}), 409, "duplicate")
    a = ok(officer.call("POST", f"/api/v1/applications/{a['id']}/decision",
                        {"decision": "approve"}, idem=True))
    expect(a["status"] == "approved" and a["granted"] == grant, f"approved: {a}")
    v = ok(app.call("GET", f"/api/v1/vouchers/{a['voucher_id']}"))
    expect(v["grant"] == grant and v["remaining"] == grant and v["used"] == "0.00", f"voucher {v}")
    expect(v["expires_at"] == "2024-12-01T00:00:00+08:00", f"valid through 11-30 24:00: {v}")
    # Its terms, fixed at issue: 50 % of each bill, down to the fen, under the program file's
    # first (and only) version.
    expect(v["rate"] == "0.50" and v["rounding"] == "down_fen" and v["program_version"] == 1,
           f"terms: {v}")
    return c, v


def check_program_versions(server):
    anon = Client(server)
    versions = ok(anon.call("GET", "/api/v1/programs/chengdu-2024/versions"))["items"]
    expect(len(versions) == 1 and versions[0]["version"] == 1 and versions[0]["in_force"]
           and len(versions[0]["sha256"]) == 64, f"one version, in force: {versions}")
    text = ok(anon.call("GET", "/api/v1/programs/chengdu-2024/versions/1"))
    expect('share = "50%"' in text["text"] and text["version"] == 1, "the file as loaded")
    problem(anon.call("GET", "/api/v1/programs/chengdu-2024/versions/2"), 404, "not_found")
    problem(anon.call("GET", "/api/v1/programs/chengdu-2024/versions/x"), 422, "parse_error")
    problem(anon.call("GET", "/api/v1/programs/nowhere/versions"), 404, "not_found")


def settle(provider, voucher_id, bill_no, amount, key):
    return provider.call("POST", "/api/v1/settlements",
                         {"voucher_id": voucher_id, "bill_no": bill_no, "amount": amount},
                         headers={"Idempotency-Key": key})


def set_clock(admin, when):
    ok(admin.call("POST", "/api/v1/admin/clock", {"now": when}))
    for c in admin.server.clients:
        c.relogin()


def main():
    run_test(run)
    print("chengdu flow: ok")


def run(server, suanli):
    admin, officer = login(server, "admin"), login(server, "officer")
    providers = ok(admin.call("GET", "/api/v1/providers"))["items"]
    ai = next(p for p in providers if p["name"] == "成都智算中心")
    users = {u["username"]: u for u in ok(admin.call("GET", "/api/v1/users"))["items"]}
    key = ok(admin.call("POST", f"/api/v1/users/{users['op-ai']['id']}/api-keys"))["api_key"]
    provider = Client(server)
    provider.api_key = key

    # Registration and qualification (seed 000 §四(一)).
    org_a, app_a = register(server, "91510100MA6TYT001", "成都甲智能科技有限公司", "alpha-admin")
    org_b, app_b = register(server, "91510100MA6TYT002", "成都乙数据有限公司", "beta-admin")
    problem(Client(server).call("POST", "/api/v1/orgs", {
        "uscc": "91510100MA6TYT0010", "name": "x", "type": "enterprise", "region": "成都",
        "industry": "x", "legal_rep_name": "x", "legal_rep_id": resident_id("51010719850505123"),
        "admin_username": "xx-admin", "admin_password": "pass-xx-admin"}), 422, "invalid_code")
    qualify(app_a, officer, org_a["id"])
    qualify(app_b, officer, org_b["id"])

    # Vouchers: 50 % of the fee (seed 000 §二). A: 300,000 → 150,000. B: 40,000 → 20,000.
    _, va = contract_and_voucher(app_a, officer, org_a["id"], ai["id"], "AI-2024-001",
                                 "300000.00", "150000.00")
    _, vb = contract_and_voucher(app_b, officer, org_b["id"], ai["id"], "AI-2024-002",
                                 "40000.00", "20000.00")
    check_program_versions(server)
    # Below the 10,000 floor's base (fee 19,999.98 → 9,999.99): refused with the clause.
    c_small = ok(app_b.call("POST", "/api/v1/contracts", {
        "org_id": org_b["id"], "provider_id": ai["id"], "contract_no": "AI-2024-003",
        "amount": "19999.98", "signed_on": "2024-03-10", "start_on": "2024-03-10",
        "end_on": "2024-11-30", "resource_class": "intelligent_compute"}))
    problem(app_b.call("POST", "/api/v1/applications", {"program_id": "chengdu-2024",
                                                       "contract_id": c_small["id"]}),
            422, "not_eligible")

    # Settlements in Q2: the voucher pays 50 % of each bill, rounded down to the fen.
    set_clock(admin, "2024-05-10T10:00:00+08:00")
    s1 = ok(settle(provider, va["id"], "B-001", "120000.00", "k-001"))
    expect((s1["deduction"], s1["customer_pays"], s1["voucher_remaining"]) ==
           ("60000.00", "60000.00", "90000.00"), f"bill 1: {s1}")
    # The retry of the same request answers the first result, not a second charge.
    again = ok(settle(provider, va["id"], "B-001", "120000.00", "k-001"), 200)
    expect(again["duplicate"] is True and again["id"] == s1["id"], f"retry: {again}")
    problem(settle(provider, va["id"], "B-001", "120000.02", "k-001"), 409, "idempotency_conflict")
    s2 = ok(settle(provider, va["id"], "B-002", "30000.01", "k-002"))
    expect((s2["deduction"], s2["customer_pays"]) == ("15000.00", "15000.01"),
           f"15000.005 rounds down to the fen: {s2}")
    # A correction is a reversing entry: the deduction returns to the voucher.
    rev = ok(provider.call("POST", f"/api/v1/settlements/{s2['id']}/reversal",
                           {"reason": "账单金额有误"}, idem=True))
    expect(rev["reversed"] is True, f"reversal: {rev}")
    expect(ok(app_a.call("GET", f"/api/v1/vouchers/{va['id']}"))["remaining"] == "90000.00",
           "reversal restores the balance")
    s3 = ok(settle(provider, va["id"], "B-003", "200000.00", "k-003"))
    expect((s3["deduction"], s3["customer_pays"], s3["voucher_remaining"]) ==
           ("90000.00", "110000.00", "0.00"), f"limited to what is left: {s3}")
    problem(settle(provider, va["id"], "B-004", "1000.00", "k-004"), 409, "exceeds_limit")
    sb = ok(settle(provider, vb["id"], "B-101", "10000.00", "k-101"))
    expect(sb["deduction"] == "5000.00", f"org B bill: {sb}")
    deductions = ok(app_a.call("GET", f"/api/v1/vouchers/{va['id']}/deductions"))["items"]
    expect([d["deduction"] for d in deductions] == ["60000.00", "15000.00", "90000.00"] and
           [d["reversed"] for d in deductions] == [False, True, False], f"{deductions}")
    v = ok(app_a.call("GET", f"/api/v1/vouchers/{va['id']}"))
    expect((v["used"], v["remaining"]) == ("150000.00", "0.00"), f"used up: {v}")

    # Expiry, to the second: through 2024-11-30 24:00 (seed 000 §三(二)).
    set_clock(admin, "2024-11-30T23:59:59+08:00")
    last = ok(settle(provider, vb["id"], "B-102", "2000.00", "k-102"))
    expect(last["deduction"] == "1000.00", f"last second: {last}")
    set_clock(admin, "2024-12-01T00:00:00+08:00")
    problem(settle(provider, vb["id"], "B-103", "2000.00", "k-103"), 409, "expired")
    ok(officer.call("POST", "/api/v1/admin/expiry/run"))
    vb_now = ok(app_b.call("GET", f"/api/v1/vouchers/{vb['id']}"))
    expect((vb_now["status"], vb_now["used"], vb_now["lapsed"], vb_now["remaining"]) ==
           ("lapsed", "6000.00", "14000.00", "0.00"), f"lapsed: {vb_now}")
    notices = ok(app_b.call("GET", "/api/v1/notices"))["items"]
    kinds = {n["kind"] for n in notices}
    expect({"expiry.lapsed", "voucher.issued", "qualification.decided"} <= kinds, f"{kinds}")

    # Redemption for Q2 (seed 000 §四(四)): settlements collected, materials, panel, decision.
    claim = ok(provider.call("POST", "/api/v1/claims", {"program_id": "chengdu-2024",
                                                       "period": "2024Q2"}))
    expect((claim["claimed"], claim["settlements"]) == ("155000.00", 3),
           f"60,000 + 90,000 + 5,000 (the reversed 15,000 excluded): {claim}")
    problem(provider.call("POST", "/api/v1/claims", {"program_id": "chengdu-2024",
                                                    "period": "2024Q2"}), 409, "duplicate")
    problem(provider.call("POST", f"/api/v1/claims/{claim['id']}/submit"), 422, "missing_field")
    for k in ["application_form", "summary_table", "qualification", "contract", "invoice",
              "proof_of_service"]:
        ok(provider.call("POST", f"/api/v1/claims/{claim['id']}/materials?kind={k}", PDF))
    # A related party declared since the application stops the claim at redemption.
    rp = ok(provider.call("POST", "/api/v1/related-parties", {
        "owner": f"provider/{ai['id']}", "relation": "shareholder", "party": org_b["name"]}))
    problem(provider.call("POST", f"/api/v1/claims/{claim['id']}/submit"), 422, "not_eligible")
    expect(rp["party"] == org_b["name"], "declared")
    # The declaration was a clerical error; the officer withdraws it, with the reason audited.
    ok(officer.call("POST", f"/api/v1/related-parties/{rp['id']}/withdrawal",
                    {"reason": "申报有误:乙公司非该中心股东"}))
    ok(provider.call("POST", f"/api/v1/claims/{claim['id']}/submit"))
    experts = [users[f"expert{i}"]["id"] for i in (1, 2, 3)]
    problem(officer.call("POST", f"/api/v1/claims/{claim['id']}/panel",
                         {"expert_ids": experts[:2]}), 422, "out_of_range")
    # An expert who declared a conflict with the provider cannot sit on the panel.
    e1 = login(server, "expert1")
    ok(e1.call("POST", "/api/v1/related-parties", {"owner": f"user/{experts[0]}",
                                                  "relation": "conflict_of_interest",
                                                  "party": "成都智算中心"}))
    problem(officer.call("POST", f"/api/v1/claims/{claim['id']}/panel", {"expert_ids": experts}),
            409, "state_conflict")
    e4 = ok(admin.call("POST", "/api/v1/users", {"username": "expert4", "display_name": "专家四",
                                                "password": "pass-expert4", "role": "expert"}))
    first_sign_in(server, "expert4", "pass-expert4", "pass-expert4-own")  # the admin chose it
    panel = experts[1:] + [e4["id"]]
    ok(officer.call("POST", f"/api/v1/claims/{claim['id']}/panel", {"expert_ids": panel}))
    # The panel reads the applicants' qualification documents; an expert on no panel for
    # their settlements may not.
    docs = ok(login(server, "expert2").call("GET", f"/api/v1/orgs/{org_a['id']}/documents"))
    expect(len(docs["items"]) >= 6, f"expert2 sees org A's documents: {docs}")
    problem(e1.call("GET", f"/api/v1/orgs/{org_a['id']}/documents"), 403, "forbidden")
    # The same rule for the organisations' vouchers, deductions and related parties.
    e2 = login(server, "expert2")
    listed = ok(e2.call("GET", "/api/v1/vouchers?limit=200"))["items"]
    expect(sorted(x["id"] for x in listed) == sorted([va["id"], vb["id"]]),
           f"expert2 lists the vouchers of the claim's organisations: {listed}")
    for path in (f"/api/v1/vouchers/{va['id']}", f"/api/v1/vouchers/{va['id']}/deductions",
                 f"/api/v1/related-parties?owner=org/{org_a['id']}"):
        ok(e2.call("GET", path))
        problem(e1.call("GET", path), 403, "forbidden")
    expect(ok(e1.call("GET", "/api/v1/vouchers?limit=200"))["items"] == [],
           "an expert on no panel lists no vouchers")
    opinions = [("expert2", "approve", None), ("expert3", "partly_approve", "150000.00"),
                ("expert4", "partly_approve", "145000.00")]
    for name, decision, amount in opinions:
        ex = (login_as(server, name, "pass-expert4-own") if name == "expert4"
              else login(server, name))
        body = {"decision": decision, "comment": "发票与算力使用记录核对"}
        if amount:
            body["approved_amount"] = amount
        problem(ex.call("POST", f"/api/v1/claims/{claim['id']}/opinions",
                        dict(body, approved_amount="155000.01")), 409, "exceeds_limit")
        ok(ex.call("POST", f"/api/v1/claims/{claim['id']}/opinions", body))
    decided = ok(officer.call("POST", f"/api/v1/claims/{claim['id']}/decision",
                              {"reason": "按专家意见中位数核定"}))
    expect((decided["status"], decided["approved"]) == ("partly_approved", "150000.00"),
           f"the median of 155,000 / 150,000 / 145,000: {decided}")
    status, xlsx, _ = officer.raw("GET", f"/api/v1/claims/{claim['id']}/summary.xlsx")
    expect(status == 200 and xlsx[:2] == b"PK", f"summary.xlsx: {status}")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    expect("兑现汇总表" in strings and "成都甲智能科技有限公司" in strings and "B-003" in strings,
           "the summary names the organisations and bills")
    expect("<v>60000</v>" in sheet and "<v>155000</v>" in sheet, "amounts and the total")
    # A batch pays an ended quarter's claims: the quarter still running (on 2024-12-01) is
    # refused.
    problem(officer.call("POST", "/api/v1/payout-batches",
                         {"program_id": "chengdu-2024", "quarter": "2024Q4"}, idem=True),
            409, "state_conflict")
    batch = ok(officer.call("POST", "/api/v1/payout-batches",
                            {"program_id": "chengdu-2024", "quarter": "2024Q2"}, idem=True))
    expect(batch["total"] == "150000.00" and len(batch["lines"]) == 1, f"batch: {batch}")
    status, csv, _ = officer.raw("GET", f"/api/v1/payout-batches/{batch['id']}/export.csv")
    expect(status == 200 and b"150000.00" in csv and "成都智算中心".encode() in csv, csv)
    pool = ok(officer.call("GET", "/api/v1/programs/chengdu-2024/pool"))
    expect((pool["funded"], pool["issued"], pool["used"], pool["redeemed"], pool["lapsed"],
            pool["remaining"]) == ("10000000.00", "170000.00", "156000.00", "150000.00",
                                   "14000.00", "9830000.00"), f"pool: {pool}")
    expect(pool["series"] == [{"date": "2024-03-15", "remaining": "9830000.00"}], f"{pool}")
    status, report, _ = officer.raw("GET", "/api/v1/programs/chengdu-2024/reports?by=provider&format=csv")
    expect(status == 200 and "成都智算中心,170000.00,156000.00,150000.00,14000.00".encode() in report,
           report)

    # Clawback after a fraud finding (seed 000 §五(二)): recover, ban for two years.
    enf = ok(officer.call("POST", f"/api/v1/orgs/{org_a['id']}/enforcement",
                          {"program_id": "chengdu-2024", "finding": "虚构算力服务合同"}, idem=True))
    expect((enf["voucher_clawed_back"], enf["used_to_recover"]) == ("0.00", "150000.00"), f"{enf}")
    expect(enf["banned_until"].startswith("2026-12-01"), f"two years: {enf}")
    problem(app_a.call("POST", "/api/v1/contracts", {
        "org_id": org_a["id"], "provider_id": ai["id"], "contract_no": "AI-2024-009",
        "amount": "50000.00", "signed_on": "2024-12-01", "start_on": "2024-12-01",
        "end_on": "2024-12-31"}), 403, "banned")
    expect(ok(app_a.call("GET", f"/api/v1/vouchers/{va['id']}"))["status"] == "clawed_back", "")
    # What was used is owed, and the pool gets it back only as it is repaid.
    pool = ok(officer.call("GET", "/api/v1/programs/chengdu-2024/pool"))
    expect((pool["remaining"], pool["recovery_outstanding"], pool["recovery_repaid"]) ==
           ("9830000.00", "150000.00", "0.00"), f"owed, not in the pool: {pool}")
    problem(officer.call("POST", f"/api/v1/enforcements/{enf['id']}/repayments",
                         {"amount": "150000.01", "reference": "ICBC 20241202-1"}, idem=True),
            409, "exceeds_limit")
    repaid = ok(officer.call("POST", f"/api/v1/enforcements/{enf['id']}/repayments",
                             {"amount": "150000.00", "reference": "ICBC 20241202-1"}, idem=True))
    expect((repaid["repaid"], repaid["outstanding"]) == ("150000.00", "0.00"), f"{repaid}")
    pool = ok(officer.call("GET", "/api/v1/programs/chengdu-2024/pool"))
    expect((pool["remaining"], pool["recovery_outstanding"], pool["recovery_repaid"]) ==
           ("9980000.00", "0.00", "150000.00"), f"repaid into the pool: {pool}")

    # The audit chain: intact through the API, and a tampered copy is caught by the CLI.
    auditor = login(server, "auditor")
    listed = ok(auditor.call("GET", "/api/v1/enforcements"))["items"]
    expect([(e["id"], e["used_to_recover"], e["repaid"], e["outstanding"]) for e in listed] ==
           [(enf["id"], "150000.00", "150000.00", "0.00")], f"enforcements: {listed}")
    report = ok(auditor.call("POST", "/api/v1/audit/verify"))
    expect(report["ok"] and report["entries_checked"] > 40, f"audit: {report}")
    # Every ledger transfer of the whole flow (grants, settlements, a reversal, the claim's
    # payout and disallowed part, a lapse, the finding's moves, the repayment) has its records.
    rec = ok(auditor.call("POST", "/api/v1/audit/reconcile"))
    expect(rec["ok"] and rec["differences"] == [] and rec["moves_waiting"] == 0 and
           rec["transfers_checked"] > 10 and rec["settlements_checked"] > 0 and
           rec["rebuilt_settlements_total"] == 0, f"reconcile: {rec}")
    problem(officer.call("POST", "/api/v1/audit/reconcile"), 403, "forbidden")
    actions = {e["action"] for e in ok(auditor.call("GET", "/api/v1/audit?limit=1000"))["items"]}
    for a in ["related_party.withdraw", "org.register", "qualification.approve", "application.approve", "settlement.reverse",
              "claim.decide", "payout.batch", "enforcement.fraud", "enforcement.repayment", "voucher.lapse"]:
        expect(a in actions, f"audited: {a}")
    # The running server's own directory: a second process is refused before it touches a file
    # (it would run the server's pending moves again and append ledger batches of its own).
    live = subprocess.run([suanli, "audit", "reconcile", "--data", server.data], capture_output=True,
                          text=True)
    expect(live.returncode == 2 and "another Suanli process" in live.stderr,
           live.stdout + live.stderr)
    server.stop()
    expect(subprocess.run([suanli, "audit", "verify", "--data", server.data]).returncode == 0,
           "verify passes on the untouched data")
    copy = server.data + "-tampered"
    shutil.copytree(server.data, copy)
    db = sqlite3.connect(os.path.join(copy, "platform.db"))
    db.execute("UPDATE audit_log SET detail = '{\"grant_fen\":99999999}' WHERE action = "
               "'application.approve'")
    db.commit()
    db.close()
    tampered = subprocess.run([suanli, "audit", "verify", "--data", copy], capture_output=True,
                              text=True)
    shutil.rmtree(copy, ignore_errors=True)
    expect(tampered.returncode == 1 and "edited" in tampered.stdout, tampered.stdout)

    # Offline reconciliation of a copy: it agrees; with a settlement row lowered (the chain
    # untouched, so `verify` passes), the ledger and the settlement's audit entry both disagree.
    programs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "programs")
    copy = server.data + "-reconcile"
    shutil.copytree(server.data, copy)
    agreed = subprocess.run([suanli, "audit", "reconcile", "--data", copy, "--programs", programs],
                            capture_output=True, text=True)
    expect(agreed.returncode == 0 and "agree" in agreed.stdout, agreed.stdout + agreed.stderr)
    db = sqlite3.connect(os.path.join(copy, "platform.db"))
    db.execute("UPDATE settlements SET deduction_fen = deduction_fen - 100 WHERE transfer_id = "
               "(SELECT MIN(transfer_id) FROM settlements WHERE reversed_by IS NULL)")
    db.commit()
    db.close()
    differ = subprocess.run([suanli, "audit", "reconcile", "--data", copy, "--programs", programs,
                             "--json"], capture_output=True, text=True)
    report = json.loads(differ.stdout or "{}")
    expect(differ.returncode == 1 and report.get("differences_total") == 2 and
           any("in its settlement row" in d for d in report["differences"]) and
           any("its rows hold" in d for d in report["differences"]), differ.stdout + differ.stderr)
    # An expert's opinion rewritten beside the log (no money moves with it, so only the claim's
    # recorded state can tell): the claim shows as differing, with the entry that last recorded it.
    db = sqlite3.connect(os.path.join(copy, "platform.db"))
    db.execute("UPDATE opinions SET approved_fen = approved_fen + 100 WHERE rowid = "
               "(SELECT MIN(rowid) FROM opinions)")
    db.commit()
    db.close()
    differ = subprocess.run([suanli, "audit", "reconcile", "--data", copy, "--programs", programs,
                             "--json"], capture_output=True, text=True)
    shutil.rmtree(copy, ignore_errors=True)
    report = json.loads(differ.stdout or "{}")
    expect(differ.returncode == 1 and report.get("differences_total") == 3 and
           any(d.startswith("claim/") and "differs from its last recorded state" in d
               for d in report["differences"]), differ.stdout + differ.stderr)
    expect(subprocess.run([suanli, "audit", "reconcile", "--data", copy + "-none"],
                          capture_output=True).returncode == 2, "no data directory: exit 2")


if __name__ == "__main__":
    main()
