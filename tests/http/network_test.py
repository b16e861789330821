#!/usr/bin/env python3
"""The compute network over real HTTP: the demo's two centers and their prices are published to
everyone, each center with its prices in force; a provider's operator registers a center, quotes
prices, lists goods, reprices and withdraws them, edits the center, retires and reinstates it, for its own
provider only; the catalogue search finds centers by accelerator model and software and goods by
name, and leaves withdrawn goods and retired centers out; goods are listed in pages; every bad
input is refused with the field and leaves the network unchanged.

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


def all_goods(client, query=""):
    """Every item of GET /goods?<query>, following next_cursor page by page (2 a page)."""
    items, after = [], None
    for _ in range(100):
        path = f"/api/v1/goods?limit=2{query}" + (f"&after={after}" if after else "")
        s, page = client.call("GET", path)
        assert s == 200, (s, page)
        items += page["items"]
        after = page["next_cursor"]
        if after is None:
            return items
    raise AssertionError("GET /goods: next_cursor never ended")


def snapshot(anon):
    """Everything the network publishes: centers, each center's prices, the catalogue and all
    goods (withdrawn ones too)."""
    s, centers = anon.call("GET", "/api/v1/centers")
    assert s == 200, (s, centers)
    prices = {}
    for c in centers["items"]:
        s, p = anon.call("GET", f"/api/v1/centers/{c['id']}/prices")
        assert s == 200, (s, p)
        prices[c["id"]] = p["items"]
    s, cat = anon.call("GET", "/api/v1/catalogue")
    assert s == 200, (s, cat)
    return {"centers": centers["items"], "prices": prices, "catalogue": cat,
            "goods": all_goods(anon, "&include_withdrawn=true")}


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
    # Each center carries the prices in force on the platform's day, so the catalogue needs no
    # request per center; and whether it was retired.
    assert ai["prices_in_force"] == [{"partition": "ascend", "unit": "card_hour",
                                      "price": "12.00", "effective_from": "2024-01-01",
                                      "billing_weights": ""}], ai
    assert [(p["partition"], p["price"]) for p in hpc["prices_in_force"]] == \
        [("cpu", "8.00"), ("dcu", "6.00")], hpc
    assert ai["retired_at"] is None and hpc["retired_at"] is None

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
    # Its prices in force today: none yet (its first takes effect on 2024-04-01).
    assert found["centers"][0]["prices_in_force"] == [], found

    goods_lifecycle(server, anon, op_ai, op_hpc, applicant, g, provider_ai, provider_hpc)
    center_changes(server, anon, op_ai, op_hpc, applicant, center, hpc, NEW_CENTER)

    # Every change is on the audit record.
    auditor = login(server, "auditor")
    s, log = auditor.call("GET", "/api/v1/audit?action=center.register")
    assert s == 200 and any(e["object"] == f"center/{center['id']}" for e in log["items"]), log
    s, log = auditor.call("GET", "/api/v1/audit?action=price.set")
    assert len([e for e in log["items"] if e["object"] == f"center/{center['id']}"]) == 3, log
    for action, count in [("center.edit", 1), ("center.retire", 1), ("center.reinstate", 1),
                          ("goods.edit", 2),
                          ("goods.withdraw", 1)]:
        s, log = auditor.call("GET", f"/api/v1/audit?action={action}")
        assert s == 200 and len(log["items"]) == count, (action, log)


def goods_lifecycle(server, anon, op_ai, op_hpc, applicant, g, provider_ai, provider_hpc):
    """GET /goods pages and filters; the provider reprices and withdraws its goods; refusals
    change nothing."""
    listed = all_goods(anon)
    assert [x["id"] for x in listed] == sorted(x["id"] for x in listed), listed
    assert len(listed) == 4 and g["id"] in [x["id"] for x in listed], listed
    mine = all_goods(anon, f"&provider_id={provider_ai}")
    assert {x["provider_id"] for x in mine} == {provider_ai} and len(mine) == 3, mine
    s, models = anon.call("GET", "/api/v1/goods?kind=model")
    assert s == 200 and [x["kind"] for x in models["items"]] == ["model"], models
    for query, field in [("kind=gold", "kind"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("limit=10x", "limit"), ("after=5x", "after"), ("after=-1", "after"),
                         ("provider_id=x", "provider_id"), ("include_withdrawn=yes",
                                                            "include_withdrawn")]:
        s, bad = anon.call("GET", "/api/v1/goods?" + query)
        assert s == 422 and bad["field"] == field, (query, s, bad)
    s, one = anon.call("GET", f"/api/v1/goods/{g['id']}")
    assert s == 200 and one == dict(g, withdrawn_at=None), (one, g)
    assert anon.call("GET", "/api/v1/goods/999999")[0] == 404

    path = f"/api/v1/goods/{g['id']}"
    before = snapshot(anon)
    for body, status, field in [
        ({"price": "-1.00"}, 422, "price"), ({"price": 70000}, 422, "price"),
        ({"price": "1.234"}, 422, "price"), ({"price": "100000000.01"}, 422, "price"),
        ({"unit": ""}, 422, "unit"), ({"description": "x" * 4001}, 422, "description"),
        ({"name": "renamed"}, 422, "name"), ({"kind": "model"}, 422, "kind"),
        ({}, 422, None), ("[1]", 422, None),
    ]:
        expect_refused(op_ai, "PATCH", path, body, status, field, before, anon)
    expect_refused(op_hpc, "PATCH", path, {"price": "1.00"}, 403, None, before, anon)
    expect_refused(applicant, "PATCH", path, {"price": "1.00"}, 403, None, before, anon)
    expect_refused(anon, "PATCH", path, {"price": "1.00"}, 401, None, before, anon)
    expect_refused(op_ai, "PATCH", "/api/v1/goods/999999", {"price": "1.00"}, 404, None,
                   before, anon)
    s, repriced = op_ai.call("PATCH", path, {"price": "72000.00"})
    assert s == 200 and repriced["price"] == "72000.00" and repriced["unit"] == "份", repriced
    s, found = anon.call("GET", "/api/v1/catalogue?q=" + urllib.parse.quote("方言"))
    assert [x["price"] for x in found["goods"]] == ["72000.00"], found
    s, described = op_ai.call("PATCH", path, {"unit": "套", "description": "12,000 小时"})
    assert s == 200 and (described["unit"], described["price"]) == ("套", "72000.00"), described

    before = snapshot(anon)
    withdraw = path + "/withdraw"
    expect_refused(op_hpc, "POST", withdraw, {}, 403, None, before, anon)
    expect_refused(applicant, "POST", withdraw, {}, 403, None, before, anon)
    expect_refused(op_ai, "POST", withdraw, {"reason": "x" * 501}, 422, "reason", before, anon)
    expect_refused(op_ai, "POST", withdraw, {"why": "x"}, 422, "why", before, anon)
    s, gone = op_ai.call("POST", withdraw, {"reason": "superseded by a larger set"})
    assert s == 200 and gone["withdrawn_at"] == "2024-03-15T09:00:00+08:00", gone
    s, found = anon.call("GET", "/api/v1/catalogue?q=" + urllib.parse.quote("方言"))
    assert found["goods"] == [], found
    assert g["id"] not in [x["id"] for x in all_goods(anon)]
    kept = [x for x in all_goods(anon, "&include_withdrawn=true") if x["id"] == g["id"]]
    assert kept == [gone], kept
    s, one = anon.call("GET", f"/api/v1/goods/{g['id']}")
    assert s == 200 and one == gone, one
    before = snapshot(anon)
    expect_refused(op_ai, "POST", withdraw, None, 409, "goods_id", before, anon)
    expect_refused(op_ai, "PATCH", path, {"price": "1.00"}, 409, "goods_id", before, anon)


def center_changes(server, anon, op_ai, op_hpc, applicant, center, hpc, spec):
    """The operator edits how its center is described, retires it and reinstates it; refusals
    change nothing; a retired center leaves the catalogue but stays listed with its prices."""
    path = f"/api/v1/centers/{center['id']}"
    before = snapshot(anon)
    for body, status, field in [
        ({"slurm_cluster": "center-d"}, 422, "slurm_cluster"),
        ({"partitions": spec["partitions"]}, 422, "partitions"),
        ({"provider_id": 1}, 422, "provider_id"), ({"id": 9}, 422, "id"),
        ({"kind": "quantum"}, 422, "kind"), ({"latency_class": "orbit"}, 422, "latency_class"),
        ({"name": ""}, 422, "name"), ({"region": 5}, 422, "region"),
        ({"software": [{"name": "PyTorch"}]}, 422, "software[0].version"),
        ({}, 422, None), ("{not json", 422, None),
        ({"name": hpc["name"]}, 409, "name"),
    ]:
        expect_refused(op_ai, "PATCH", path, body, status, field, before, anon)
    expect_refused(op_hpc, "PATCH", path, {"region": "重庆"}, 403, None, before, anon)
    expect_refused(applicant, "PATCH", path, {"region": "重庆"}, 403, None, before, anon)
    expect_refused(anon, "PATCH", path, {"region": "重庆"}, 401, None, before, anon)
    expect_refused(op_ai, "PATCH", "/api/v1/centers/999999", {"region": "重庆"}, 404, None,
                   before, anon)
    s, edited = op_ai.call("PATCH", path, {
        "region": "重庆", "latency_class": "province",
        "software": [{"name": "PyTorch", "version": "2.3.0"}, {"name": "vLLM", "version": "0.4"}]})
    assert s == 200, (s, edited)
    assert (edited["region"], edited["latency_class"], edited["name"]) == \
        ("重庆", "province", center["name"]), edited
    assert edited["slurm_cluster"] == center["slurm_cluster"] and \
        edited["partitions"] == center["partitions"], edited
    s, again = anon.call("GET", path)
    assert s == 200 and again == edited, again
    s, found = anon.call("GET", "/api/v1/catalogue?q=vllm")
    assert [c["id"] for c in found["centers"]] == [center["id"]], found

    before = snapshot(anon)
    retire = path + "/retire"
    expect_refused(op_hpc, "POST", retire, {}, 403, None, before, anon)
    expect_refused(applicant, "POST", retire, {}, 403, None, before, anon)
    expect_refused(anon, "POST", retire, {}, 401, None, before, anon)
    expect_refused(op_ai, "POST", retire, {"reason": "x" * 501}, 422, "reason", before, anon)
    s, retired = op_ai.call("POST", retire, {"reason": "merged into 成都智算中心"})
    assert s == 200 and retired["retired_at"] == "2024-03-15T09:00:00+08:00", retired
    # Still listed and readable, with its price list; out of the catalogue.
    s, listed = anon.call("GET", "/api/v1/centers")
    assert [c for c in listed["items"] if c["id"] == center["id"]] == [retired], listed
    s, found = anon.call("GET", "/api/v1/catalogue?q=vllm")
    assert found["centers"] == [], found
    s, prices = anon.call("GET", path + "/prices")
    assert s == 200 and len(prices["items"]) == 3, prices
    before = snapshot(anon)
    expect_refused(op_ai, "POST", retire, None, 409, "center_id", before, anon)
    expect_refused(op_ai, "PATCH", path, {"region": "成都"}, 409, "center_id", before, anon)
    # A price from after the retirement prices nothing; goods cannot name it.
    expect_refused(op_ai, "POST", path + "/prices",
                   {"partition": "a800", "unit": "card_hour", "price": "16.00",
                    "effective_from": "2024-06-01"}, 409, "effective_from", before, anon)
    expect_refused(op_ai, "POST", "/api/v1/goods",
                   {"provider_id": center["provider_id"], "center_id": center["id"],
                    "kind": "dataset", "name": "新数据集", "unit": "份", "price": "1.00"},
                   409, "center_id", before, anon)

    # The retirement is undone by the same operator: back in the catalogue, editable again.
    reinstate = path + "/reinstate"
    expect_refused(op_hpc, "POST", reinstate, {}, 403, None, before, anon)
    expect_refused(applicant, "POST", reinstate, {}, 403, None, before, anon)
    expect_refused(anon, "POST", reinstate, {}, 401, None, before, anon)
    expect_refused(op_ai, "POST", reinstate, {"reason": "x" * 501}, 422, "reason", before, anon)
    s, back = op_ai.call("POST", reinstate, {"reason": "the merger was called off"})
    assert s == 200 and back["retired_at"] is None, back
    assert {k: v for k, v in back.items() if k != "retired_at"} == \
        {k: v for k, v in retired.items() if k != "retired_at"}, (back, retired)
    s, found = anon.call("GET", "/api/v1/catalogue?q=vllm")
    assert [c["id"] for c in found["centers"]] == [center["id"]], found
    before = snapshot(anon)
    expect_refused(op_ai, "POST", reinstate, None, 409, "center_id", before, anon)


if __name__ == "__main__":
    main()
