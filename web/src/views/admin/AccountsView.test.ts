import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import AccountsView from './AccountsView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, dialogText, field, itemError, lastMessage, pick, press, submitForm, typeInto, writes } from '@/test/dom'
import type { User } from '@/api/types'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const ADMIN: User = { id: 1, username: 'admin', display_name: '平台管理员', roles: ['admin'] }
const account = (id: number, username: string, display_name: string, role: string, extra: object = {}) => ({
  id, username, display_name, roles: [role], org_id: null as number | null, provider_id: null as number | null, org_admin: false,
  disabled: false, disabled_by_platform: false, must_change_password: false, created_at: '2024-03-15T01:00:00Z', ...extra,
})
const ACCOUNTS = () => [
  account(1, 'admin', '平台管理员', 'admin'),
  account(2, 'officer', '市经信局 张科长', 'officer'),
  account(5, 'op-ai', '成都智算中心 运营', 'provider', { provider_id: 2 }),
  account(6, 'op-old', '已离职运营', 'provider', { provider_id: 1, disabled: true }),
  account(7, 'demo-applicant', '成都示例科技有限公司 admin', 'applicant', { org_id: 1, org_admin: true }),
  account(8, 'old-member', '离职成员', 'applicant', { org_id: 1, disabled: true, disabled_by_platform: true }),
  account(9, 'cd-member', '研发 张三', 'applicant', { org_id: 1, must_change_password: true }),
]
const org = (id: number, name: string) => ({ id, name, uscc: '', qualification: 'approved' })
const problem = (status: number, name: string, field: string, detail: string) =>
  ({ status, body: { type: `https://suanli.dev/problems/${name}`, title: name, status, detail, field } })

/**
 * The server as routes_accounts.cc answers an admin: the accounts (GET /users?role=&q=&after=, a
 * page of `pageSize` with next_cursor), names (GET /orgs, /providers), POST /users (201 with the
 * listed account, or `refuse`), PATCH /users/{id}, …/org-admin, disable/enable, password resets
 * and the API keys of user 5 (k1 in force, k0 revoked; POST issues k2 with its secret).
 */
function serve(refuse?: { status: number; body: unknown }, pageSize = 50) {
  let accounts = ACCOUNTS()
  let keys = [
    { key_id: 'k0', created_at: '2024-03-01T02:00:00Z', revoked: true },
    { key_id: 'k1', created_at: '2024-03-10T02:00:00Z', revoked: false },
  ]
  return stubFetch((url, init) => {
    const method = init?.method ?? 'GET'
    const path = url.split('?')[0]
    if (refuse && method !== 'GET') return refuse
    if (path === '/api/v1/users' && method === 'GET') {
      const q = new URL(url, 'http://x').searchParams
      const role = q.get('role')
      const text = (q.get('q') ?? '').toLowerCase()
      const after = Number(q.get('after') ?? 0)
      const items = accounts.filter((a) => a.id > after && (!role || a.roles.includes(role)) &&
        (!text || a.username.toLowerCase().includes(text) || a.display_name.toLowerCase().includes(text))).slice(0, pageSize)
      return { status: 200, body: { items, next_cursor: items.length === pageSize ? items[items.length - 1].id : null } }
    }
    if (path === '/api/v1/users' && method === 'POST') {
      const b = JSON.parse(String(init.body))
      const made = account(10, b.username, b.display_name, b.role,
        { org_id: b.org_id ?? null, provider_id: b.provider_id ?? null, must_change_password: true })
      accounts = [...accounts, made]
      return { status: 201, body: made }
    }
    const m = /^\/api\/v1\/users\/(\d+)(?:\/(disable|enable|password|org-admin))?$/.exec(path)
    if (m) {
      const id = Number(m[1])
      if (m[2] === 'password') return { status: 200, body: { id, password_reset: true } }
      if (m[2] === 'org-admin') {
        const org = accounts.find((a) => a.id === id)!.org_id
        accounts = accounts.map((a) => (a.org_id === org ? { ...a, org_admin: a.id === id } : a))
        return { status: 200, body: accounts.find((a) => a.id === id) }
      }
      if (method === 'PATCH') {
        const b = JSON.parse(String(init.body))
        accounts = accounts.map((a) => (a.id === id ? { ...a, ...b, ...(b.role ? { roles: [b.role] } : {}) } : a))
        const changed = { ...accounts.find((a) => a.id === id)! }
        delete (changed as Record<string, unknown>).role
        return { status: 200, body: changed }
      }
      accounts = accounts.map((a) => (a.id === id ? { ...a, disabled: m[2] === 'disable', disabled_by_platform: m[2] === 'disable' } : a))
      return { status: 200, body: { id, disabled: m[2] === 'disable' } }
    }
    if (path === '/api/v1/users/5/api-keys' && method === 'GET') return { status: 200, body: { items: keys } }
    if (path === '/api/v1/users/6/api-keys' && method === 'GET') return { status: 200, body: { items: [] } }
    if (path === '/api/v1/users/5/api-keys' && method === 'POST') {
      keys = [...keys, { key_id: 'k2', created_at: '2024-03-15T02:00:00Z', revoked: false }]
      return { status: 201, body: { key_id: 'k2', api_key: 'sk_k2_THE-SECRET-SHOWN-ONCE' } }
    }
    const k = /^\/api\/v1\/users\/5\/api-keys\/(\w+)$/.exec(path)
    if (k && method === 'DELETE') {
      keys = keys.map((x) => (x.key_id === k[1] ? { ...x, revoked: true } : x))
      return { status: 200, body: { revoked: true } }
    }
    if (path === '/api/v1/orgs') return { status: 200, body: { items: [org(1, '成都示例科技有限公司'), org(3, '成都示例大学')], next_cursor: null } }
    if (path === '/api/v1/providers') return { status: 200, body: { items: [{ id: 1, name: '国家超算成都中心' }, { id: 2, name: '成都智算中心' }] } }
    return { status: 404, body: {} }
  })
}

/** Transitions run (not stubbed) when a test closes a dialog: its close event comes from them. */
async function mountAs(as: User | 'auditor' | 'officer', locale: 'zh-CN' | 'en' = 'zh-CN', transitions = false) {
  const w = mountWith(AccountsView, locale, transitions ? { global: { stubs: { transition: false } } } : {}, as)
  wrapper = w
  await flushPromises()
  return w
}
const rowOf = (w: VueWrapper, username: string) =>
  w.findAll('[data-test=users] .el-table__body tr').find((r) => r.text().includes(username))!

describe('AccountsView', () => {
  it('lists every account with its role, organisation or provider, status and creation time (CST)', async () => {
    const calls = serve()
    const w = await mountAs(ADMIN)
    const applicant = rowOf(w, 'demo-applicant').text()
    expect(applicant).toContain('申领单位')
    expect(applicant).toContain('成都示例科技有限公司')
    expect(applicant).toContain('单位管理员')
    expect(applicant).toContain('2024-03-15 09:00')
    expect(rowOf(w, 'op-ai').text()).toContain('成都智算中心')
    expect(w.get('[data-test=user-status-8]').text()).toBe('已停用')
    expect(w.get('[data-test=user-status-7]').text()).toBe('正常')
    // The admin's own row: marked, and nothing to do on it.
    expect(rowOf(w, '平台管理员').find('[data-test=users-self]').exists()).toBe(true)
    expect(w.find('[data-test=user-disable-1]').exists()).toBe(false)
    expect(w.find('[data-test=user-reset-1]').exists()).toBe(false)
    // API keys only on the operator's row; enable on the disabled one, no reset there.
    expect(w.find('[data-test=user-keys-5]').exists()).toBe(true)
    expect(w.find('[data-test=user-keys-7]').exists()).toBe(false)
    expect(w.find('[data-test=user-enable-8]').exists()).toBe(true)
    expect(w.find('[data-test=user-reset-8]').exists()).toBe(false)
    await pick('users-role', '算力供给方')
    expect(calls.map((c) => c.url)).toContain('/api/v1/users?role=provider')
    expect(w.findAll('[data-test=users] .el-table__body tr').map((r) => r.text())).toEqual([
      expect.stringContaining('op-ai'), expect.stringContaining('op-old'),
    ])
    // The server searches, once typing pauses.
    await pick('users-role', '全部角色')
    await typeInto('users-search', 'OFFICER')
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(calls.map((c) => c.url)).toContain('/api/v1/users?q=OFFICER')
    expect(w.findAll('[data-test=users] .el-table__body tr').map((r) => r.text())).toEqual([expect.stringContaining('张科长')])
    // Someone whose password someone else set is marked.
    await typeInto('users-search', '')
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(rowOf(w, 'cd-member').find('[data-test=user-must-change-9]').text()).toBe('待修改密码')
    expect(w.find('[data-test=user-must-change-7]').exists()).toBe(false)
  })

  it('pages through with "load more", keeping the role filter and the search', async () => {
    const calls = serve(undefined, 2)
    const w = await mountAs(ADMIN)
    const names = () => w.findAll('[data-test=users] .el-table__body tr').map((r) => r.find('code').text())
    expect(names()).toEqual(['admin', 'officer'])
    await press('users-more')
    expect(calls.map((c) => c.url)).toContain('/api/v1/users?after=2')
    expect(names()).toEqual(['admin', 'officer', 'op-ai', 'op-old'])
    await pick('users-role', '申领单位')
    expect(names()).toEqual(['demo-applicant', 'old-member'])
    await press('users-more')
    expect(calls.map((c) => c.url)).toContain('/api/v1/users?role=applicant&after=8')
    expect(names()).toEqual(['demo-applicant', 'old-member', 'cd-member'])
    expect(w.find('[data-test=users-more]').exists()).toBe(false)
    await typeInto('users-search', 'member')
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(calls.map((c) => c.url)).toContain('/api/v1/users?role=applicant&q=member')
    expect(names()).toEqual(['old-member', 'cd-member'])
  })

  it('creates an applicant of a picked organisation and an operator of a picked provider, sending only the id the role asks for', async () => {
    const calls = serve()
    const w = await mountAs(ADMIN)
    await press('users-create')
    await submitForm('account-username')
    expect(await itemError('account-username')).toBe('必填')
    expect(writes(calls)).toEqual([])
    await pick('account-role', '申领单位')
    await typeInto('account-username', 'Zhang San')
    expect(await itemError('account-username')).toBe('只能使用小写字母、数字和 . _ - @')
    await typeInto('account-username', 'zhang.san')
    await typeInto('account-display-name', '  张三  ')
    await typeInto('account-password', 'initial-pass-1')
    await typeInto('account-confirm', 'initial-pass-1')
    await submitForm('account-username')
    expect(await itemError('account-username')).toBe('')
    // The organisation is asked for before anything is sent.
    expect(writes(calls)).toEqual([])
    await pick('account-org', '成都示例大学')
    await submitForm('account-username')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users',
      { username: 'zhang.san', display_name: '张三', password: 'initial-pass-1', role: 'applicant', org_id: 3 }]])
    expect(lastMessage()).toContain('已创建账号 zhang.san')
    // The answer is the listed account: added as it is, the list not read again.
    expect(rowOf(w, 'zhang.san').text()).toContain('成都示例大学')
    expect(rowOf(w, 'zhang.san').text()).toContain('待修改密码')
    expect(calls.filter((c) => c.url.startsWith('/api/v1/users') && (c.init?.method ?? 'GET') === 'GET')).toHaveLength(1)

    await press('users-create')
    await pick('account-role', '算力供给方')
    expect(document.querySelector('[data-test=account-org]')).toBeNull()
    await pick('account-provider', '国家超算成都中心')
    await typeInto('account-username', 'op-hpc2')
    await typeInto('account-display-name', '超算 运营二')
    await typeInto('account-password', 'initial-pass-2')
    await typeInto('account-confirm', 'initial-pass-2')
    await submitForm('account-username')
    expect(writes(calls)[1]).toEqual(['POST', '/api/v1/users',
      { username: 'op-hpc2', display_name: '超算 运营二', password: 'initial-pass-2', role: 'provider', provider_id: 1 }])
  })

  it('a taken username (409 duplicate on username) lands on its field, in English', async () => {
    serve(problem(409, 'duplicate', 'username', 'the username is taken'))
    await mountAs(ADMIN, 'en')
    await press('users-create')
    await pick('account-role', 'Auditor')
    await typeInto('account-username', 'officer')
    await typeInto('account-display-name', 'Another officer')
    await typeInto('account-password', 'initial-pass-1')
    await typeInto('account-confirm', 'initial-pass-1')
    await submitForm('account-username')
    expect(await itemError('account-username')).toContain('This already exists')
    const alert = document.querySelector('[data-test=problem]')!.textContent ?? ''
    expect(alert).toContain('Username')
    expect(alert).toContain('the username is taken')
    expect(dialogText('account-dialog')).toContain('New account')
  })

  it('disables and enables after a confirmation naming the account; "not now" sends nothing', async () => {
    const calls = serve()
    const w = await mountAs(ADMIN)
    await press('user-disable-7')
    const asked = await answerConfirm('cancel')
    expect(asked).toContain('成都示例科技有限公司 admin')
    expect(asked).toContain('demo-applicant')
    expect(asked).toContain('再想想')
    expect(writes(calls)).toEqual([])
    await press('user-disable-7')
    await answerConfirm('confirm')
    expect(w.get('[data-test=user-status-7]').text()).toBe('已停用')
    expect(w.find('[data-test=user-enable-7]').exists()).toBe(true)
    await press('user-enable-8')
    expect(await answerConfirm('confirm')).toContain('确定启用')
    expect(w.get('[data-test=user-status-8]').text()).toBe('正常')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/7/disable', null], ['POST', '/api/v1/users/8/enable', null]])
  })

  it('resets another account\'s password: the new one twice, then POST /users/{id}/password', async () => {
    const calls = serve()
    await mountAs(ADMIN)
    await press('user-reset-2')
    expect(dialogText('reset-dialog')).toContain('重置 市经信局 张科长 的密码')
    await typeInto('reset-new', 'short')
    expect(await itemError('reset-new')).toBe('密码至少 8 个字节(一个汉字占 3 字节)')
    await typeInto('reset-new', 'a-new-pass-phrase-2024')
    await typeInto('reset-confirm', 'a-new-pass-phrase-2025')
    await submitForm('reset-new')
    expect(await itemError('reset-confirm')).toBe('两次输入的密码不一致')
    expect(writes(calls)).toEqual([])
    await typeInto('reset-confirm', 'a-new-pass-phrase-2024')
    await submitForm('reset-new')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/2/password', { new_password: 'a-new-pass-phrase-2024' }]])
    expect(lastMessage()).toContain('已重置 officer 的密码')
  })

  it('the server\'s refusal of a reset (422 on new_password) shows on that field', async () => {
    serve(problem(422, 'out_of_range', 'new_password', 'a password must be 8 to 1024 bytes long; this one is 1025'))
    await mountAs(ADMIN)
    await press('user-reset-2')
    await typeInto('reset-new', 'a-new-pass-phrase-2024')
    await typeInto('reset-confirm', 'a-new-pass-phrase-2024')
    await submitForm('reset-new')
    expect(await itemError('reset-new')).toBe('密码须为 8–1024 个字节(一个汉字占 3 字节)')
    expect(document.querySelector('[data-test=problem-detail]')!.textContent).toContain('this one is 1025')
  })

  it('an operator\'s API keys: listed without secrets, a new one shown once, revoked after a confirmation', async () => {
    const calls = serve()
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (s: string) => void (copied = s) }, configurable: true })
    let copied = ''
    await mountAs(ADMIN, 'zh-CN', true)
    await press('user-keys-5')
    expect(dialogText('keys-dialog')).toContain('成都智算中心 运营 的 API 密钥')
    expect(document.querySelector('[data-test=key-status-k0]')!.textContent).toContain('已吊销')
    expect(document.querySelector('[data-test=key-revoke-k0]')).toBeNull()
    expect(document.querySelector('[data-test=issued]')).toBeNull()
    await press('key-issue')
    expect(field('issued-key').value).toBe('sk_k2_THE-SECRET-SHOWN-ONCE')
    expect(field('issued-key').readOnly).toBe(true)
    expect(document.querySelector('[data-test=issued-warning]')!.textContent).toContain('密钥只显示这一次')
    expect(document.querySelector('[data-test=key-status-k2]')!.textContent).toContain('有效')
    await press('issued-copy')
    expect(copied).toBe('sk_k2_THE-SECRET-SHOWN-ONCE')
    expect(lastMessage()).toContain('已复制')
    // Closed and opened again: the secret is gone for good; the list never had it.
    ;(document.querySelector('[data-test=keys-dialog] .el-dialog__headerbtn') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 400))
    await press('user-keys-5')
    await flushPromises()
    expect(document.querySelector('[data-test=issued]')).toBeNull()
    expect(document.body.textContent).not.toContain('THE-SECRET-SHOWN-ONCE')
    await press('key-revoke-k1')
    expect(await answerConfirm('confirm')).toContain('k1')
    expect(document.querySelector('[data-test=key-status-k1]')!.textContent).toContain('已吊销')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/5/api-keys', null], ['DELETE', '/api/v1/users/5/api-keys/k1', null]])
  })

  it('a disabled operator\'s keys can be listed and revoked but no new one is offered', async () => {
    serve()
    await mountAs(ADMIN, 'en')
    await press('user-keys-6')
    expect(document.querySelector('[data-test=key-issue]')).toBeNull()
    expect(document.querySelector('[data-test=key-no-issue]')!.textContent).toContain('The account is disabled')
  })

  it('edits a staff account: a new name and role, warned that its sessions and keys end; only what changed is sent', async () => {
    const calls = serve()
    const w = await mountAs(ADMIN)
    await press('user-edit-2')
    expect(dialogText('edit-dialog')).toContain('修改账号 officer')
    expect(document.querySelector('[data-test=edit-powers]')).toBeNull()
    expect((document.querySelector('[data-test=edit-submit]') as HTMLButtonElement).disabled).toBe(true) // nothing changed yet
    await typeInto('edit-display-name', '')
    await submitForm('edit-display-name')
    expect(await itemError('edit-display-name')).toBe('必填')
    await typeInto('edit-display-name', '市经信局 张处长')
    // Only the platform's roles are offered for a staff account.
    ;(document.querySelector('[data-test=edit-role] .el-select__wrapper') as HTMLElement).click()
    await flushPromises()
    const offered = [...document.querySelectorAll<HTMLElement>('.el-popper')].filter((p) => p.style.display !== 'none')
      .flatMap((p) => [...p.querySelectorAll('.el-select-dropdown__item')].map((e) => e.textContent))
    expect(offered).toEqual(['管理员', '项目主管', '评审专家', '审计员'])
    await pick('edit-role', '审计')
    expect(document.querySelector('[data-test=edit-powers]')!.textContent).toContain('API 密钥全部吊销')
    await submitForm('edit-display-name')
    expect(writes(calls)).toEqual([['PATCH', '/api/v1/users/2', { display_name: '市经信局 张处长', role: 'auditor' }]])
    expect(lastMessage()).toContain('已修改账号 officer')
    expect(rowOf(w, 'officer').text()).toContain('市经信局 张处长')
    expect(rowOf(w, 'officer').text()).toContain('审计')
  })

  it("edits an applicant's organisation (not its organisation's admin's) and its own account's name only", async () => {
    const calls = serve()
    await mountAs(ADMIN)
    await press('user-edit-7')
    expect(document.querySelector('[data-test=edit-role-fixed]')!.textContent).toContain('申领单位')
    expect(document.querySelector('[data-test=edit-org] .is-disabled')).not.toBeNull()
    expect(document.querySelector('[data-test=edit-org-admin]')!.textContent).toContain('须先把单位管理员交给其他成员')
    ;(document.querySelector('[data-test=edit-dialog] .el-dialog__headerbtn') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 400))
    await press('user-edit-9')
    await pick('edit-org', '成都示例大学')
    expect(document.querySelector('[data-test=edit-powers]')).not.toBeNull()
    await submitForm('edit-display-name')
    expect(writes(calls)).toEqual([['PATCH', '/api/v1/users/9', { org_id: 3 }]])
    await new Promise((r) => setTimeout(r, 400))
    // Its own row: the name only, and nothing else offered.
    await press('user-edit-1')
    expect(document.querySelector('[data-test=edit-role]')).toBeNull()
    expect(document.querySelector('[data-test=edit-role-hint]')!.textContent).toContain('自己的账号只能修改名称')
  })

  it("the server's refusal of a change (409 on role) shows on the role field", async () => {
    serve(problem(409, 'state_conflict', 'role', 'sits on the panel of claim 3 under review: assign the panel anew first'))
    await mountAs(ADMIN, 'en')
    await press('user-edit-2')
    await pick('edit-role', 'Expert')
    await submitForm('edit-display-name')
    expect(await itemError('edit-role')).not.toBe('')
    expect(document.querySelector('[data-test=problem-detail]')!.textContent).toContain('claim 3 under review')
    expect(dialogText('edit-dialog')).toContain('Edit account officer')
  })

  it("makes an enabled member its organisation's admin after a confirmation; the previous one loses the mark", async () => {
    const calls = serve()
    const w = await mountAs(ADMIN)
    expect(w.find('[data-test=user-org-admin-7]').exists()).toBe(false) // already
    expect(w.find('[data-test=user-org-admin-8]').exists()).toBe(false) // disabled
    await press('user-org-admin-9')
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('成都示例科技有限公司')
    expect(asked).toContain('cd-member')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/9/org-admin', null]])
    const tags = (username: string) => rowOf(w, username).findAll('.el-tag').map((t) => t.text())
    expect(tags('cd-member')).toContain('单位管理员')
    expect(tags('demo-applicant')).not.toContain('单位管理员')
    expect(w.find('[data-test=user-org-admin-7]').exists()).toBe(true) // and it may be made one again
  })

  it('officers and auditors read the list with nothing to change', async () => {
    for (const role of ['auditor', 'officer'] as const) {
      const calls = serve()
      const w = await mountAs(role, 'en')
      expect(w.get('[data-test=users]').text()).toContain('op-ai')
      expect(w.text()).toContain('read-only')
      expect(w.find('[data-test=users-create]').exists()).toBe(false)
      expect(w.find('[data-test^=user-disable-]').exists()).toBe(false)
      expect(w.find('[data-test^=user-enable-]').exists()).toBe(false)
      expect(w.find('[data-test^=user-reset-]').exists()).toBe(false)
      expect(w.find('[data-test^=user-keys-]').exists()).toBe(false)
      expect(w.find('[data-test^=user-edit-]').exists()).toBe(false)
      expect(w.find('[data-test^=user-org-admin-]').exists()).toBe(false)
      expect(writes(calls)).toEqual([])
      w.unmount()
      wrapper = null
    }
  })
})
