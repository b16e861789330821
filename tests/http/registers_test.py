#!/usr/bin/env python3
"""The registers behind the no-stacking and related-party rules over HTTP: the subsidy register
imported as RFC 4180 CSV (quoted cells, a BOM, CRLF) and read back page by page with its
filters (GET /subsidies); a refused import (an unterminated quote) named by its line and
leaving the register as it was; and every owner's related parties in one listing
(GET /related-parties/all). Officers, admins and auditors read both; an applicant gets 403.

Usage: registers_test.py SUANLI_BINARY REPO_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import expect, ok, problem  # noqa: E402
from suanli_client import login, run_test, uscc  # noqa: E402

FIRM = "91510100MA61R1234W"  # the demo's 成都示例科技有限公司


def main():
    run_test(lambda server, _: run(server))
    print("registers: ok")


def import_csv(client, text):
    status, data, _ = client.raw("POST", "/api/v1/subsidies/import", text.encode("utf-8"),
                                 content_type="text/csv; charset=utf-8")
    return status, data


def run(server):
    officer, auditor, admin = login(server, "officer"), login(server, "auditor"), login(server, "admin")
    applicant, provider = login(server, "demo-applicant"), login(server, "op-ai")
    uni = uscc("12510000MB0U00003")       # the demo's 成都示例大学
    stranger = uscc("91510100MA6CTTTT9")  # no registered organisation
    csv = ("\ufeffuscc,scheme,reference,amount,year\r\n"
           f"{FIRM},\"成都市科技项目,2024\",R-1,500000.00,2024\r\n"
           f"{uni},\"某\"\"专项\"\"资金\",\"U-1,二期\",20.50,2023\r\n"
           f"{stranger},省级技改补助,S-1,1.00,2024\r\n"
           f"{FIRM},省级技改补助,R-2,3.00,2024\r\n")
    expect(ok(import_csv(officer, csv)) == {"imported": 4}, "four rows imported")

    # The register as officers, auditors and admins read it; nobody else.
    page = ok(officer.call("GET", "/api/v1/subsidies"))
    rows = page["items"]
    expect(page["next_cursor"] is None and len(rows) == 4, f"{page}")
    first = rows[0]
    expect(first["uscc"] == FIRM and first["org_name"] == "成都示例科技有限公司" and
           first["scheme"] == "成都市科技项目,2024" and first["reference"] == "R-1" and
           first["amount"] == "500000.00" and first["year"] == 2024 and
           first["imported_by"] == "officer" and first["imported_at"].endswith("+08:00") and
           isinstance(first["import_id"], int) and isinstance(first["org_id"], int), f"{first}")
    expect(rows[1]["scheme"] == "某\"专项\"资金" and rows[1]["reference"] == "U-1,二期" and
           rows[1]["amount"] == "20.50" and rows[1]["org_name"] == "成都示例大学", f"{rows[1]}")
    expect(rows[2]["org_id"] is None and rows[2]["org_name"] is None, f"{rows[2]}")
    for reader in (auditor, admin):
        expect(ok(reader.call("GET", "/api/v1/subsidies"))["items"] == rows, "same register")
    for outsider in (applicant, provider):
        problem(outsider.call("GET", "/api/v1/subsidies"), 403, "forbidden")
    problem(applicant.call("GET", "/api/v1/related-parties/all"), 403, "forbidden")
    problem(import_csv(applicant, csv), 403, "forbidden")

    # Paging by cursor, and the filters.
    p1 = ok(officer.call("GET", "/api/v1/subsidies?limit=3"))
    expect([r["reference"] for r in p1["items"]] == ["R-1", "U-1,二期", "S-1"] and
           p1["next_cursor"] == p1["items"][-1]["id"], f"{p1}")
    p2 = ok(officer.call("GET", f"/api/v1/subsidies?limit=3&after={p1['next_cursor']}"))
    expect([r["reference"] for r in p2["items"]] == ["R-2"] and p2["next_cursor"] is None, f"{p2}")

    def refs(query):
        return [r["reference"] for r in ok(officer.call("GET", "/api/v1/subsidies?" + query))["items"]]
    expect(refs(f"uscc={FIRM}") == ["R-1", "R-2"], "by uscc")
    expect(refs("year=2023") == ["U-1,二期"], "by year")
    expect(refs(f"uscc={FIRM}&year=2024") == ["R-1", "R-2"], "by uscc and year")
    expect(refs(f"org_id={first['org_id']}") == ["R-1", "R-2"], "by organisation")
    expect(refs("year=2022") == [], "no row of 2022")
    problem(officer.call("GET", "/api/v1/subsidies?uscc=123"), 422, "invalid_code")
    problem(officer.call("GET", "/api/v1/subsidies?year=24"), 422, "parse_error")
    problem(officer.call("GET", "/api/v1/subsidies?org_id=x"), 422, "parse_error")
    problem(officer.call("GET", "/api/v1/subsidies?limit=0"), 422, "out_of_range")

    # An unterminated quote on line 4 refuses the file, names the line, and nothing changes:
    # not the good rows before it, not the replacement of R-1's amount.
    audit_before = len(ok(auditor.call("GET", "/api/v1/audit?limit=1000"))["items"])
    bad = ("uscc,scheme,reference,amount,year\r\n"
           f"{FIRM},\"成都市科技项目,2024\",R-1,1.00,2024\r\n"
           f"{uni},新专项,U-9,5.00,2024\r\n"
           f"{uni},\"未闭合的项目,U-10,5.00,2024\r\n")
    refused = problem(import_csv(officer, bad), 422, "parse_error")
    expect(refused["field"] == "line 4", f"{refused}")
    wrong = problem(import_csv(officer, "uscc,scheme,reference,amount,year\n"
                                        f"{FIRM},成都市科技项目,2024,R-3,1.00,2024\n"), 422, "parse_error")
    expect(wrong["field"] == "line 2" and "found 6" in wrong["detail"], f"{wrong}")
    expect(ok(officer.call("GET", "/api/v1/subsidies"))["items"] == rows, "the register unchanged")
    audit_after = len(ok(auditor.call("GET", "/api/v1/audit?limit=1000"))["items"])
    expect(audit_after == audit_before, f"audit {audit_before} -> {audit_after}")

    # Related parties: every organisation's and provider's declarations in one listing.
    org1 = f"org/{applicant.user['org_id']}"
    ok(applicant.call("POST", "/api/v1/related-parties",
                      {"owner": org1, "relation": "shareholder", "party": "甲公司"}))
    ok(provider.call("POST", "/api/v1/related-parties",
                     {"owner": f"provider/{provider.user['provider_id']}", "relation": "affiliate",
                      "party": "乙公司"}))
    ok(applicant.call("POST", "/api/v1/related-parties",
                      {"owner": org1, "relation": "affiliate", "party": "丙公司"}))
    listing = ok(auditor.call("GET", "/api/v1/related-parties/all"))
    items = listing["items"]
    expect([(r["owner"], r["party"]) for r in items] ==
           [(org1, "甲公司"), (f"provider/{provider.user['provider_id']}", "乙公司"), (org1, "丙公司")],
           f"{listing}")
    expect(items[0]["owner_name"] == "成都示例科技有限公司" and items[1]["owner_name"] == "成都智算中心"
           and items[0]["declared_at"].endswith("+08:00"), f"{items}")
    by_org = ok(officer.call("GET", f"/api/v1/related-parties/all?org_id={applicant.user['org_id']}"))
    expect([r["party"] for r in by_org["items"]] == ["甲公司", "丙公司"], f"{by_org}")
    paged = ok(admin.call("GET", "/api/v1/related-parties/all?limit=2"))
    expect(len(paged["items"]) == 2 and paged["next_cursor"] == items[1]["id"], f"{paged}")
    rest = ok(admin.call("GET", f"/api/v1/related-parties/all?limit=2&after={paged['next_cursor']}"))
    expect([r["party"] for r in rest["items"]] == ["丙公司"] and rest["next_cursor"] is None, f"{rest}")
    problem(officer.call("GET", "/api/v1/related-parties/all?org_id=1&provider_id=2"), 422,
            "contradiction")

    # Both registers are records the audit log vouches for (docs/audit.md): each row imported
    # or declared is on the log with its state, and the reconciliation finds them all as recorded.
    entries = ok(auditor.call("GET", "/api/v1/audit?limit=1000"))["items"]
    subsidy_objects = {e["object"] for e in entries if e["action"] == "subsidy.import"}
    expect(subsidy_objects == {f"subsidy/{r['id']}" for r in rows}, f"{subsidy_objects}")
    declared = {e["object"] for e in entries if e["action"] == "related_party.declare"}
    expect(declared == {f"related_party/{r['id']}" for r in items}, f"{declared}")
    rec = ok(auditor.call("POST", "/api/v1/audit/reconcile"))
    expect(rec["ok"] and rec["differences"] == [], f"reconcile: {rec}")


if __name__ == "__main__":
    main()
