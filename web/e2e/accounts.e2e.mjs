#!/usr/bin/env node
// Accounts through the console, against a real `suanli serve --demo` this script starts. In each
// language (zh-CN, en), on its own server:
//   1. demo-applicant changes its password from the user menu (a wrong current password shown on
//      its field first, nothing changed): only the new one signs in afterwards, and it signs in
//      with it from the login page; its other session (an API client signed in before) has ended;
//   2. as its organisation's admin it invites a member on 成员管理 / Members (marked "must change
//      password"); the member signs in with the initial password and gets only the change-password
//      dialog, which cannot be closed, while the API refuses its session everything else (403 on
//      must_change_password); changed, it has its pages, with no Members page (the guard refuses
//      it too); the organisation's admin disables it (it cannot sign in) and enables it again;
//   3. the admin on 账号管理 / Accounts finds op-ai, issues it a named API key: shown once, with
//      the warning, and it authenticates a GET with X-Api-Key (the operator's own key list, which
//      never carries a secret but the name); closed and opened again, the secret is gone and the
//      key's last use is shown; revoked after the confirmation, the key is refused (401);
//   4. the admin changes expert3 into an auditor (Edit: the warning that its sessions end): the
//      API lists it so and its session signed in before has ended;
//   5. the admin resets the member's password: only the new one signs in, the member must change
//      it first, and is told (notice password.reset);
//   6. op-ai on API 密钥 / API keys sees the admin's key revoked, issues its own (shown once, gone
//      on "I've saved it") and it authenticates too;
//   7. demo-applicant makes the member its organisation's admin: it leaves the Members page, and
//      the member has it.
// Every check behind the pages is made through the API, not read back from them.
//
// Usage: node web/e2e/accounts.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's screenshots to docs/screenshots/
//   (change-password, applicant-members, must-change-password, admin-users, admin-api-key-issued,
//   admin-edit-account, provider-api-keys);
//   otherwise to a temporary directory.

import {
  $, choose, DEMO_PASSWORD, describeFailure, expectText, fill, input, log, main, pageOpener, shot,
  signIn as harnessSignIn, startServer, step, TIMEOUT,
} from './harness.mjs'

// ---- The words the test looks for in each language -----------------------------------------

const WORDS = {
  'zh-CN': {
    login: '登录', changePassword: '修改密码', wrongCurrent: '当前密码不正确', changed: '密码已修改', members: '成员管理',
    invited: '已邀请成员', orgAdmin: '单位管理员', forbidden: '无权访问', accounts: '账号管理', provider: '算力供给方',
    keysOf: '的 API 密钥', showOnce: '密钥只显示这一次', active: '有效', revoked: '已吊销', revokeYes: '确定吊销',
    reset: '已重置', apiKeys: 'API 密钥', disabled: '已停用', mustChange: '请先修改密码', mustChangeTag: '待修改密码',
    powers: 'API 密钥全部吊销', edited: '已修改账号', auditor: '审计', enable: '确定启用', disable: '确定停用', neverUsed: '从未使用',
    passYes: '确定更换',
  },
  en: {
    login: 'Log in', changePassword: 'Change password', wrongCurrent: 'The current password is wrong', changed: 'Password changed', members: 'Members',
    invited: 'Member', orgAdmin: "Organisation's admin", forbidden: 'Not allowed', accounts: 'Accounts', provider: 'Provider',
    keysOf: "'s API keys", showOnce: 'The key is shown this once', active: 'Active', revoked: 'Revoked', revokeYes: 'Revoke it',
    reset: 'password reset', apiKeys: 'API keys', disabled: 'Disabled', mustChange: 'Change your password first', mustChangeTag: 'Must change password',
    powers: 'API keys are revoked', edited: 'changed', auditor: 'Auditor', enable: 'Enable it', disable: 'Disable it', neverUsed: 'Never',
    passYes: 'Change it',
  },
}

// ---- The API behind the pages -----------------------------------------------------------------

/** Signs in through the API: the status, and a caller with the cookie and CSRF token when 200. */
async function apiSignIn(base, username, password) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  })
  if (r.status !== 200) return { status: r.status }
  const cookie = /suanli_session=[^;]+/.exec(r.headers.get('set-cookie'))[0]
  const { csrf_token, user, must_change_password } = await r.json()
  const call = async (method, path, body) => {
    const headers = { Cookie: cookie, 'X-CSRF-Token': csrf_token }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
  return { status: 200, user, must_change_password, call }
}
/** Only `good` signs `username` in, and not `bad`. */
async function expectPassword(base, username, good, bad) {
  const [g, b] = [await apiSignIn(base, username, good), await apiSignIn(base, username, bad)]
  if (g.status !== 200 || b.status === 200) throw new Error(`${username}: the new password signs in ${g.status}, the old one ${b.status}`)
}
/** GET `path` with only an API key: its status and body. */
async function withKey(base, key, path) {
  const r = await fetch(base + path, { headers: { 'X-Api-Key': key } })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : null, text }
}

// ---- Page helpers (the rest are in harness.mjs) --------------------------------------------

/** The open dialog (Element Plus teleports dialogs to the body). */
const dialog = (page) => page.locator('.el-dialog:visible').first()
/** The table row holding `text`. */
const row = (table, text) => table.locator('.el-table__body tr', { hasText: text }).first()
/** The message under the form item of the input marked `test`. */
const itemError = (page, test) => page.locator('.el-form-item', { has: input(page, test) }).locator('.el-form-item__error')
/** Presses the confirmation box's confirming button (its text checked). */
async function confirmBox(page, word) {
  const box = page.locator('.el-message-box:visible')
  await expectText(box, word)
  await box.locator('.el-message-box__btns button', { hasText: word }).click()
  await box.waitFor({ state: 'hidden' })
}
/** Fails if any element matches (after the page has rendered what it waits for). */
async function expectNone(locator, what) {
  const n = await locator.count()
  if (n !== 0) throw new Error(`expected no ${what}, found ${n}`)
}
/** The key shown once in the read-only field; checks it is read-only and warned about. */
async function shownKey(page, W) {
  await expectText($(page, 'issued-warning'), W.showOnce)
  const field = input(page, 'issued-key')
  if (!(await field.evaluate((e) => e.readOnly))) throw new Error('the issued key is not read-only')
  const key = await field.inputValue()
  if (!/^sk_/.test(key)) throw new Error(`the issued key looks wrong: ${key}`)
  return key
}

// ---- The flow -------------------------------------------------------------------------------

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer('suanli-e2e-accounts-')
  log(`locale ${locale}: server at ${server.base}`)
  const base = server.base
  const { open, close } = pageOpener(browser, base, locale)
  const signIn = (username, then, password = DEMO_PASSWORD) => harnessSignIn(open, { username, password, then, loginWord: W.login })
  const NEW = locale === 'en' ? 'a-new-pass-phrase-2024' : '新的密码短语2024' // 4 汉字 + 8 ASCII = 20 bytes
  const member = {
    username: 'cd-member', name: locale === 'en' ? 'Zhang San (R&D)' : '研发 张三', password: 'member-initial-1', own: 'member-own-1',
    reset: 'member-reset-2', afterReset: 'member-own-2',
  }

  try {
    await step('demo-applicant changes its password from the user menu (a wrong current one refused on its field first)', async () => {
      const other = await apiSignIn(base, 'demo-applicant', DEMO_PASSWORD) // another device, signed in before
      const page = await signIn('demo-applicant', '/')
      await $(page, 'user-menu').click()
      await $(page, 'change-password').click()
      const dlg = dialog(page)
      await expectText(dlg, W.changePassword)
      await fill(page, 'pw-current', 'not-my-password')
      await fill(page, 'pw-new', NEW)
      await fill(page, 'pw-confirm', NEW)
      await $(page, 'pw-submit').click()
      await expectText(itemError(page, 'pw-current'), W.wrongCurrent)
      // Refused, nothing changed; the page is still signed in (403, not 401).
      if ((await apiSignIn(base, 'demo-applicant', DEMO_PASSWORD)).status !== 200) throw new Error('the refusal changed the password')
      await fill(page, 'pw-current', DEMO_PASSWORD)
      await shot(page, 'change-password', locale)
      await $(page, 'pw-submit').click()
      await expectText(page.locator('.el-message--success').first(), W.changed)
      await dlg.waitFor({ state: 'hidden' })
      await expectPassword(base, 'demo-applicant', NEW, DEMO_PASSWORD)
      const after = await other.call('GET', '/api/v1/session')
      if (after.status !== 401) throw new Error(`the other session goes on: ${after.status}`)
      // This page's session goes on.
      await page.goto(`${base}/notices`)
      await expectText($(page, 'user-menu'), '成都示例科技有限公司')
      await signIn('demo-applicant', '/notices', NEW)
    })

    await step('as its organisation\'s admin it invites a member, who signs in and is offered no Members page', async () => {
      const page = await signIn('demo-applicant', '/applicant/members', NEW)
      await expectText($(page, 'side-menu'), W.members)
      const table = $(page, 'members')
      await expectText(row(table, 'demo-applicant'), W.orgAdmin)
      await $(page, 'members-invite').click()
      await expectText(dialog(page), '成都示例科技有限公司')
      await fill(page, 'account-username', member.username)
      await fill(page, 'account-display-name', member.name)
      await fill(page, 'account-password', member.password)
      await fill(page, 'account-confirm', member.password)
      await $(page, 'account-submit').click()
      await expectText(page.locator('.el-message--success').first(), W.invited, member.username)
      await expectText(row(table, member.username), member.name, W.mustChangeTag)
      await shot(page, 'applicant-members', locale)
      // Its initial password signs in, but the session answers nothing else until it is changed.
      const m = await apiSignIn(base, member.username, member.password)
      if (m.status !== 200 || !m.must_change_password || m.user.org_id !== (await apiSignIn(base, 'demo-applicant', NEW)).user.org_id) {
        throw new Error(`the member is not in the organisation, or not held: ${JSON.stringify(m.user)} ${m.must_change_password}`)
      }
      const held = await m.call('GET', '/api/v1/notices')
      if (held.status !== 403 || held.body.field !== 'must_change_password') throw new Error(`a held session read its notices: ${held.status}`)
      const mp = await signIn(member.username, '/applicant/org', member.password)
      const dlg = dialog(mp)
      await expectText(dlg, W.mustChange)
      await $(mp, 'must-change').waitFor()
      await mp.keyboard.press('Escape') // cannot be dismissed
      await mp.waitForTimeout(300)
      await expectText(dlg, W.mustChange)
      await expectNone(mp.locator('[data-test="pw-cancel"]'), 'a cancel button on the forced dialog')
      await fill(mp, 'pw-current', member.password)
      await fill(mp, 'pw-new', member.own)
      await fill(mp, 'pw-confirm', member.own)
      await shot(mp, 'must-change-password', locale)
      await $(mp, 'pw-submit').click()
      await dlg.waitFor({ state: 'hidden' })
      await $(mp, 'nav-applicant-org').waitFor()
      await expectNone(mp.locator('[data-test="must-change"]'), 'the hold after the change')
      await expectPassword(base, member.username, member.own, member.password)
      await expectNone(mp.locator('[data-test="nav-applicant-members"]'), 'Members in a member\'s menu')
      await mp.goto(`${base}/applicant/members`)
      await expectText(mp.locator('main'), W.forbidden)
      // Its organisation's admin disables it (its session ends) and enables it again. (Checked
      // without a failed sign-in: five from one address within 15 minutes lock it.)
      const live = await apiSignIn(base, member.username, member.own)
      await page.reload()
      const memberId = Number((await row($(page, 'members'), member.username).locator('[data-test^="member-disable-"]').getAttribute('data-test')).replace('member-disable-', ''))
      await $(page, `member-disable-${memberId}`).click()
      await confirmBox(page, W.disable)
      await expectText($(page, `member-status-${memberId}`), W.disabled)
      if ((await live.call('GET', '/api/v1/session')).status !== 401) throw new Error('a disabled member\'s session goes on')
      await $(page, `member-enable-${memberId}`).click()
      await confirmBox(page, W.enable)
      if ((await apiSignIn(base, member.username, member.own)).status !== 200) throw new Error('the member was not enabled')
    })

    let opId
    await step('the admin issues op-ai an API key on Accounts: shown once, it authenticates, gone when reopened, refused once revoked', async () => {
      const page = await signIn('admin', '/admin/users')
      const table = $(page, 'users')
      await expectText(row(table, 'op-ai'), '成都智算中心')
      await choose(page, 'users-role', W.provider)
      await expectText(table, 'op-ai', 'op-hpc')
      await expectNone(table.locator('.el-table__body tr', { hasText: 'demo-applicant' }), 'an applicant under the provider filter')
      // The filter's choice can leave the page scrolled to the select's menu: shoot from the top.
      await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('main')?.scrollTo(0, 0) })
      await shot(page, 'admin-users', locale)
      await row(table, 'op-ai').locator('[data-test^="user-keys-"]').click()
      opId = Number((await row(table, 'op-ai').locator('[data-test^="user-keys-"]').getAttribute('data-test')).replace('user-keys-', ''))
      const dlg = dialog(page)
      await expectText(dlg, W.keysOf)
      await fill(page, 'key-name', 'e2e billing')
      await $(page, 'key-issue').click()
      const key = await shownKey(page, W)
      await shot(page, 'admin-api-key-issued', locale)
      const keyId = key.split('_')[1]
      await expectText($(page, `key-status-${keyId}`), W.active)
      const listed = await withKey(base, key, `/api/v1/users/${opId}/api-keys`)
      if (listed.status !== 200 || !listed.body.items.some((k) => k.key_id === keyId && !k.revoked && k.name === 'e2e billing')) {
        throw new Error(`the key does not authenticate, or has no name: ${listed.status} ${listed.text}`)
      }
      if (listed.text.includes(key)) throw new Error('the key list carries the secret')
      await page.keyboard.press('Escape')
      await dlg.waitFor({ state: 'hidden' })
      await row(table, 'op-ai').locator('[data-test^="user-keys-"]').click()
      await expectText($(page, `key-status-${keyId}`), W.active)
      await expectText($(page, `key-name-${keyId}`), 'e2e billing')
      // Used by the GET above: its last use is shown (the server's clock, to the minute).
      const used = await $(page, `key-used-${keyId}`).innerText()
      if (!/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(used) || used.includes(W.neverUsed)) throw new Error(`last used: ${used}`)
      await expectNone(page.locator('[data-test="issued"]'), 'the secret after reopening')
      if ((await page.content()).includes(key)) throw new Error('the page still holds the secret')
      await $(page, `key-revoke-${keyId}`).click()
      await confirmBox(page, W.revokeYes)
      await expectText($(page, `key-status-${keyId}`), W.revoked)
      const refused = await withKey(base, key, `/api/v1/users/${opId}/api-keys`)
      if (refused.status !== 401) throw new Error(`a revoked key answered ${refused.status}`)
    })

    await step('the admin makes expert3 an auditor: warned, listed so, its session ended', async () => {
      const before = await apiSignIn(base, 'expert3', DEMO_PASSWORD)
      const page = await signIn('admin', '/admin/users')
      const table = $(page, 'users')
      await row(table, 'expert3').locator('[data-test^="user-edit-"]').click()
      await expectText(dialog(page), 'expert3')
      await choose(page, 'edit-role', W.auditor)
      await expectText($(page, 'edit-powers'), W.powers)
      await shot(page, 'admin-edit-account', locale)
      await $(page, 'edit-submit').click()
      await expectText(page.locator('.el-message--success').first(), W.edited)
      await expectText(row(table, 'expert3'), W.auditor)
      const admin = await apiSignIn(base, 'admin', DEMO_PASSWORD)
      const listed = (await admin.call('GET', '/api/v1/users?q=expert3')).body.items
      if (listed.length !== 1 || listed[0].roles[0] !== 'auditor') throw new Error(`expert3 listed as ${JSON.stringify(listed)}`)
      const after = await before.call('GET', '/api/v1/session')
      if (after.status !== 401) throw new Error(`expert3's session goes on: ${after.status}`)
    })

    await step('the admin resets the member\'s password: only the new one signs in, the member must change it first, and is told', async () => {
      const page = await signIn('admin', '/admin/users')
      const table = $(page, 'users')
      await row(table, member.username).locator('[data-test^="user-reset-"]').click()
      await expectText(dialog(page), member.name)
      await fill(page, 'reset-new', member.reset)
      await fill(page, 'reset-confirm', member.reset)
      await $(page, 'reset-submit').click()
      await expectText(page.locator('.el-message--success').first(), W.reset, member.username)
      await expectPassword(base, member.username, member.reset, member.own)
      const m = await apiSignIn(base, member.username, member.reset)
      if (m.status !== 200 || !m.must_change_password || (await m.call('GET', '/api/v1/notices')).status !== 403) {
        throw new Error(`a reset password was not held: ${m.status} ${m.must_change_password}`)
      }
      const changed = await m.call('POST', '/api/v1/session/password', { current_password: member.reset, new_password: member.afterReset })
      if (changed.status !== 200) throw new Error(`changing the reset password: ${changed.status}`)
      const notices = (await m.call('GET', '/api/v1/notices')).body.items
      if (!notices.some((n) => n.kind === 'password.reset')) throw new Error(`no password.reset notice: ${JSON.stringify(notices)}`)
    })

    await step('op-ai on API keys: the admin\'s key revoked, its own issued (shown once, gone on "I\'ve saved it"), authenticating', async () => {
      const page = await signIn('op-ai', '/provider/api-keys')
      await expectText(page.locator('.page-title'), W.apiKeys)
      await expectText($(page, 'keys-table'), W.revoked)
      await $(page, 'key-issue').click()
      const key = await shownKey(page, W)
      await shot(page, 'provider-api-keys', locale)
      await $(page, 'issued-saved').click()
      await page.locator('[data-test="issued"]').waitFor({ state: 'detached' })
      if ((await page.content()).includes(key)) throw new Error('the page still holds the secret')
      await expectText($(page, `key-status-${key.split('_')[1]}`), W.active)
      const own = await withKey(base, key, `/api/v1/users/${opId}/api-keys`)
      if (own.status !== 200 || own.body.items.length !== 2) throw new Error(`own key: ${own.status} ${own.text}`)
    })

    await step('demo-applicant makes the member its organisation\'s admin: it leaves Members, the member has it', async () => {
      const page = await signIn('demo-applicant', '/applicant/members', NEW)
      const table = $(page, 'members')
      await row(table, member.username).locator('[data-test^="member-org-admin-"]').click()
      await confirmBox(page, W.passYes)
      await page.waitForURL((u) => u.pathname === '/applicant/org')
      await expectNone(page.locator('[data-test="nav-applicant-members"]'), 'Members for the former admin')
      const mp = await signIn(member.username, '/applicant/members', member.afterReset)
      await expectText(row($(mp, 'members'), member.username), W.orgAdmin)
      await expectNone(row($(mp, 'members'), 'demo-applicant').locator('.el-tag', { hasText: W.orgAdmin }), 'two admins')
    })
  } catch (e) {
    throw await describeFailure(e, locale, `FAILED-accounts-${locale}.png`)
  } finally {
    await close()
    await server.stop()
  }
}

main('console accounts e2e', WORDS, run)
