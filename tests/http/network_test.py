#!/usr/bin/env python3
"""The compute network over real HTTP: the demo's two centers and their prices are published to
everyone; a provider's operator registers a center, quotes prices and lists goods for its own
provider only; the catalogue search finds centers by accelerator model and software and goods by
name; every bad input is refused with the field and leaves the network unchanged.

Usage: network_test.py SUANLI_BINARY REPO_DIR"""
import copy
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from suanli_client import Client, login, run_test  # noqa: E402

NEW_CENTER = {
    "name": "成都智算中心二期", "kind": "intelligent", "region": "成都",
    "latency_class": "metro", "slurm_cluster": "center-c",
    "partitions": [
        {"name": "a800", "billing_mode": "exclusive", "nodes": 16, "cpu_model": "Xeon 8358",
         "cores_per_node": 64, "memory_gb_per_node": 1024,
         "accelerator": {"model": "NVIDIA A800", "per_node": 8, "memory_gb": 80,
                         "domestic": False}},
        {"name": "cpu", "billing_mode": "shared", "nodes": 4, "cpu_model": "Kunpeng 920",
         "cores_per_node": 96, "memory_gb_per_node": 512},
    ],
    "software": [{"name": "PyTorch", "version": "2.1.0"}],
}


def snapshot(anon):
    """Everything the network publishes: centers, each center's prices, and all goods."""
    s, centers = anon.call("GET", "/api/v1/centers")
    assert s == 200, (s, centers)
    prices = {}
    for c in centers["items"]:
        s, p = anon.call("GET", f"/api/v1/centers/{c['id']}/prices")
        assert s == 200, (s, p)
        prices[c["id"]] = p["items"]
    s, cat = anon.call("GET", "/api/v1/catalogue")
    assert s == 200, (s, cat)
    return {"centers": centers["items"], "prices": prices, "goods": cat["goods"]}


def expect_refused(client, method, path, body, status, field, before, anon):
    s, data = client.call(method, path, body)
    assert s == status, (method, path, body, s, data)
    assert data["type"].startswith("https://") or data.get("code"), data
    if field is not None:
        assert data.get("field") == field, (path, field, data)
    after = snapshot(anon)
    assert after == before, f"state changed after a refused {method} {path}"


def main():
    run_test(run)
    print("network: centers, prices, goods and catalogue OK")


def run(server, suanli):
    anon = Client(server)
    # The platform's day, for "in force today": the demo's clock, not the caller's.
    s, clock = anon.call("GET", "/api/v1/clock")
    assert s == 200 and clock == {"now": "2024-03-15T09:00:00+08:00", "today": "2024-03-15",
                                  "manual": True}, (s, clock)
    before = snapshot(anon)
    # The demo: seed 000's two centers, published with their cards and prices.
    by_name = {c["name"]: c for c in before["centers"]}
    hpc, ai = by_name["国家超算成都中心"], by_name["成都智算中心"]
    assert ai["cards"] == 960 and ai["slurm_cluster"] == "cd-ai", ai
    assert hpc["cards"] == 2048 and hpc["cores"] == 512 * 32 + 256 * 64, hpc
    assert ai["partitions"][0]["accelerator"] == {
        "model": "Ascend 910B", "per_node": 8, "memory_gb": 64, "domestic": True,
        "gres": "npu"}, ai
    ai_prices = before["prices"][ai["id"]]
    assert [(p["partition"], p["unit"], p["price"], p["effective_from"]) for p in ai_prices] \
        == [("ascend", "card_hour", "12.00", "2024-01-01")], ai_prices

    # Everyone searches the catalogue: by accelerator model, software, goods name.
    s, found = anon.call("GET", "/api/v1/catalogue?q=ascend%20910b")
    assert s == 200 and [c["name"] for c in found["centers"]] == ["成都智算中心"], found
    s, found = anon.call("GET", "/api/v1/catalogue?q=mindspore")
    assert [c["name"] for c in found["centers"]] == ["成都智算中心"], found
    s, found = anon.call("GET", "/api/v1/catalogue?q=dcu&kind=compute")
    assert [c["name"] for c in found["centers"]] == ["国家超算成都中心"] and \
        found["goods"] == [], found
    s, found = anon.call("GET", "/api/v1/catalogue?q=qwen")
    assert found["centers"] == [] and [g["kind"] for g in found["goods"]] == ["model"], found
    s, found = anon.call("GET", "/api/v1/catalogue?kind=service")
    assert [g["price"] for g in found["goods"]] == ["50000.00"], found
    s, bad = anon.call("GET", "/api/v1/catalogue?kind=gold")
    assert s == 422 and bad["field"] == "kind", bad

    op_ai, op_hpc = login(server, "op-ai"), login(server, "op-hpc")
    applicant = login(server, "demo-applicant")
    provider_ai = op_ai.user["provider_id"]
    provider_hpc = op_hpc.user["provider_id"]
    centers_path = f"/api/v1/providers/{provider_ai}/centers"

    # Bad input and wrong roles: refused with the field, nothing changes.
    broken = copy.deepcopy(NEW_CENTER)
    broken["partitions"][0]["accelerator"]["per_node"] = 0
    expect_refused(op_ai, "POST", centers_path, broken, 422,
                   "partitions[0].accelerator.per_node", before, anon)
    broken = copy.deepcopy(NEW_CENTER)
    broken["partitions"][1]["name"] = "a800"
    expect_refused(op_ai, "POST", centers_path, broken, 409, "partitions[1].name", before,
                   anon)
    broken = dict(NEW_CENTER, cooling="liquid")
    expect_refused(op_ai, "POST", centers_path, broken, 422, "cooling", before, anon)
    expect_refused(op_ai, "POST", centers_path, "{not json", 422, None, before, anon)
    expect_refused(op_ai, "POST", centers_path, dict(NEW_CENTER, name="成都智算中心"), 409,
                   "name", before, anon)
    expect_refused(op_ai, "POST", centers_path, dict(NEW_CENTER, slurm_cluster="cd-hpc"),
                   409, "slurm_cluster", before, anon)
    expect_refused(op_hpc, "POST", centers_path, NEW_CENTER, 403, None, before, anon)
    expect_refused(applicant, "POST", centers_path, NEW_CENTER, 403, None, before, anon)
    expect_refused(anon, "POST", centers_path, NEW_CENTER, 401, None, before, anon)

    # The operator registers its provider's new center.
    s, center = op_ai.call("POST", centers_path, NEW_CENTER)
    assert s == 201, (s, center)
    assert center["provider_id"] == provider_ai and center["cards"] == 128, center
    assert center["cores"] == 16 * 64 + 4 * 96, center
    s, again = anon.call("GET", f"/api/v1/centers/{center['id']}")
    assert s == 200 and again == center, (again, center)
    before = snapshot(anon)

    prices_path = f"/api/v1/centers/{center['id']}/prices"
    good_price = {"partition": "a800", "unit": "card_hour", "price": "18.50",
                  "effective_from": "2024-04-01"}
    for body, status, field in [
        (dict(good_price, partition="h100"), 404, "partition"),
        (dict(good_price, partition="cpu"), 422, "unit"),  # no cards to price per card
        (dict(good_price, unit="card_minute"), 422, "unit"),
        (dict(good_price, price="-1.00"), 422, "price"),
        (dict(good_price, price="0.00"), 422, "price"),
        (dict(good_price, price="18.505"), 422, "price"),
        (dict(good_price, price=18.5), 422, "price"),
        (dict(good_price, price="100000.01"), 422, "price"),
        (dict(good_price, effective_from="2024-02-30"), 422, "effective_from"),
        (dict(good_price, discount="C"), 422, "discount"),
    ]:
        expect_refused(op_ai, "POST", prices_path, body, status, field, before, anon)
    expect_refused(op_hpc, "POST", prices_path, good_price, 403, None, before, anon)
    s, price = op_ai.call("POST", prices_path, good_price)
    assert s == 201 and price["price"] == "18.50", (s, price)
    # A correction is a later entry; two entries for one day are refused.
    before = snapshot(anon)
    expect_refused(op_ai, "POST", prices_path, dict(good_price, price="17.00"), 409,
                   "effective_from", before, anon)
    s, _ = op_ai.call("POST", prices_path, dict(good_price, price="17.00",
                                                effective_from="2024-05-01"))
    assert s == 201
    # A partition is billed in one unit.
    expect_refused(op_ai, "POST", prices_path, dict(good_price, unit="node_hour",
                                                    effective_from="2024-06-01"), 422,
                   "unit", snapshot(anon), anon)
    s, listed = anon.call("GET", prices_path)
    assert [(p["price"], p["effective_from"]) for p in listed["items"]] == \
        [("18.50", "2024-04-01"), ("17.00", "2024-05-01")], listed

    # Slurm TRES billing weights: a billing-unit price needs them, other units refuse them.
    billing = {"partition": "cpu", "unit": "billing_hour", "price": "0.08",
               "effective_from": "2024-04-01"}
    before = snapshot(anon)
    expect_refused(op_ai, "POST", prices_path, billing, 422, "billing_weights", before, anon)
    expect_refused(op_ai, "POST", prices_path, dict(billing, billing_weights="CPU=x"), 422,
                   "billing_weights", before, anon)
    expect_refused(op_ai, "POST", prices_path, dict(good_price, effective_from="2024-07-01",
                                                    billing_weights="CPU=1.0"), 422,
                   "billing_weights", before, anon)
    s, weighted = op_ai.call("POST", prices_path,
                             dict(billing, billing_weights="CPU=1.0,Mem=0.25G"))
    assert s == 201 and weighted["billing_weights"] == "CPU=1.0,Mem=0.25G", (s, weighted)

    # Goods: listed by the provider's operator, found by everyone.
    goods = {"provider_id": provider_ai, "center_id": center["id"], "kind": "dataset",
             "name": "川渝方言语音数据集", "description": "10,000 小时标注语音",
             "unit": "份", "price": "80000.00"}
    before = snapshot(anon)
    for body, status, field in [
        (dict(goods, kind="gold"), 422, "kind"),
        (dict(goods, price="-5.00"), 422, "price"),
        (dict(goods, name=""), 422, "name"),
        (dict(goods, center_id=hpc["id"]), 403, "center_id"),
    ]:
        expect_refused(op_ai, "POST", "/api/v1/goods", body, status, field, before, anon)
    expect_refused(op_hpc, "POST", "/api/v1/goods", goods, 403, None, before, anon)
    s, g = op_ai.call("POST", "/api/v1/goods", goods)
    assert s == 201 and g["provider_name"] == "成都智算中心", (s, g)
    expect_refused(op_ai, "POST", "/api/v1/goods", goods, 409, "name", snapshot(anon), anon)
    s, found = anon.call("GET", "/api/v1/catalogue?q=" + urllib.parse.quote("方言"))
    assert [x["id"] for x in found["goods"]] == [g["id"]], found
    s, found = anon.call("GET", "/api/v1/catalogue?q=a800")
    assert [c["name"] for c in found["centers"]] == ["成都智算中心二期"], found

    # Every change is on the audit record.
    auditor = login(server, "auditor")
    s, log = auditor.call("GET", "/api/v1/audit?action=center.register")
    assert s == 200 and any(e["object"] == f"center/{center['id']}" for e in log["items"]), log
    s, log = auditor.call("GET", "/api/v1/audit?action=price.set")
    assert len([e for e in log["items"] if e["object"] == f"center/{center['id']}"]) == 3, log


if __name__ == "__main__":
    main()
