#!/usr/bin/env python3
"""Accounts over HTTP. Passwords: a user changes its own (POST /session/password, the current one first)
and its other sessions end while the one it used goes on; an admin resets another account's
(POST /users/{id}/password), which ends all of that account's sessions and leaves it a notice.
Each refusal — a wrong current password (403, not 401: the session is fine), a new one too short,
the same as the current one, a missing or unknown field, an API key, an admin resetting itself,
no such user — changes nothing: the old password still signs in. Wrong current passwords are
throttled as failed sign-ins are. No password appears in the audit log. Members: an
organisation's admin lists its own members (with disabled and created_at) and invites one; a
member who is not its admin may not list. API keys: an operator lists its own (revoked ones too,
never a secret), not another's; an admin lists anyone's.

Usage: accounts_test.py SUANLI_BINARY REPO_DIR"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import expect, ok, problem  # noqa: E402
from suanli_client import PASSWORD, Client, login, run_test  # noqa: E402

NEW = "a-new-pass-phrase-2024"


def main():
    run_test(lambda server, _: run(server))
    print("accounts: ok")


def signs_in(server, username, password):
    status, _, _ = Client(server).raw("POST", "/api/v1/session",
                                      {"username": username, "password": password})
    return status == 200


def change(client, current, new, **extra):
    return client.call("POST", "/api/v1/session/password",
                       {"current_password": current, "new_password": new, **extra})


def members_and_keys(server):
    admin, org_admin = login(server, "admin"), login(server, "demo-applicant")
    org = org_admin.user["org_id"]
    listed = ok(org_admin.call("GET", "/api/v1/users"))["items"]
    expect(listed and all(u["org_id"] == org for u in listed), f"only its members: {listed}")
    expect(all("disabled" in u and "created_at" in u for u in listed), listed)
    member = ok(org_admin.call("POST", "/api/v1/users", {
        "username": "demo-member", "display_name": "成员 张三", "password": "member-pass-1",
        "role": "applicant", "org_id": org}))
    listed = ok(org_admin.call("GET", "/api/v1/users"))["items"]
    expect(any(u["id"] == member["id"] and not u["disabled"] for u in listed), listed)
    everyone = ok(admin.call("GET", "/api/v1/users"))["items"]
    expect(len(everyone) > len(listed), "an admin lists every account")
    plain = Client(server).login("demo-member", "member-pass-1")
    problem(plain.call("GET", "/api/v1/users"), 403, "forbidden")

    op = next(u for u in everyone if u["username"] == "op-ai")
    other_op = next(u for u in everyone if u["username"] != "op-ai" and "provider" in u["roles"])
    operator = login(server, "op-ai")
    issued = ok(operator.call("POST", f"/api/v1/users/{op['id']}/api-keys"))
    second = ok(operator.call("POST", f"/api/v1/users/{op['id']}/api-keys"))
    ok(operator.call("DELETE", f"/api/v1/users/{op['id']}/api-keys/{second['key_id']}"))
    keys = ok(operator.call("GET", f"/api/v1/users/{op['id']}/api-keys"))["items"]
    expect([(k["key_id"], k["revoked"]) for k in keys] ==
           [(issued["key_id"], False), (second["key_id"], True)] or
           [(k["key_id"], k["revoked"]) for k in keys] ==
           [(second["key_id"], True), (issued["key_id"], False)], f"own keys: {keys}")
    expect(issued["api_key"] not in json.dumps(keys), "no secret listed")
    problem(operator.call("GET", f"/api/v1/users/{other_op['id']}/api-keys"), 403, "forbidden")
    expect(len(ok(admin.call("GET", f"/api/v1/users/{op['id']}/api-keys"))["items"]) == 2,
           "an admin lists them")


def run(server):
    members_and_keys(server)
    me, my_other_device = login(server, "demo-applicant"), login(server, "demo-applicant")

    # Refused, nothing changed.
    wrong = problem(change(me, "not-my-password", NEW), 403, "forbidden")
    expect("current password" in wrong["detail"], wrong)
    problem(change(me, PASSWORD, "short"), 422, "out_of_range")
    problem(change(me, PASSWORD, PASSWORD), 422, "contradiction")
    problem(me.call("POST", "/api/v1/session/password", {"new_password": NEW}), 422,
            "missing_field")
    problem(change(me, PASSWORD, NEW, admin=True), 422, "unknown_field")
    expect(signs_in(server, "demo-applicant", PASSWORD), "the old password still signs in")
    expect(ok(my_other_device.call("GET", "/api/v1/session"))["user"]["username"] ==
           "demo-applicant", "the other session still goes on")

    # Changed: this session goes on, the other ends, only the new password signs in.
    expect(ok(change(me, PASSWORD, NEW)) == {"password_changed": True}, "changed")
    ok(me.call("GET", "/api/v1/session"))
    problem(my_other_device.call("GET", "/api/v1/session"), 401, "unauthenticated")
    expect(not signs_in(server, "demo-applicant", PASSWORD), "the old password is refused")
    expect(signs_in(server, "demo-applicant", NEW), "the new password signs in")

    # An API key cannot change its user's password.
    admin = login(server, "admin")
    users = ok(admin.call("GET", "/api/v1/users"))["items"]
    op = next(u for u in users if u["username"] == "op-ai")
    key = ok(admin.call("POST", f"/api/v1/users/{op['id']}/api-keys"))["api_key"]
    system = Client(server)
    system.api_key = key
    problem(change(system, PASSWORD, NEW), 403, "forbidden")

    # An admin resets another account's password.
    officer = login(server, "officer")
    officer_id = officer.user["id"]
    reset = f"/api/v1/users/{officer_id}/password"
    problem(officer.call("POST", reset, {"new_password": NEW}), 403, "forbidden")  # not an admin
    problem(admin.call("POST", reset, {"new_password": "short"}), 422, "out_of_range")
    problem(admin.call("POST", f"/api/v1/users/{admin.user['id']}/password",
                       {"new_password": NEW}), 409, "state_conflict")
    problem(admin.call("POST", "/api/v1/users/99999/password", {"new_password": NEW}), 404,
            "not_found")
    # A disabled account is enabled first; an unknown role filter is refused, not ignored.
    expert2 = next(u for u in ok(admin.call("GET", "/api/v1/users?role=expert"))["items"]
                   if u["username"] == "expert2")
    ok(admin.call("POST", f"/api/v1/users/{expert2['id']}/disable"))
    disabled = problem(admin.call("POST", f"/api/v1/users/{expert2['id']}/password",
                                  {"new_password": NEW}), 409, "state_conflict")
    expect("disabled" in disabled["detail"], disabled)
    ok(admin.call("POST", f"/api/v1/users/{expert2['id']}/enable"))
    problem(admin.call("GET", "/api/v1/users?role=superuser"), 422, "out_of_range")
    expect(ok(officer.call("GET", "/api/v1/session"))["user"]["id"] == officer_id, "unchanged")
    expect(ok(admin.call("POST", reset, {"new_password": NEW})) ==
           {"id": officer_id, "password_reset": True}, "reset")
    problem(officer.call("GET", "/api/v1/session"), 401, "unauthenticated")
    expect(not signs_in(server, "officer", PASSWORD), "the officer's old password is refused")
    officer = Client(server).login("officer", NEW)
    notices = ok(officer.call("GET", "/api/v1/notices"))["items"]
    expect(any(n["kind"] == "password.reset" for n in notices), f"told to change it: {notices}")

    # On the log, without any password.
    auditor = login(server, "auditor")
    entries = ok(auditor.call("GET", "/api/v1/audit?limit=1000"))["items"]
    changes = [e for e in entries if e["action"] in ("user.password", "user.password_reset")]
    expect(len(changes) == 2, f"two entries: {changes}")
    text = json.dumps(entries)
    expect(NEW not in text and PASSWORD not in text, "no password in the audit log")

    # Wrong current passwords are throttled like failed sign-ins (after the others above: the
    # client address's failures count too).
    expert = login(server, "expert1")
    statuses = [change(expert, f"guess-{i}", NEW)[0] for i in range(8)]
    expect(statuses[0] == 403 and statuses[-1] == 429, f"throttled: {statuses}")


if __name__ == "__main__":
    main()
