#!/usr/bin/env python3
"""`suanli serve --centers` against the real two-center Slurm lab (scripts/slurm/up.sh): the
server connects both clusters through their slurmrestd with the JWTs in token files; a provider
registers each lab cluster as a center with a price, maps the applicant's organisation to a
Slurm account there; the applicant submits a CPU job and a GPU job through the API, and each is
routed to the only center that offers its resource, runs under Slurm and completes; the server's
periodic usage pull then meters both from slurmdbd into the organisation's bills at the
center's price to the fen, and pulling again changes nothing. A malformed --centers file stops
the server with the field named.

Usage: slurm_serve_test.py SUANLI_BINARY REPO_DIR   (SUANLI_SLURM_LAB_DIR: the running lab)"""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
from suanli_client import Server, login  # noqa: E402

CORE_HOUR = "3600.00"    # ¥1.00 per core-second: a bill line's amount is its core-seconds in yuan
CARD_HOUR = "36000.00"   # ¥10.00 per card-second


def lab_env():
    env = {}
    with open(os.path.join(os.environ["SUANLI_SLURM_LAB_DIR"], "env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v.strip('"')
    return env


def ok(status_data, codes=(200, 201)):
    status, data = status_data
    assert status in codes, (status, data)
    return data


def center_spec(cluster, partition, gpus):
    part = {"name": partition, "billing_mode": "shared", "nodes": 1, "cpu_model": "lab",
            "cores_per_node": 32, "memory_gb_per_node": 125}
    if gpus:
        part["accelerator"] = {"model": "NVIDIA A800", "per_node": gpus, "memory_gb": 80,
                               "domestic": False, "gres": "gpu"}
    return {"name": "lab " + cluster, "kind": "supercomputing", "region": "成都",
            "latency_class": "metro", "slurm_cluster": cluster, "partitions": [part],
            "software": [{"name": "PyTorch", "version": "2.1.0"}]}


def wait_for(what, fn, seconds):
    deadline = time.time() + seconds
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(1)


def bad_config_refused(suanli, repo, tmp):
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as f:
        f.write('[[center]]\ncluster = "center-a"\nrest_url = "http://127.0.0.1:1"\n'
                'token_file = "missing.jwt"\n')
    p = subprocess.run([suanli, "serve", "--data", os.path.join(tmp, "bad-data"), "--programs",
                        os.path.join(repo, "programs"), "--port", "0", "--centers", bad],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "center[0].token_file" in p.stderr, (p.returncode, p.stderr)


def run(suanli, repo, tmp):
    env = lab_env()
    bad_config_refused(suanli, repo, tmp)
    partition = env["SUANLI_SLURM_PARTITION"]
    with open(os.path.join(tmp, "centers.toml"), "w") as cfg:
        for cluster in ("center-a", "center-b"):
            u = cluster.upper().replace("-", "_")
            token = os.path.join(tmp, cluster + ".jwt")
            with open(os.open(token, os.O_WRONLY | os.O_CREAT, 0o600), "w") as t:
                t.write("SLURM_JWT=" + env[f"SUANLI_SLURM_{u}_TOKEN"] + "\n")
            cfg.write(f'[[center]]\ncluster = "{cluster}"\n'
                      f'rest_url = "{env[f"SUANLI_SLURM_{u}_REST_URL"]}"\n'
                      f'token_file = "{cluster}.jwt"\n'
                      f'slurm_conf = "{env[f"SUANLI_SLURM_{u}_CONF"]}"\nusage_settle_s = 3\n\n')
    server = Server(suanli, repo, extra=["--centers", os.path.join(tmp, "centers.toml"),
                                         "--usage-interval", "2"])
    try:
        app = login(server, "demo-applicant")
        org_id = app.user["org_id"]
        officer = login(server, "officer")
        ops = {"center-a": login(server, "op-hpc"), "center-b": login(server, "op-ai")}
        centers = {}
        for cluster, gpus, unit, price in (("center-a", 0, "core_hour", CORE_HOUR),
                                           ("center-b", 4, "card_hour", CARD_HOUR)):
            op = ops[cluster]
            c = ok(op.call("POST", f"/api/v1/providers/{op.user['provider_id']}/centers",
                           center_spec(cluster, partition, gpus)))
            ok(op.call("POST", f"/api/v1/centers/{c['id']}/prices",
                       {"partition": partition, "unit": unit, "price": price,
                        "effective_from": "2024-01-01"}))
            # The account "nobody" is created on the cluster with the Unix user of its name.
            ok(op.call("POST", f"/api/v1/centers/{c['id']}/accounts",
                       {"account": "nobody", "org_id": org_id}))
            centers[cluster] = c

        # Only the center's own provider, or an admin, pulls its usage.
        s, _ = app.call("POST", f"/api/v1/centers/{centers['center-a']['id']}/usage/pull")
        assert s == 403, s
        s, _ = ops["center-b"].call("POST", f"/api/v1/centers/{centers['center-a']['id']}/usage/pull")
        assert s == 403, s

        job = {"resource_type": "cpu", "units": 2, "time_limit_s": 300, "user": "nobody",
               "script": "#!/bin/sh\nsleep 3\n", "name": "lab-cpu"}
        cpu = ok(app.call("POST", "/api/v1/jobs", job))
        assert cpu["state"] == "submitted" and cpu["center_id"] == centers["center-a"]["id"], cpu
        gpu = ok(app.call("POST", "/api/v1/jobs", dict(job, resource_type="gpu", units=1,
                                                       name="lab-gpu")))
        assert gpu["state"] == "submitted" and gpu["center_id"] == centers["center-b"]["id"], gpu

        def states():
            items = ok(app.call("GET", "/api/v1/jobs"))["items"]
            mine = {j["id"]: j["state"] for j in items if j["id"] in (cpu["id"], gpu["id"])}
            return mine if all(s == "completed" for s in mine.values()) else None
        wait_for("both jobs to complete under Slurm", states, 180)

        # The periodic pull (every 2 s, jobs held back 3 s after they end) meters both jobs.
        today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
        period = f"{today.year}Q{(today.month - 1) // 3 + 1}"

        def lines():
            bills = ok(officer.call("GET", f"/api/v1/bills?org_id={org_id}&period={period}"))
            found = {}
            for b in bills["items"]:
                for line in b["lines"]:
                    for cluster, j in (("center-a", cpu), ("center-b", gpu)):
                        if line["center"] == cluster and line["job_id"] == j["slurm_job_id"]:
                            found[cluster] = line
            return found if len(found) == 2 else None
        found = wait_for("the usage pull to bill both jobs", lines, 120)
        a, b = found["center-a"], found["center-b"]
        assert a["unit"] == "core_hour" and a["unit_price"] == CORE_HOUR, a
        assert b["unit"] == "card_hour" and b["unit_price"] == CARD_HOUR, b
        # 2 cores and 1 card for at least the 3 s the script sleeps; the price per second exact.
        assert a["quantity_unit_s"] >= 2 * 3 and a["quantity_unit_s"] % 2 == 0, a
        assert a["amount"] == f"{a['quantity_unit_s']}.00", a
        assert b["quantity_unit_s"] >= 3, b
        assert b["amount"] == f"{b['quantity_unit_s'] * 10}.00", b

        # Pulling again now reads nothing new: the cursor stands past both jobs.
        again = ok(ops["center-a"].call("POST",
                                        f"/api/v1/centers/{centers['center-a']['id']}/usage/pull"))
        assert again["ingested"] == 0 and again["amount"] == "0.00", again
        assert again["cursor"], again
        assert lines() == found
        print(f"ok: cpu job {cpu['slurm_job_id']} on center-a ¥{a['amount']}, "
              f"gpu job {gpu['slurm_job_id']} on center-b ¥{b['amount']}")
    finally:
        server.stop()
        server.cleanup()


def main():
    tmp = tempfile.mkdtemp(prefix="suanli-slurm-serve-")
    try:
        run(sys.argv[1], sys.argv[2], tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
