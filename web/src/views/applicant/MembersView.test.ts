import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import MembersView from './MembersView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { dialogText, itemError, lastMessage, press, submitForm, typeInto, writes } from '@/test/dom'
import type { User } from '@/api/types'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// The demo's organisation admin (its org_id is 4, as the session answers it).
const ORG_ADMIN: User = { id: '7', username: 'demo-applicant', display_name: '成都示例科技有限公司 admin', roles: ['applicant'], org_id: '4', org_admin: true }
const member = (id: number, username: string, display_name: string, extra: object = {}) => ({
  id, username, display_name, roles: ['applicant'], org_id: 4, provider_id: null, org_admin: false, disabled: false,
  created_at: '2024-03-15T01:00:00Z', ...extra,
})

/** GET /users answers an organisation's admin with its own members; POST /users invites (or `refuse`). */
function serve(refuse?: { status: number; body: unknown }) {
  let members = [member(7, 'demo-applicant', '成都示例科技有限公司 admin', { org_admin: true }), member(11, 'cd-finance', '财务 王五', { disabled: true })]
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      if (refuse) return refuse
      const b = JSON.parse(String(init.body))
      members = [...members, member(12, b.username, b.display_name)]
      return { status: 201, body: { id: 12, username: b.username, display_name: b.display_name, roles: ['applicant'], org_id: 4, provider_id: null, org_admin: false } }
    }
    if (url === '/api/v1/users') return { status: 200, body: { items: members } }
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
