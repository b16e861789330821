#!/usr/bin/env python3
"""Nanjing's experience vouchers by weekly draw over HTTP (seed 002 §发放体验券: 时长从24小时至96
小时不等,每周发放不少于2400小时): the demo's draw of this week is open with the university in it;
the officer opens next week's (the server publishes the seed's SHA-256 only), 100 Nanjing firms
enter, the officer runs it (Idempotency-Key: a retry gets the first answer, a second run 409):
the seed revealed hashes to the published digest, the week gets at least 2,400 hours in
vouchers of 24–96 hours, and `suanli draw` on the entrant file the server serves and the
revealed seed gives exactly the same winners. With two entrants each gets 96 hours and the
shortfall is reported. Every refusal is problem+json and changes nothing.

Usage: draws_test.py SUANLI_BINARY REPO_DIR"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import expect, ok, problem  # noqa: E402
from suanli_client import Client, login, resident_id, run_test, uscc  # noqa: E402

PROGRAM = "nanjing-experience"
DRAWS = f"/api/v1/programs/{PROGRAM}/draws"


def main():
    run_test(run)
    print("draws: ok")


def nanjing_org(server, n, org_type="enterprise"):
    """Registers Nanjing organisation n (public route) and signs its admin in."""
    username = f"nj-{n}"
    ok(Client(server).call("POST", "/api/v1/orgs", {
        "uscc": uscc(f"91320100MA1N{n:05d}"), "name": f"南京示例{n}号智能科技有限公司",
        "type": org_type, "region": "南京", "industry": "artificial_intelligence",
        "legal_rep_name": f"南{n}", "legal_rep_id": resident_id(f"32010219800101{n % 1000:03d}"),
        "admin_username": username, "admin_password": "pass-" + username}))
    return Client(server).login(username, "pass-" + username)


def snapshot(auditor):
    """What a refused request must leave as it was: the draws, the vouchers, the draws' audit."""
    return {
        "draws": ok(auditor.call("GET", f"{DRAWS}?limit=200")),
        "vouchers": ok(auditor.call("GET", "/api/v1/experience-vouchers?limit=200")),
        "audit": {a: len(ok(auditor.call("GET", f"/api/v1/audit?action={a}&limit=1000"))["items"])
                  for a in ("draw.open", "draw.enter", "draw.run", "experience_voucher.issue")},
    }


def refused(auditor, request, status, name, field=None):
    before = snapshot(auditor)
    body = problem(request(), status, name)
    if field is not None:
        expect(body.get("field") == field, f"field {field}: {body}")
    expect(snapshot(auditor) == before, f"{status} {name} changed nothing: {body}")
    return body


def replay_with_cli(suanli, repo, reader, draw):
    """`suanli draw` on the entrant file the server serves and the revealed seed: its JSON."""
    status, text, resp = reader.raw("GET", f"/api/v1/draws/{draw['id']}/entrants.txt")
    expect(status == 200 and resp.getheader("Content-Type").startswith("text/plain"),
           f"entrants.txt: {status} {text}")
    expect(hashlib.sha256(text).hexdigest() == draw["entrants_sha256"],
           "the entrant file is the one the draw read")
    expect(text.decode().splitlines() == sorted(text.decode().splitlines(),
                                                key=lambda e: int(e.split("-")[1])),
           "entrants in org id order")
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        out = subprocess.run([suanli, "draw", "--program",
                              os.path.join(repo, "programs", PROGRAM + ".toml"),
                              "--entrants", f.name, "--seed", draw["seed"]],
                             capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout), len(text.decode().splitlines())


def expect_replayed(cli, draw):
    expect([(w["entrant"], w["hours"]) for w in cli["winners"]] ==
           [(f"org-{w['org_id']}", w["hours"]) for w in draw["winners"]],
           f"the CLI draws the same winners: {cli['winners']} vs {draw['winners']}")
    expect([w["rank"] for w in draw["winners"]] == list(range(1, len(draw["winners"]) + 1)),
           "ranks in draw order")
    expect(cli["total_hours"] == draw["total_hours"] and
           cli["shortfall_hours"] == draw["shortfall_hours"] and cli["seed"] == int(draw["seed"]),
           f"{cli} vs {draw}")


def run(server, suanli):
    repo = sys.argv[2]
    admin, officer, auditor = login(server, "admin"), login(server, "officer"), login(server, "auditor")
    firm, uni, op = login(server, "demo-applicant"), login(server, "uni-applicant"), login(server, "op-ai")

    # The demo's draw: this week's (the clock is 2024-03-15, a Friday), the university entered.
    demo = ok(officer.call("GET", DRAWS))["items"]
    expect(len(demo) == 1, f"{demo}")
    demo = demo[0]
    expect(demo["week"] == "2024-03-11" and demo["week_end"] == "2024-03-17" and
           demo["status"] == "open" and demo["entrants"] == 1 and demo["seed"] is None and
           len(demo["seed_sha256"]) == 64 and demo["entered"] is None, f"{demo}")
    expect(ok(uni.call("GET", DRAWS))["items"][0]["entered"] is True, "the university entered")
    mine = ok(firm.call("GET", f"/api/v1/draws/{demo['id']}"))
    expect(mine["entered"] is False and mine["own_voucher"] is None and mine["winners"] == [],
           f"{mine}")
    problem(op.call("GET", DRAWS), 403, "forbidden")
    problem(auditor.call("GET", "/api/v1/programs/nowhere/draws"), 404, "not_found")

    # Opening: a Monday, an experience_draw program, once a week, the officer only.
    refused(auditor, lambda: officer.call("POST", DRAWS, {"week": "2024-03-19"}), 422,
            "out_of_range", "week")
    refused(auditor, lambda: officer.call("POST", DRAWS, {"week": "2024-03-04"}), 422,
            "out_of_range", "week")
    refused(auditor, lambda: officer.call("POST", "/api/v1/programs/chengdu-2024/draws",
                                          {"week": "2024-03-18"}), 422, "contradiction", "program_id")
    refused(auditor, lambda: officer.call("POST", DRAWS, {"week": "2024-03-11"}), 409,
            "duplicate", "week")
    refused(auditor, lambda: officer.call("POST", DRAWS, {}), 422, "missing_field", "week")
    refused(auditor, lambda: officer.call("POST", DRAWS, {"week": "2024-03-18", "seed": 7}), 422,
            "unknown_field", "seed")
    refused(auditor, lambda: firm.call("POST", DRAWS, {"week": "2024-03-18"}), 403, "forbidden")
    refused(auditor, lambda: admin.call("POST", DRAWS, {"week": "2024-03-18"}), 403, "forbidden")
    draw = ok(officer.call("POST", DRAWS, {"week": "2024-03-18"}), 201)
    expect(draw["status"] == "open" and draw["seed"] is None and draw["entrants"] == 0 and
           draw["winners"] == [] and len(draw["seed_sha256"]) == 64, f"{draw}")
    opened = ok(auditor.call("GET", "/api/v1/audit?action=draw.open"))["items"][-1]["detail"]
    expect(opened == {"program_id": PROGRAM, "week": "2024-03-18", "status": "open",
                      "seed_sha256": draw["seed_sha256"]}, f"the log has the digest, no seed: {opened}")
    path = f"/api/v1/draws/{draw['id']}"
    refused(auditor, lambda: officer.call("GET", f"{path}/entrants.txt"), 409, "state_conflict")

    # A hundred Nanjing firms enter (in an order other than their ids').
    entrants = [nanjing_org(server, n) for n in range(100, 0, -1)]
    for app in entrants:
        entered = ok(app.call("POST", f"{path}/entries"), 201)
        expect(entered["entered"] is True and entered["status"] == "open", f"{entered}")
    expect(ok(auditor.call("GET", path))["entrants"] == 100, "100 entrants")
    refused(auditor, lambda: entrants[0].call("POST", f"{path}/entries", {}), 409, "duplicate",
            "org_id")
    hospital = nanjing_org(server, 101, "hospital")
    refused(auditor, lambda: hospital.call("POST", f"{path}/entries"), 422, "not_eligible",
            "org_type")
    banned = nanjing_org(server, 102)
    ok(officer.call("POST", f"/api/v1/orgs/{banned.user['org_id']}/enforcement",
                    {"program_id": "chengdu-2024", "finding": "forged invoices"}, idem=True), 201)
    refused(auditor, lambda: banned.call("POST", f"{path}/entries"), 403, "banned", "org_id")
    refused(auditor, lambda: officer.call("POST", f"{path}/entries"), 403, "forbidden")
    refused(auditor, lambda: firm.call("POST", f"{path}/entries", {"org_id": 1}), 422,
            "unknown_field", "org_id")
    refused(auditor, lambda: firm.call("POST", "/api/v1/draws/999/entries"), 404, "not_found")

    # Running: the officer, with an Idempotency-Key.
    refused(auditor, lambda: officer.call("POST", f"{path}/run"), 422, "missing_field",
            "Idempotency-Key")
    refused(auditor, lambda: firm.call("POST", f"{path}/run", idem=True), 403, "forbidden")
    refused(auditor, lambda: auditor.call("POST", f"{path}/run", idem=True), 403, "forbidden")
    key = {"Idempotency-Key": "run-draw-2"}
    ran = ok(officer.call("POST", f"{path}/run", headers=key))
    expect(ran["status"] == "drawn" and ran["drawn_at"] and ran["entrants"] == 100, f"{ran}")
    expect(hashlib.sha256(ran["seed"].encode()).hexdigest() == draw["seed_sha256"],
           "the revealed seed is the one committed to at the opening")
    expect(ran["total_hours"] >= 2400 and ran["shortfall_hours"] == 0, f"{ran['total_hours']}")
    hours = [w["hours"] for w in ran["winners"]]
    expect(all(h in (24, 48, 72, 96) for h in hours) and sum(hours) == ran["total_hours"],
           f"{hours}")
    expect(ok(officer.call("POST", f"{path}/run", headers=key)) == ran,
           "a retry under the same key gets the first answer")
    refused(auditor, lambda: officer.call("POST", f"{path}/run", idem=True), 409,
            "state_conflict", "draw_id")
    refused(auditor, lambda: entrants[1].call("POST", f"{path}/entries"), 409, "state_conflict",
            "draw_id")
    expect(ok(auditor.call("GET", path)) == dict(ran, entered=None, own_voucher=None),
           "read back as run")
    cli, lines = replay_with_cli(suanli, repo, entrants[5], ran)
    expect(lines == 100, f"{lines} entrants in the file")
    expect_replayed(cli, ran)
    logged = ok(auditor.call("GET", "/api/v1/audit?action=draw.run"))["items"][-1]["detail"]
    expect(logged["seed"] == ran["seed"] and logged["entrants_sha256"] == ran["entrants_sha256"] and
           logged["total_hours"] == ran["total_hours"], f"the log can replay it: {logged}")

    # The vouchers: all for the officer and the auditor, its own for a winner, none for others.
    every = ok(auditor.call("GET", "/api/v1/experience-vouchers?limit=200"))["items"]
    expect(sorted((v["org_id"], v["hours"], v["rank"]) for v in every) ==
           sorted((w["org_id"], w["hours"], w["rank"]) for w in ran["winners"]) and
           all(v["week"] == "2024-03-18" and v["status"] == "issued" and
               v["program_id"] == PROGRAM for v in every), f"{every}")
    first = ran["winners"][0]
    winner = next(a for a in entrants if a.user["org_id"] == first["org_id"])
    own = ok(winner.call("GET", "/api/v1/experience-vouchers"))["items"]
    expect([(v["id"], v["hours"]) for v in own] == [(first["voucher_id"], first["hours"])], f"{own}")
    seen = ok(winner.call("GET", path))
    expect(seen["entered"] is True and seen["own_voucher"] == first, f"{seen['own_voucher']}")
    expect(ok(firm.call("GET", "/api/v1/experience-vouchers"))["items"] == [], "none won")
    page = ok(officer.call("GET", "/api/v1/experience-vouchers?limit=2"))
    expect(len(page["items"]) == 2 and page["next_cursor"] == page["items"][1]["id"], f"{page}")
    problem(op.call("GET", "/api/v1/experience-vouchers"), 403, "forbidden")
    kinds = [n["kind"] for n in ok(winner.call("GET", "/api/v1/notices"))["items"]]
    expect("draw.won" in kinds, f"{kinds}")

    # Too few entrants: the demo's draw with the firm entered too — both raised to 96 hours,
    # the rest of the week's 2,400 reported short.
    ok(firm.call("POST", f"/api/v1/draws/{demo['id']}/entries"), 201)
    small = ok(officer.call("POST", f"/api/v1/draws/{demo['id']}/run", idem=True))
    expect([w["hours"] for w in small["winners"]] == [96, 96] and small["total_hours"] == 192 and
           small["shortfall_hours"] == 2208, f"{small}")
    expect(hashlib.sha256(small["seed"].encode()).hexdigest() == demo["seed_sha256"], "committed")
    cli, lines = replay_with_cli(suanli, repo, firm, small)
    expect(lines == 2, f"{lines}")
    expect_replayed(cli, small)
    mine = ok(firm.call("GET", f"/api/v1/draws/{demo['id']}"))
    expect(mine["own_voucher"]["hours"] == 96, f"{mine}")

    listed = ok(auditor.call("GET", DRAWS))["items"]
    expect([(d["week"], d["status"]) for d in listed] ==
           [("2024-03-11", "drawn"), ("2024-03-18", "drawn")] and
           all("winners" not in d for d in listed), f"{listed}")
    audit = snapshot(auditor)["audit"]
    expect(audit == {"draw.open": 2, "draw.enter": 102, "draw.run": 2,
                     "experience_voucher.issue": len(ran["winners"]) + 2}, f"{audit}")
    ok(auditor.call("POST", "/api/v1/audit/verify"))
    use_vouchers(server, admin, officer, auditor, firm, uni)


def use_vouchers(server, admin, officer, auditor, firm, uni):
    """The demo draw's winners use their vouchers (seed 002: 抽取到免费算力券后…开通一次性算力
    账号): the firm activates its own, gets a one-time account on 南京智能计算中心 limited to 96
    card-hours, runs a job there free of charge (its bill lines are 0.00) and sees the hours
    used; at 24:00 of the last day (30 days, assumed) both vouchers expire."""
    voucher = ok(firm.call("GET", "/api/v1/experience-vouchers"))["items"]
    expect(len(voucher) == 1, f"{voucher}")
    voucher = voucher[0]
    expect(voucher["status"] == "issued" and voucher["hours"] == 96 and
           voucher["last_day"] == "2024-04-13" and
           voucher["expires_at"] == "2024-04-14T00:00:00+08:00" and voucher["account"] is None and
           voucher["center"] is None and voucher["hours_used"] == "0.00" and
           voucher["hours_remaining"] == "96.00", f"{voucher}")
    path = f"/api/v1/experience-vouchers/{voucher['id']}"
    uni_voucher = ok(uni.call("GET", "/api/v1/experience-vouchers"))["items"][0]

    def activations():
        return len(ok(auditor.call("GET", "/api/v1/audit?action=experience_voucher.activate"))["items"])

    def refused_activation(request, status, name, field=None):
        before = (ok(auditor.call("GET", "/api/v1/experience-vouchers?limit=200")), activations())
        body = problem(request(), status, name)
        if field is not None:
            expect(body.get("field") == field, f"field {field}: {body}")
        after = (ok(auditor.call("GET", "/api/v1/experience-vouchers?limit=200")), activations())
        expect(after == before, f"{status} {name} changed nothing: {body}")

    refused_activation(lambda: uni.call("POST", f"{path}/activate"), 403, "forbidden", "id")
    refused_activation(lambda: officer.call("POST", f"{path}/activate"), 403, "forbidden")
    refused_activation(lambda: firm.call("POST", f"{path}/activate", {"account": "mine"}), 422,
                       "unknown_field", "account")
    refused_activation(lambda: firm.call("POST", "/api/v1/experience-vouchers/999/activate"), 404,
                       "not_found")
    refused_activation(lambda: firm.call("POST", "/api/v1/experience-vouchers/x/activate"), 422,
                       "parse_error", "id")
    active = ok(firm.call("POST", f"{path}/activate"))
    expect(active["status"] == "active" and active["account"] == f"exp-{voucher['id']}" and
           active["center"] == "nj-ai" and active["activated_at"] == "2024-03-15T09:00:00+08:00" and
           active["hours_remaining"] == "96.00", f"{active}")
    expect(ok(firm.call("GET", path)) == active, "read back as activated")
    refused_activation(lambda: firm.call("POST", f"{path}/activate"), 409, "state_conflict",
                       "status")
    kinds = [n["kind"] for n in ok(firm.call("GET", "/api/v1/notices"))["items"]]
    expect("experience_voucher.active" in kinds, f"{kinds}")

    # A job on MLU cards goes to the trial account (the organisation's only account there).
    job = ok(firm.call("POST", "/api/v1/jobs", {
        "name": "trial", "resource_type": "mlu", "units": 8, "time_limit_s": 3600,
        "script": "#!/bin/sh\npython train.py\n"}))
    expect(job["state"] == "submitted" and job["center_id"] == active["center_id"], f"{job}")
    ok(admin.call("POST", "/api/v1/admin/clock", {"now": "2024-03-15T11:00:00+08:00"}))
    op = login(server, "op-nj")
    pulled = ok(op.call("POST", f"/api/v1/centers/{active['center_id']}/usage/pull"))
    expect(pulled["amount"] == "0.00" and pulled["rejected"] == 0, f"free: {pulled}")
    for c in (officer, firm, auditor):
        c.relogin()
    ok(officer.call("POST", "/api/v1/admin/expiry/run"))
    used = ok(firm.call("GET", path))
    hours_used, remaining = float(used["hours_used"]), float(used["hours_remaining"])
    expect(used["status"] == "active" and 0 < hours_used <= 8 and
           abs(hours_used + remaining - 96) <= 0.011, f"{used}")
    bills = ok(firm.call("GET", f"/api/v1/bills?org_id={firm.user['org_id']}&period=2024Q1"))
    lines = [ln for b in bills["items"] for ln in b["lines"]]
    expect(lines and all(b["total"] == "0.00" for b in bills["items"]) and
           all(ln["amount"] == "0.00" and ln["discount_share"] == "0%" for ln in lines),
           f"never billed: {bills}")

    # 00:00 after the last day: both expire, the firm's account limited to 0 hours.
    ok(admin.call("POST", "/api/v1/admin/clock", {"now": "2024-04-14T00:00:00+08:00"}))
    for c in (officer, firm, uni, auditor):
        c.relogin()
    ok(officer.call("POST", "/api/v1/admin/expiry/run"))
    expired = ok(firm.call("GET", path))
    expect(expired["status"] == "expired" and expired["ended_at"] == "2024-04-14T00:00:00+08:00" and
           expired["account_closed_at"] == "2024-04-14T00:00:00+08:00" and
           expired["hours_used"] == used["hours_used"], f"{expired}")
    unused = ok(uni.call("GET", f"/api/v1/experience-vouchers/{uni_voucher['id']}"))
    expect(unused["status"] == "expired" and unused["account"] is None, f"{unused}")
    kinds = [n["kind"] for n in ok(uni.call("GET", "/api/v1/notices"))["items"]]
    expect("experience_voucher.expired" in kinds, f"{kinds}")
    refused_activation(lambda: uni.call("POST", f"/api/v1/experience-vouchers/{uni_voucher['id']}/activate"),
                       409, "state_conflict", "status")
    late = ok(firm.call("POST", "/api/v1/jobs", {
        "name": "late", "resource_type": "mlu", "units": 1, "time_limit_s": 600,
        "script": "#!/bin/sh\ntrue\n"}))
    expect(late["state"] == "unplaced", f"no job on a closed trial account: {late}")
    # Every voucher drawn on 2024-03-15 expired (the hundred firms' too), each audited once.
    expired_objects = [e["object"] for e in ok(auditor.call(
        "GET", "/api/v1/audit?action=experience_voucher.expire&limit=1000"))["items"]]
    every = ok(auditor.call("GET", "/api/v1/experience-vouchers?limit=200"))["items"]
    expect(all(v["status"] == "expired" for v in every) and
           sorted(expired_objects) == sorted(f"experience_voucher/{v['id']}" for v in every),
           f"each expiry audited once: {expired_objects}")
    ok(auditor.call("POST", "/api/v1/audit/verify"))


if __name__ == "__main__":
    main()
