import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import RegisterView from './RegisterView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})
const mountView = (locale: 'zh-CN' | 'en') =>
  (wrapper = mountWith(RegisterView, locale, { global: { stubs: { 'router-link': { template: '<a><slot /></a>' } } } }))

async function itemError(w: VueWrapper, test: string): Promise<string> {
  await flushPromises()
  await nextTick()
  await new Promise((r) => setTimeout(r, 150)) // Element Plus debounces a form item's error
  return w.get(`[data-test=${test}]`).element.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}

async function fillValid(w: VueWrapper) {
  await w.get('[data-test=reg-name]').setValue('成都甲智能科技有限公司')
  await w.get('[data-test=reg-uscc]').setValue('91510100MA6TYT0011')
  await w.get('[data-test=reg-rep-name]').setValue('测试')
  await w.get('[data-test=reg-rep-id]').setValue('510107198505051230')
  await w.get('[data-test=reg-revenue]').setValue('50,000,000')
  await w.get('[data-test=reg-username]').setValue('alpha-admin')
  await w.get('[data-test=reg-password]').setValue('pass-alpha-admin')
  await w.get('[data-test=reg-confirm]').setValue('pass-alpha-admin')
}

describe.each([
  ['zh-CN', { uscc: '校验位不正确,请核对代码', id: '校验位不正确,请核对身份证号', confirm: '两次输入的密码不一致', taken: '已存在相同的记录(例如用户名已被占用,或该合同、该季度已申请过)', code107: '代码(统一社会信用代码或身份证号)校验未通过', required: '必填' }],
  ['en', { uscc: 'The check character is wrong; please check the code', id: 'Wrong check character; please check the number', confirm: 'The passwords differ', taken: 'This already exists (e.g. the username is taken, or the contract or quarter was claimed before)', code107: 'The code (USCC or resident ID) fails its check', required: 'Required' }],
] as const)('RegisterView (%s)', (locale, msg) => {
  it('checks the USCC, the resident ID and the password confirmation while typing', async () => {
    const w = mountView(locale)
    expect(w.findAll('.el-form-item__error')).toHaveLength(0)
    await w.get('[data-test=reg-uscc]').setValue('91510100MA6TYT0010')
    expect(await itemError(w, 'reg-uscc')).toBe(msg.uscc)
    await w.get('[data-test=reg-uscc]').setValue('91510100MA6TYT0011')
    expect(await itemError(w, 'reg-uscc')).toBe('')
    await w.get('[data-test=reg-rep-id]').setValue('51010719850505123X')
    expect(await itemError(w, 'reg-rep-id')).toBe(msg.id)
    await w.get('[data-test=reg-password]').setValue('pass-alpha-admin')
    await w.get('[data-test=reg-confirm]').setValue('pass-alpha-admi')
    expect(await itemError(w, 'reg-confirm')).toBe(msg.confirm)
  })

  it('sends nothing while a field is wrong, then posts the registration', async () => {
    const calls = stubFetch(() => ({ status: 201, body: { id: 3, name: '成都甲智能科技有限公司', qualification: 'none' } }))
    const w = mountView(locale)
    await w.get('form').trigger('submit')
    expect(await itemError(w, 'reg-name')).toBe(msg.required)
    expect(calls).toHaveLength(0)
    await fillValid(w)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe('/api/v1/orgs')
    const body = JSON.parse(String(calls[0].init.body))
    expect(body).toMatchObject({ uscc: '91510100MA6TYT0011', legal_rep_id: '510107198505051230', prior_year_revenue: '50000000.00', type: 'enterprise', admin_username: 'alpha-admin' })
    expect(body).not.toHaveProperty('confirm')
    expect(w.get('[data-test=register-done]').text()).toContain('成都甲智能科技有限公司')
  })

  it("shows the server's problem+json in the user's language, on the field it names", async () => {
    stubFetch(() => ({ status: 422, body: { type: 'https://suanli.dev/problems/invalid_code', title: 'invalid_code', status: 422, detail: 'wrong check character', code: 107, field: 'legal_rep_id' } }))
    const w = mountView(locale)
    await fillValid(w)
    await w.get('form').trigger('submit')
    await flushPromises()
    const alert = w.get('[data-test=problem]').text()
    const expected = msg.code107
    expect(alert).toContain(expected)
    expect(alert).toContain('legal_rep_id')
    expect(await itemError(w, 'reg-rep-id')).toBe(expected)
  })

  it('a taken username (409) is explained, not shown raw', async () => {
    stubFetch(() => ({ status: 409, body: { type: 'https://suanli.dev/problems/duplicate', title: 'duplicate', status: 409, detail: 'the username is taken', code: 308, field: 'username' } }))
    const w = mountView(locale)
    await fillValid(w)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-test=problem]').text()).toContain(msg.taken)
    expect(w.get('[data-test=problem]').text()).toContain('the username is taken') // the server's detail, as it is
    expect(await itemError(w, 'reg-username')).toBe(msg.taken)
  })
})
