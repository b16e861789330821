#!/usr/bin/env python3
"""Metering over real HTTP, to the fen: 成都智算中心's operator maps Slurm accounts to two
organisations (one with discount class C, seed 002: 50 %), uploads a `sacct --parsable2` file
with good and bad lines — every bad line is reported with its reason and never billed —
uploads it again (nothing changes), the organisations' bills come out of the rated lines at
the Ascend card-hour price, one bill is settled through a Chengdu voucher for days that have
ended (50 % of it, rounded down to the fen, seed 000 §四(三); the quarter before it ends, or the
same days under another key, are refused), and a claim inflated above the metered usage is
flagged by the reconciliation its reviewers read.

Usage: metering_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from suanli_client import Client, login, resident_id, run_test, uscc  # noqa: E402

PDF = b"%PDF-1.4\n% metering test document\n"
HEADER = "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode"


def job(job_id, account, start, end, elapsed, cards, state="COMPLETED", cluster="cd-ai"):
    tres = f"billing={cards},cpu={24 * max(cards, 1)},gres/npu={cards},mem=200G,node=1"
    return f"{job_id}|{cluster}|{account}|u{account}|ascend|{start}|{start}|{end}|{elapsed}|{tres}|{state}|0:0"


GOOD = [
    # firm-a: 8 cards × 10 h at ¥12.00 = ¥960.00 (no class: the base price)
    job(101, "firm-a", "2024-03-12T09:00:00", "2024-03-12T19:00:00", 36000, 8),
    "101.batch|cd-ai|firm-a||ascend|2024-03-12T09:00:00|2024-03-12T09:00:00|2024-03-12T19:00:00|36000|cpu=24,gres/npu=8,mem=200G,node=1|COMPLETED|0:0",
    # firm-a: 1 card × 30 min = ¥6.00; 1 card × 100 s = ¥0.3333… → ¥0.33 (half up, once per line)
    job(103, "firm-a", "2024-03-13T10:00:00", "2024-03-13T10:30:00", 1800, 1),
    job(104, "firm-a", "2024-03-13T11:00:00", "2024-03-13T11:01:40", 100, 1),
    # uni-b, class C (50 %): 2 cards × 5 h × ¥12.00 × 50 % = ¥60.00
    job(102, "uni-b", "2024-03-14T08:00:00", "2024-03-14T13:00:00", 18000, 2),
]
BAD = [  # (line, expected kind)
    (job(105, "ghost", "2024-03-13T09:00:00", "2024-03-13T10:00:00", 3600, 1), "unknown account"),
    (job(106, "firm-a", "2024-03-13T09:00:00", "2024-03-13T10:00:00", -5, 1), None),
    (job(107, "firm-a", "2024-03-13T09:00:00", "2024-03-13T10:00:00", 3600, 1,
         cluster="center-a"), "unregistered center"),
    (job(108, "firm-a", "2024-03-14T09:00:00", "Unknown", 600, 1, state="RUNNING"), None),
    ("109|cd-ai|firm-a|ufirm-a|ascend|2024-03-13T09:00:00", None),  # truncated
]


def ok(status_data, codes=(200, 201)):
    status, data = status_data
    assert status in codes, (status, data)
    return data


def qualify(app, officer, org_id):
    docs = [ok(app.call("POST", f"/api/v1/orgs/{org_id}/documents?kind={k}&filename={k}.pdf", PDF))
            for k in ["business_licence", "legal_rep_id_scan", "authenticity_pledge",
                      "no_violation_pledge", "credit_report", "audit_report"]]
    ok(app.call("POST", f"/api/v1/orgs/{org_id}/qualification/submit"))
    for d in docs:
        ok(officer.call("POST", f"/api/v1/documents/{d['id']}/review", {"decision": "approve"}))
    ok(officer.call("POST", f"/api/v1/orgs/{org_id}/qualification/decision",
                    {"decision": "approve"}))


def voucher(app, officer, org_id, provider_id, no):
    c = ok(app.call("POST", "/api/v1/contracts", {
        "org_id": org_id, "provider_id": provider_id, "contract_no": no, "amount": "200000.00",
        "signed_on": "2024-03-10", "start_on": "2024-03-10", "end_on": "2024-11-30",
        "resource_class": "intelligent_compute"}))
    a = ok(app.call("POST", "/api/v1/applications", {"program_id": "chengdu-2024",
                                                    "contract_id": c["id"]}))
    a = ok(officer.call("POST", f"/api/v1/applications/{a['id']}/decision",
                        {"decision": "approve"}, idem=True))
    return c, a["voucher_id"]


def main():
    run_test(run)
    print("metering: accounts, upload, re-upload, bills, settlement and reconciliation OK")


def run(server, suanli):
    officer, op = login(server, "officer"), login(server, "op-ai")
    firm = login(server, "demo-applicant")
    anon = Client(server)
    ok(anon.call("POST", "/api/v1/orgs", {
        "uscc": uscc("91510100MA6UMT07B"), "name": "成都计量测试科技有限公司",
        "type": "enterprise", "region": "成都", "industry": "artificial_intelligence",
        "legal_rep_name": "测试", "legal_rep_id": resident_id("51010719850505123"),
        "prior_year_revenue": "50000000.00", "admin_username": "uni-b-admin",
        "admin_password": "pass-uni-b-admin"}))
    uni = Client(server).login("uni-b-admin", "pass-uni-b-admin")
    org_a, org_b = firm.user["org_id"], uni.user["org_id"]
    provider = op.user["provider_id"]
    for app, org in ((firm, org_a), (uni, org_b)):
        qualify(app, officer, org)
    contract_a, voucher_a = voucher(firm, officer, org_a, provider, "HT-METER-A")
    contract_b, voucher_b = voucher(uni, officer, org_b, provider, "HT-METER-B")
    center = next(c for c in ok(anon.call("GET", "/api/v1/centers"))["items"]
                  if c["slurm_cluster"] == "cd-ai")
    accounts = f"/api/v1/centers/{center['id']}/accounts"

    # Accounts: refused when malformed or not the operator's center; nothing half-mapped.
    mapped_before = ok(op.call("GET", accounts))["items"]  # the demo's cd-firm and cd-uni
    for body, status, field in [
        ({"account": "Firm A", "org_id": org_a}, 422, "account"),
        ({"account": "firm-a", "org_id": org_a, "discount_class": "F"}, 422, "discount_class"),
        ({"account": "firm-a", "org_id": 999}, 404, "org_id"),
        ({"account": "firm-a", "org_id": org_a, "contract_id": contract_b["id"]}, 422,
         "contract_id"),
    ]:
        s, data = op.call("POST", accounts, body)
        assert (s, data.get("field")) == (status, field), (body, s, data)
    s, data = login(server, "op-hpc").call("POST", accounts, {"account": "x", "org_id": org_a})
    assert s == 403, (s, data)
    assert ok(op.call("GET", accounts))["items"] == mapped_before
    ok(op.call("POST", accounts, {"account": "firm-a", "org_id": org_a,
                                  "contract_id": contract_a["id"]}))
    ok(op.call("POST", accounts, {"account": "uni-b", "org_id": org_b,
                                  "contract_id": contract_b["id"], "discount_class": "C"}))
    s, data = op.call("POST", accounts, {"account": "uni-b", "org_id": org_a})
    assert (s, data["field"]) == (409, "account"), data

    # Upload: good lines rated, every bad line reported with its line number and reason.
    text = "\n".join([HEADER] + GOOD + [b for b, _ in BAD]) + "\n"
    usage = f"/api/v1/centers/{center['id']}/usage"
    report = ok(op.call("POST", usage, text.encode(), headers={"Content-Type": "text/plain"}))
    assert (report["ingested"], report["billed"], report["steps"], report["rejected"]) == \
        (5, 4, 1, len(BAD)), report
    assert report["amount"] == "1026.33", report  # 960.00 + 6.00 + 0.33 + 60.00
    by_line = {r["line"]: r for r in report["rejects"]}
    first_bad = 2 + len(GOOD)
    for i, (_, kind) in enumerate(BAD):
        r = by_line.get(first_bad + i)
        assert r is not None and r["reason"], (first_bad + i, report["rejects"])
        if kind:
            assert r["kind"] == kind, (kind, r)
    # Again: nothing changes.
    again = ok(op.call("POST", usage, text.encode(), headers={"Content-Type": "text/plain"}))
    assert (again["ingested"], again["already"], again["amount"]) == (0, 5, "0.00"), again
    # Another provider cannot upload to this center.
    s, _ = login(server, "op-hpc").call("POST", usage, text.encode(),
                                        headers={"Content-Type": "text/plain"})
    assert s == 403

    # Bills, per organisation and contract, from the rated lines.
    bill_a = ok(firm.call("GET", f"/api/v1/bills?org_id={org_a}&period=2024Q1"))["items"]
    assert [(b["contract_id"], b["total"], len(b["lines"])) for b in bill_a] == \
        [(contract_a["id"], "966.33", 3)], bill_a
    assert [ln["amount"] for ln in bill_a[0]["lines"]] == ["960.00", "6.00", "0.33"], bill_a
    bill_b = ok(op.call("GET", f"/api/v1/bills?org_id={org_b}&period=2024Q1"))["items"]
    assert [(b["total"], b["lines"][0]["discount_share"]) for b in bill_b] == \
        [("60.00", "50%")], bill_b
    s, _ = firm.call("GET", f"/api/v1/bills?org_id={org_b}&period=2024Q1")
    assert s == 403
    assert ok(firm.call("GET", f"/api/v1/bills?org_id={org_a}&period=2024Q2"))["items"] == []
    s, data = firm.call("GET", f"/api/v1/bills?org_id={org_a}&period=2024Q5")
    assert s == 422 and data["field"] == "period", data

    # Only days that have ended are settled: on 15 March the quarter's usage is still coming
    # in, so 2024Q1 is refused (settled now, later usage could be charged again).
    s, data = op.call("POST", "/api/v1/bills/settlement",
                      {"org_id": org_a, "period": "2024Q1", "voucher_id": voucher_a},
                      headers={"Idempotency-Key": "meter-a-q1-early"})
    assert (s, data.get("field"), data.get("type", "").rsplit("/", 1)[-1]) == \
        (409, "period", "state_conflict"), (s, data)
    assert "has not ended" in data["detail"], data
    v = ok(firm.call("GET", f"/api/v1/vouchers/{voucher_a}"))
    assert (v["used"], v["remaining"]) == ("0.00", "100000.00"), v

    # The quarter through yesterday, settled through the voucher: 50 % of ¥966.33 rounded
    # down = ¥483.16.
    settle = {"org_id": org_a, "period": "2024-01-01..2024-03-14", "voucher_id": voucher_a}
    s, data = op.call("POST", "/api/v1/bills/settlement", settle)
    assert s == 428 or s == 400 or s == 422, (s, data)  # the Idempotency-Key is required
    res = ok(op.call("POST", "/api/v1/bills/settlement", settle,
                     headers={"Idempotency-Key": "meter-a-q1"}))
    assert (res["bill_amount"], res["deduction"], res["customer_pays"], res["bill_no"]) == \
        ("966.33", "483.16", "483.17", f"M-{org_a}-2024-01-01..2024-03-14"), res
    replay = ok(op.call("POST", "/api/v1/bills/settlement", settle,
                        headers={"Idempotency-Key": "meter-a-q1"}))
    assert replay["id"] == res["id"], replay
    s, data = op.call("POST", "/api/v1/bills/settlement", dict(settle, voucher_id=voucher_b),
                      headers={"Idempotency-Key": "meter-wrong-voucher"})
    assert (s, data["field"]) == (422, "voucher_id"), data
    v = ok(firm.call("GET", f"/api/v1/vouchers/{voucher_a}"))
    assert (v["used"], v["remaining"]) == ("483.16", "99516.84"), v
    # The same days under another key — as written, or overlapping them — are refused,
    # naming the settled period, and the voucher pays nothing more.
    for i, period in enumerate(["2024-01-01..2024-03-14", "2024-03-12..2024-03-12",
                                "2024-03-01..2024-03-14"]):
        s, data = op.call("POST", "/api/v1/bills/settlement", dict(settle, period=period),
                          headers={"Idempotency-Key": f"meter-a-again-{i}"})
        assert (s, data.get("field"), data.get("type", "").rsplit("/", 1)[-1]) == \
            (409, "period", "state_conflict"), (period, s, data)
        assert "2024-01-01..2024-03-14" in data["detail"], data
    v = ok(firm.call("GET", f"/api/v1/vouchers/{voucher_a}"))
    assert (v["used"], v["remaining"]) == ("483.16", "99516.84"), v

    # Organisation B's metered bill settled, plus an inflated bill posted by hand.
    ok(op.call("POST", "/api/v1/bills/settlement",
               {"org_id": org_b, "period": "2024-01-01..2024-03-14", "voucher_id": voucher_b},
               headers={"Idempotency-Key": "meter-b-q1"}))
    ok(op.call("POST", "/api/v1/settlements",
               {"voucher_id": voucher_b, "bill_no": "INV-B-EXTRA", "amount": "5000.00"},
               headers={"Idempotency-Key": "inflated-b"}))
    # Utilisation per day from the metered usage, and the vouchers' share of the bills: the
    # money to the center's own operators and the program's officers only; an applicant sees
    # how busy the center is, not what it billed.
    seen = ok(firm.call("GET", f"/api/v1/centers/{center['id']}/utilisation"
                               "?from=2024-03-12&to=2024-03-15"))
    assert seen["money_visible"] is False and "provider_voucher_paid" not in seen, seen
    assert all("billed" not in d for d in seen["days"]), seen
    assert [d["jobs"] for d in sorted(seen["days"], key=lambda d: d["day"])] == [1, 2, 1, 0], seen
    assert ok(officer.call("GET", f"/api/v1/centers/{center['id']}/utilisation"
                                  "?from=2024-03-12&to=2024-03-15"))["money_visible"] is True
    u = ok(op.call("GET", f"/api/v1/centers/{center['id']}/utilisation"
                          "?from=2024-03-12&to=2024-03-15"))
    assert u["money_visible"] is True, u
    days = {d["day"]: d for d in u["days"]}
    assert [(days[d]["card_used_s"], days[d]["jobs"], days[d]["billed"]) for d in
            ("2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15")] == \
        [(8 * 36000, 1, "960.00"), (1800 + 100, 2, "6.33"), (2 * 18000, 1, "60.00"),
         (0, 0, "0.00")], u
    assert days["2024-03-12"]["card_capacity_s"] == 960 * 86400, u
    assert (u["provider_metered_settled"], u["provider_voucher_paid"]) == \
        ("1026.33", "513.16"), u  # 483.16 + 30.00 of 966.33 + 60.00
    s, data = firm.call("GET", f"/api/v1/centers/{center['id']}/utilisation"
                               "?from=2024-03-15&to=2024-03-12")
    assert (s, data["field"]) == (422, "to"), data

    # After the quarter, the provider compiles its claim (sessions last 8 simulated hours).
    ok(login(server, "admin").call("POST", "/api/v1/admin/clock",
                                   {"now": "2024-04-02T09:00:00+08:00"}))
    for c in server.clients:
        c.relogin()
    claim = ok(op.call("POST", "/api/v1/claims", {"program_id": "chengdu-2024",
                                                  "period": "2024Q1"}))
    rec = ok(officer.call("GET", f"/api/v1/claims/{claim['id']}/reconciliation"))
    rows = {r["org_id"]: r for r in rec["rows"]}
    assert (rows[org_a]["claimed"], rows[org_a]["metered"], rows[org_a]["flagged"]) == \
        ("966.33", "966.33", False), rec
    assert (rows[org_b]["claimed"], rows[org_b]["metered"], rows[org_b]["difference"],
            rows[org_b]["flagged"]) == ("5060.00", "60.00", "5000.00", True), rec
    assert rec["flagged"] == 1, rec
    s, _ = firm.call("GET", f"/api/v1/claims/{claim['id']}/reconciliation")
    assert s == 403
    # An expert reads it once on the claim's panel (and not before).
    expert = login(server, "expert1")
    s, _ = expert.call("GET", f"/api/v1/claims/{claim['id']}/reconciliation")
    assert s == 403, s


if __name__ == "__main__":
    main()
