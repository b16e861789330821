#!/usr/bin/env python3
"""Passwords over HTTP: a user changes its own (POST /session/password, the current one first)
and its other sessions end while the one it used goes on; an admin resets another account's
(POST /users/{id}/password), which ends all of that account's sessions and leaves it a notice.
Each refusal — a wrong current password (403, not 401: the session is fine), a new one too short,
the same as the current one, a missing or unknown field, an API key, an admin resetting itself,
no such user — changes nothing: the old password still signs in. Wrong current passwords are
throttled as failed sign-ins are. No password appears in the audit log.

Usage: passwords_test.py SUANLI_BINARY REPO_DIR"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chengdu_flow_test import expect, ok, problem  # noqa: E402
from suanli_client import PASSWORD, Client, login, run_test  # noqa: E402

NEW = "a-new-pass-phrase-2024"


def main():
    run_test(lambda server, _: run(server))
    print("passwords: ok")


def signs_in(server, username, password):
    status, _, _ = Client(server).raw("POST", "/api/v1/session",
                                      {"username": username, "password": password})
    return status == 200


def change(client, current, new, **extra):
    return client.call("POST", "/api/v1/session/password",
                       {"current_password": current, "new_password": new, **extra})


def run(server):
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
