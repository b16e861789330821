import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import MembersView from './MembersView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, dialogText, itemError, lastMessage, press, submitForm, typeInto, writes } from '@/test/dom'
import type { User } from '@/api/types'
import { useSessionStore } from '@/stores/session'

// Where the page goes after passing the admin role on (it may no longer stay).
const { replaced } = vi.hoisted(() => ({ replaced: [] as unknown[] }))
vi.mock('vue-router', async (original) => ({
  ...(await original<typeof import('vue-router')>()),
  useRouter: () => ({ replace: async (to: unknown) => void replaced.push(to) }),
}))

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// The demo's organisation admin (its org_id is 4, as the session answers it).
const ORG_ADMIN: User = { id: 7, username: 'demo-applicant', display_name: '成都示例科技有限公司 admin', roles: ['applicant'], org_id: 4, org_admin: true }
const member = (id: number, username: string, display_name: string, extra: object = {}) => ({
  id, username, display_name, roles: ['applicant'], org_id: 4, provider_id: null, org_admin: false, disabled: false,
  disabled_by_platform: false, must_change_password: false, created_at: '2024-03-15T01:00:00Z', ...extra,
})

/**
 * GET /users answers an organisation's admin with its own members (?q=, a page of `pageSize`);
 * POST /users invites (or `refuse`), …/disable, /enable and /org-admin as routes_accounts.cc;
 * GET /session answers the session as it is after the role was passed on.
 */
function serve(refuse?: { status: number; body: unknown }, pageSize = 50) {
  let members = [
    member(7, 'demo-applicant', '成都示例科技有限公司 admin', { org_admin: true }),
    member(11, 'cd-finance', '财务 王五', { disabled: true }),
    member(13, 'cd-old', '离职 赵六', { disabled: true, disabled_by_platform: true }),
    member(14, 'cd-dev', '研发 李四'),
  ]
  return stubFetch((url, init) => {
    const path = url.split('?')[0]
    if (path === '/api/v1/session') return { status: 200, body: { user: { ...ORG_ADMIN, org_admin: false }, csrf_token: 't', must_change_password: false } }
    if (init?.method === 'POST') {
      if (refuse) return refuse
      const m = /^\/api\/v1\/users\/(\d+)\/(disable|enable|org-admin|password)$/.exec(path)
      if (m) {
        const id = Number(m[1])
        if (m[2] === 'password') return { status: 200, body: { id, password_reset: true } }
        if (m[2] === 'org-admin') {
          members = members.map((x) => ({ ...x, org_admin: x.id === id }))
          return { status: 200, body: members.find((x) => x.id === id) }
        }
        members = members.map((x) => (x.id === id ? { ...x, disabled: m[2] === 'disable' } : x))
        return { status: 200, body: { id, disabled: m[2] === 'disable' } }
      }
      const b = JSON.parse(String(init.body))
      const made = member(12, b.username, b.display_name, { must_change_password: true })
      members = [...members, made].sort((x, y) => x.id - y.id)
      return { status: 201, body: made }
    }
    if (path === '/api/v1/users') {
      const q = new URL(url, 'http://x').searchParams
      const text = (q.get('q') ?? '').toLowerCase()
      const after = Number(q.get('after') ?? 0)
      const items = members.filter((x) => x.id > after && (!text || x.username.includes(text) || x.display_name.includes(text))).slice(0, pageSize)
      return { status: 200, body: { items, next_cursor: items.length === pageSize ? items[items.length - 1].id : null } }
    }
    if (url === '/api/v1/orgs/4') return { status: 200, body: { id: 4, name: '成都示例科技有限公司' } }
    return { status: 404, body: {} }
  })
}

async function mountView(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const w = mountWith(MembersView, locale, {}, ORG_ADMIN)
  wrapper = w
  await flushPromises()
  return w
}

describe('MembersView', () => {
  it('lists its organisation\'s members and invites one into it (role applicant, its own org_id)', async () => {
    const calls = serve()
    const w = await mountView()
    const table = w.get('[data-test=members]').text()
    expect(table).toContain('demo-applicant')
    expect(table).toContain('(您)')
    expect(table).toContain('单位管理员')
    expect(table).toContain('2024-03-15 09:00')
    expect(w.get('[data-test=member-status-11]').text()).toBe('已停用')
    expect(calls.map((c) => c.url)).toEqual(expect.arrayContaining(['/api/v1/users', '/api/v1/orgs/4']))
    await press('members-invite')
    // No role, organisation or provider to choose: the organisation is its own, named.
    expect(document.querySelector('[data-test=account-role]')).toBeNull()
    expect(document.querySelector('[data-test=account-org]')).toBeNull()
    expect(dialogText('account-dialog')).toContain('新成员将属于 成都示例科技有限公司')
    await typeInto('account-username', 'cd-zhangsan')
    await typeInto('account-display-name', '研发 张三')
    await typeInto('account-password', '初始密码')
    expect(await itemError('account-password')).toBe('') // 4 汉字 = 12 bytes
    await typeInto('account-confirm', '初始密码')
    await submitForm('account-username')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users',
      { username: 'cd-zhangsan', display_name: '研发 张三', password: '初始密码', role: 'applicant', org_id: 4 }]])
    expect(lastMessage()).toContain('已邀请成员 cd-zhangsan')
    expect(w.get('[data-test=members]').text()).toContain('研发 张三')
    // It must change the initial password at its first sign-in: marked.
    expect(w.get('[data-test=member-must-change-12]').text()).toBe('待修改密码')
  })

  it('resets a member\'s password (not its own, not a disabled member\'s), and marks it to be changed', async () => {
    const calls = serve()
    const w = await mountView()
    expect(w.get('.page-intro').text()).toContain('重置成员忘记的密码')
    expect(w.find('[data-test=member-reset-7]').exists()).toBe(false) // itself
    expect(w.find('[data-test=member-reset-11]').exists()).toBe(false) // disabled: enable it first
    expect(w.find('[data-test=member-must-change-14]').exists()).toBe(false)
    await press('member-reset-14')
    expect(dialogText('reset-dialog')).toContain('重置 研发 李四 的密码')
    await typeInto('reset-new', 'new-pass-123')
    await typeInto('reset-confirm', 'new-pass-123')
    await submitForm('reset-new')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/14/password', { new_password: 'new-pass-123' }]])
    expect(lastMessage()).toContain('已重置 cd-dev 的密码')
    expect(w.get('[data-test=member-must-change-14]').text()).toBe('待修改密码')
  })

  it('disables and enables a member after a confirmation, never itself, and does not enable one the platform disabled', async () => {
    const calls = serve()
    const w = await mountView()
    // Its own row has no actions.
    expect(w.find('[data-test=member-disable-7]').exists()).toBe(false)
    expect(w.find('[data-test=member-org-admin-7]').exists()).toBe(false)
    // Disabled by the platform's admin: said so, and no enable.
    expect(w.find('[data-test=member-enable-13]').exists()).toBe(false)
    expect(w.get('[data-test=member-by-platform-13]').text()).toContain('由平台管理员停用')
    await press('member-disable-14')
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('研发 李四')
    expect(asked).toContain('cd-dev')
    expect(w.get('[data-test=member-status-14]').text()).toBe('已停用')
    await press('member-enable-11')
    await answerConfirm('confirm')
    expect(w.get('[data-test=member-status-11]').text()).toBe('正常')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/14/disable', null], ['POST', '/api/v1/users/11/enable', null]])
  })

  it("passes the organisation's admin on after a confirmation, reads the session again and leaves the page", async () => {
    replaced.length = 0
    const calls = serve()
    await mountView()
    await press('member-org-admin-14')
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('之后您成为普通成员')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/14/org-admin', null]])
    expect(calls.map((c) => c.url)).toContain('/api/v1/session')
    expect(useSessionStore().user?.org_admin).toBe(false)
    expect(replaced).toEqual([{ name: 'applicant-org' }])
  })

  it('searches by username or name, and pages with "load more"', async () => {
    const calls = serve(undefined, 2)
    const w = await mountView()
    const names = () => w.findAll('[data-test=members] .el-table__body tr').map((r) => r.find('code').text())
    expect(names()).toEqual(['demo-applicant', 'cd-finance'])
    await press('members-more')
    expect(names()).toEqual(['demo-applicant', 'cd-finance', 'cd-old', 'cd-dev'])
    await typeInto('members-search', '李四')
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(calls.map((c) => c.url)).toContain(`/api/v1/users?q=${encodeURIComponent('李四')}`)
    expect(names()).toEqual(['cd-dev'])
  })

  it('sends nothing while a field is wrong, and shows the server\'s refusal in English', async () => {
    const calls = serve({ status: 403, body: { type: 'https://suanli.dev/problems/forbidden', title: 'forbidden', status: 403, detail: 'requires role admin' } })
    await mountView('en')
    await press('members-invite')
    await typeInto('account-username', 'ab')
    await typeInto('account-password', '1234567')
    await submitForm('account-username')
    expect(await itemError('account-username')).toBe('3 to 64 characters')
    expect(await itemError('account-display-name')).toBe('Required')
    expect(await itemError('account-password')).toBe('At least 8 bytes (a Chinese character takes 3)')
    expect(writes(calls)).toEqual([])
    await typeInto('account-username', 'cd-lisi')
    await typeInto('account-display-name', 'Li Si')
    await typeInto('account-password', 'initial-pass-1')
    await typeInto('account-confirm', 'initial-pass-1')
    await submitForm('account-username')
    expect(writes(calls)).toHaveLength(1)
    const alert = document.querySelector('[data-test=problem]')!.textContent ?? ''
    expect(alert).toContain('You are not allowed to do this')
    expect(alert).toContain('requires role admin')
  })
})
