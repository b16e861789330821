import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import AdminLayout from './AdminLayout.vue'
import { makeI18n } from '@/i18n'
import { makeRouter } from '@/router'
import { useSessionStore } from '@/stores/session'
import { stubFetch } from '@/test/mount'
import { dialogText, press } from '@/test/dom'
import type { User } from '@/api/types'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

/** The layout with `user` signed in, on the notices page (held for a password change with `mustChange`). */
async function mountAs(user: User, mustChange = false) {
  const calls = stubFetch(() => ({ status: 200, body: { user, csrf_token: 't', items: [], next_cursor: null, must_change_password: mustChange } }))
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore()
  session.user = user
  session.mustChangePassword = mustChange
  session.loaded = true
  const router = makeRouter(pinia, createMemoryHistory())
  await router.push('/notices')
  wrapper = mount(AdminLayout, { attachTo: document.body, global: { plugins: [ElementPlus, makeI18n('zh-CN'), pinia, router], stubs: { User: true, ArrowDown: true } } })
  await flushPromises()
  lastCalls = calls
  return wrapper
}
let lastCalls: { url: string }[] = []
const menu = (w: VueWrapper) => w.findAll('[data-test^=nav-]').map((e) => e.attributes('data-test'))

describe('AdminLayout', () => {
  it('修改密码 in the user menu opens the change-password dialog', async () => {
    const w = await mountAs({ id: 1, username: 'demo-applicant', display_name: '成都示例科技有限公司 admin', roles: ['applicant'], org_admin: true })
    expect(dialogText('password-dialog')).toBe('')
    await w.get('[data-test=user-menu]').trigger('click')
    await flushPromises()
    const item = document.querySelector('[data-test=change-password]')!
    expect(item.textContent).toContain('修改密码')
    await press('change-password')
    await new Promise((r) => setTimeout(r, 50))
    expect(dialogText('password-dialog')).toContain('当前密码')
  })

  it('shows 成员管理 to an organisation\'s admin only, API 密钥 to an operator, 账号管理 to an admin', async () => {
    const admin = await mountAs({ id: 1, username: 'demo-applicant', display_name: 'a', roles: ['applicant'], org_admin: true })
    expect(menu(admin)).toContain('nav-applicant-members')
    admin.unmount()
    const member = await mountAs({ id: 2, username: 'demo-member', display_name: 'm', roles: ['applicant'], org_admin: false })
    expect(menu(member)).toContain('nav-applicant-org')
    expect(menu(member)).not.toContain('nav-applicant-members')
    member.unmount()
    const op = await mountAs({ id: 3, username: 'op-ai', display_name: 'o', roles: ['provider'] })
    expect(menu(op)).toContain('nav-provider-api-keys')
    expect(menu(op)).not.toContain('nav-admin-users')
    op.unmount()
    const sysadmin = await mountAs({ id: 4, username: 'admin', display_name: '平台管理员', roles: ['admin'] })
    expect(menu(sysadmin)).toContain('nav-admin-users')
    expect(sysadmin.text()).toContain('账号管理')
    wrapper = sysadmin
  })

  it('a session that must change its password gets the dialog, which cannot be closed, and no page until it is changed', async () => {
    const w = await mountAs({ id: 9, username: 'cd-member', display_name: '研发 张三', roles: ['applicant'], org_id: 1 }, true)
    expect(dialogText('password-dialog')).toContain('请先修改密码')
    expect(document.querySelector('[data-test=pw-cancel]')).toBeNull()
    expect(w.get('[data-test=must-change]').text()).toContain('请先在对话框中修改密码')
    // The notices page is not shown, so it asks the server for nothing (it would be refused).
    expect(lastCalls.map((c) => c.url)).not.toContain('/api/v1/notices')
    useSessionStore().passwordChanged()
    await flushPromises()
    expect(w.find('[data-test=must-change]').exists()).toBe(false)
    expect(lastCalls.map((c) => c.url)).toContain('/api/v1/notices')
  })
})
