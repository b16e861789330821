#!/usr/bin/env python3
"""Jobs on the network over real HTTP, against the demo's two simulated centers: an Ascend job
goes to 成都智算中心 (the only center with npu cards, and its MindSpore 2.2), with 国家超算成都中心
listed as having no such resource; a job no center can take (a deadline before it can end, a
price cap below the price, more cards than exist, a framework version not offered) is
recorded unplaced with each center's reason (the voucher's share of the price and fallback on
a refusing or unreachable center are unit-tested in src/routing/); every job echoes its request
and the most it can cost; the job's state follows the center as the clock moves; a retired
center takes no new job while its running one can still be cancelled; only the organisation
reads a job's script (officers and auditors get its SHA-256); bad input changes nothing.

Usage: jobs_test.py SUANLI_BINARY REPO_DIR"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from suanli_client import login, run_test  # noqa: E402

SCRIPT = "#!/bin/sh\npython train.py\n"


def ok(status_data, codes=(200, 201)):
    status, data = status_data
    assert status in codes, (status, data)
    return data


def verdicts(job, centers):
    names = {c["id"]: c["name"] for c in centers}
    return {names[v["center_id"]]: v["verdict"] for v in job["placement"]}


# What a job answers as its request: every field of POST /jobs, those not sent with the
# platform's defaults.
DEFAULTS = {"name": "", "framework": "", "framework_version_min": "", "time_limit_s": 3600,
            "data_region": "", "max_price": None, "domestic_only": False, "deadline": None,
            "voucher_id": None, "user": "", "working_dir": ""}


def echo(job, script=True):
    out = dict(DEFAULTS, **job)
    if not script:
        del out["script"]
    return out


def main():
    run_test(run)
    print("jobs: placement, reasons, refusal of bad input, batches, cancel and state tracking OK")


def run(server, suanli):
    app = login(server, "demo-applicant")
    centers = ok(app.call("GET", "/api/v1/centers"))["items"]
    ai = next(c for c in centers if c["name"] == "成都智算中心")

    job = {"name": "llm-finetune", "resource_type": "npu", "units": 8, "framework": "MindSpore",
           "framework_version_min": "2.2", "time_limit_s": 7200, "data_region": "成都",
           "script": SCRIPT}
    # Bad input: refused with the field; no job recorded.
    for bad, field in [(dict(job, units=0), "units"), (dict(job, script="echo hi"), "script"),
                       (dict(job, framework_version_min="two"), "framework_version_min"),
                       (dict(job, gpu_model="A800"), "gpu_model"),
                       (dict(job, deadline="2024-02-30T00:00:00+08:00"), "deadline"),
                       (dict(job, max_price="-1.00"), "max_price")]:
        s, data = app.call("POST", "/api/v1/jobs", bad)
        assert s == 422 and data["field"] == field, (bad, s, data)
    s, _ = login(server, "op-ai").call("POST", "/api/v1/jobs", job)
    assert s == 403
    assert ok(app.call("GET", "/api/v1/jobs"))["items"] == []

    placed = ok(app.call("POST", "/api/v1/jobs", job))
    assert placed["state"] == "submitted" and placed["center_id"] == ai["id"], placed
    assert placed["slurm_job_id"], placed
    assert verdicts(placed, centers) == {"成都智算中心": "feasible",
                                         "国家超算成都中心": "no_such_resource"}, placed
    price = next(v for v in placed["placement"] if v["center_id"] == ai["id"])
    assert price["customer_price_fen_per_unit_hour"] == 1200, price  # ¥12.00, no voucher
    assert [a["code"] for a in placed["attempts"]] == ["ok"], placed
    # The job echoes its request, with the defaults the platform applied, and the most it can
    # cost: ¥12.00 × 8 cards × 120 minutes ÷ 60 = ¥192.00.
    assert placed["request"] == echo(job), placed["request"]
    assert placed["max_cost"] == "192.00", placed

    # Nothing can take it: a deadline before the job can end, a price cap, capacity, version.
    none = ok(app.call("POST", "/api/v1/jobs", dict(job, deadline="2024-03-15T09:30:00+08:00")))
    assert none["state"] == "unplaced" and none["center_id"] is None, none
    assert verdicts(none, centers)["成都智算中心"] == "past_deadline", none
    assert none["request"] == echo(dict(job, deadline="2024-03-15T09:30:00+08:00")), none
    assert none["max_cost"] is None, none  # placed nowhere
    cheap = ok(app.call("POST", "/api/v1/jobs", dict(job, max_price="11.99")))
    assert verdicts(cheap, centers)["成都智算中心"] == "over_max_price", cheap
    assert cheap["request"]["max_price"] == "11.99", cheap
    many = ok(app.call("POST", "/api/v1/jobs", dict(job, units=100000)))
    assert verdicts(many, centers)["成都智算中心"] == "insufficient_capacity", many
    old = ok(app.call("POST", "/api/v1/jobs", dict(job, framework_version_min="3.0")))
    assert verdicts(old, centers)["成都智算中心"] == "framework_missing", old

    # A trial account limited to a voucher's hours (Slurm GrpTRESMins): the center refuses a
    # job whose worst case exceeds them, and the refusal is recorded as the attempt's reason.
    op = login(server, "op-ai")
    accounts = ok(op.call("GET", f"/api/v1/centers/{ai['id']}/accounts"))["items"]
    uni_account = next(a for a in accounts if a["account"] == "cd-uni")
    limit_path = f"/api/v1/centers/{ai['id']}/accounts/{uni_account['id']}/limit"
    s, data = op.call("POST", limit_path, {"card_hours": -1, "core_hours": 0})
    assert (s, data["field"]) == (422, "card_hours"), data
    s, _ = login(server, "op-hpc").call("POST", limit_path, {"card_hours": 24, "core_hours": 0})
    assert s == 403
    ok(op.call("POST", limit_path, {"card_hours": 24, "core_hours": 2000}))
    uni = login(server, "uni-applicant")
    refused = ok(uni.call("POST", "/api/v1/jobs", job))  # 8 cards × 2 h = 16 h: fits 24
    assert refused["state"] == "submitted", refused
    refused = ok(uni.call("POST", "/api/v1/jobs", dict(job, time_limit_s=4 * 3600)))
    assert refused["state"] == "unplaced", refused  # 16 h running + 32 h > 24 h
    assert [a["code"] for a in refused["attempts"]] == ["contradiction"], refused

    # The job runs on the simulated center as (simulated) time passes.
    admin = login(server, "admin")
    ok(admin.call("POST", "/api/v1/admin/clock", {"now": "2024-03-15T13:00:00+08:00"}))
    app.relogin()
    jobs = ok(app.call("GET", "/api/v1/jobs"))["items"]
    mine = next(j for j in jobs if j["id"] == placed["id"])
    assert mine["state"] in ("completed", "timeout", "failed"), mine
    assert len(jobs) == 5, jobs
    # The list echoes each request (not its script: one job has it) and the most it can cost.
    assert mine["request"] == echo(job, script=False), mine
    assert mine["max_cost"] == "192.00", mine
    one = ok(app.call("GET", f"/api/v1/jobs/{placed['id']}"))
    assert one["request"] == echo(job) and one["max_cost"] == "192.00", one
    # Another organisation does not see them; officers see every job.
    assert len(ok(login(server, "uni-applicant").call("GET", "/api/v1/jobs"))["items"]) == 2
    assert login(server, "uni-applicant").call("GET", f"/api/v1/jobs/{placed['id']}")[0] == 404
    assert len(ok(login(server, "officer").call("GET", "/api/v1/jobs"))["items"]) == 7
    # The script is the organisation's own code: an officer or auditor reading the job gets its
    # SHA-256 (of the script's UTF-8 bytes), not its text.
    digest = hashlib.sha256(SCRIPT.encode()).hexdigest()
    for who in ("officer", "auditor"):
        seen = ok(login(server, who).call("GET", f"/api/v1/jobs/{placed['id']}"))
        assert seen["request"] == dict(echo(job, script=False), script_sha256=digest), seen

    # A batch: every job validated before any is submitted (an error names the job), then
    # placed together by the planner and submitted to the planned centers.
    hpc = next(c for c in centers if c["name"] == "国家超算成都中心")
    dcu = dict(job, resource_type="dcu", units=4, framework="PyTorch",
               framework_version_min="2.1", name="dcu-sim")
    before = len(ok(app.call("GET", "/api/v1/jobs"))["items"])
    for body, field in [({"jobs": [job, dict(job, units=0)]}, "jobs[1].units"),
                        ({"jobs": [job, dict(job, colour="red")]}, "jobs[1].colour"),
                        ({"jobs": []}, "jobs"), ({"jobs": [job] * 201}, "jobs"),
                        ({"jobs": job}, "jobs"), ({"jobs": [job], "x": 1}, "x"),
                        ({"jobs": [job, dict(job, voucher_id=999999)]}, "jobs[1].voucher")]:
        s, data = app.call("POST", "/api/v1/jobs/batch", body)
        assert s in (404, 422) and data.get("field", "").startswith(field), (field, s, data)
    assert len(ok(app.call("GET", "/api/v1/jobs"))["items"]) == before
    batch = ok(app.call("POST", "/api/v1/jobs/batch",
                        {"jobs": [job, dcu, dict(job, units=100000, name="too-big")]}))
    got = [(j["state"], j["center_id"]) for j in batch["items"]]
    assert got == [("submitted", ai["id"]), ("submitted", hpc["id"]), ("unplaced", None)], got
    assert [j["request"]["name"] for j in batch["items"]] == \
        ["llm-finetune", "dcu-sim", "too-big"], batch
    # dcu at ¥6.00 × 4 cards × 120 minutes ÷ 60 = ¥48.00
    assert [j["max_cost"] for j in batch["items"]] == ["192.00", "48.00", None], batch
    assert batch["planned_unplaced"] == 1 and batch["proven_optimal"] is True, batch
    # The plan's score is the two placed jobs' router scores.
    scores = [next(v["score_fen"] for v in j["placement"] if v["center_id"] == j["center_id"])
              for j in batch["items"][:2]]
    assert batch["planned_score"] == f"{sum(scores) / 100:.2f}", (batch["planned_score"], scores)
    assert len(ok(app.call("GET", "/api/v1/jobs"))["items"]) == before + 3

    # One job read back; another organisation's is not found; cancelling asks the center.
    first = batch["items"][0]
    assert ok(app.call("GET", f"/api/v1/jobs/{first['id']}"))["center_id"] == ai["id"]
    uni = login(server, "uni-applicant")
    assert uni.call("GET", f"/api/v1/jobs/{first['id']}")[0] == 404
    assert uni.call("POST", f"/api/v1/jobs/{first['id']}/cancel")[0] == 404
    assert login(server, "officer").call("POST", f"/api/v1/jobs/{first['id']}/cancel")[0] == 403
    s, data = app.call("POST", f"/api/v1/jobs/{batch['items'][2]['id']}/cancel")
    assert s == 409 and "unplaced" in data["detail"], data  # never placed: nothing to cancel
    cancelled = ok(app.call("POST", f"/api/v1/jobs/{first['id']}/cancel"))
    assert cancelled["state"] == "cancelled", cancelled
    assert cancelled["request"] == echo(job), cancelled
    s, data = app.call("POST", f"/api/v1/jobs/{first['id']}/cancel")
    assert s == 409 and "cancelled" in data["detail"], data

    # A retired center takes no new job (not even listed with a reason); a job it runs goes on
    # and can still be cancelled.
    running = ok(app.call("POST", "/api/v1/jobs", dict(job, time_limit_s=600)))
    assert running["center_id"] == ai["id"], running
    op = login(server, "op-ai")
    ok(op.call("POST", f"/api/v1/centers/{ai['id']}/retire", {"reason": "moving"}))
    after = ok(app.call("POST", "/api/v1/jobs", job))
    assert after["state"] == "unplaced", after
    assert verdicts(after, centers) == {"国家超算成都中心": "no_such_resource"}, after
    assert ok(app.call("GET", f"/api/v1/jobs/{running['id']}"))["center_id"] == ai["id"]
    assert ok(app.call("POST", f"/api/v1/jobs/{running['id']}/cancel"))["state"] == "cancelled"


if __name__ == "__main__":
    main()
