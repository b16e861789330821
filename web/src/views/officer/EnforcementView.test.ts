import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import EnforcementView from './EnforcementView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// A finding that recovers 10,000.00, of which 4,000.00 was repaid.
const finding = {
  id: 7, org_id: 1, org_name: '成都示例科技有限公司', program_id: 'chengdu-2024', finding: '虚构合同',
  voucher_clawed_back: '140000.00', used_to_recover: '10000.00', repaid: '4000.00', outstanding: '6000.00',
  banned_until: '2026-05-10T00:00:00+08:00', at: '2024-05-10T10:00:00+08:00',
}

// The server: the finding; the first repayment's answer is lost (502), the retry recorded.
function serve() {
  let posts = 0
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      posts += 1
      if (posts === 1) return { status: 502, body: { type: 'about:blank', title: 'Bad Gateway', status: 502 } }
      return { status: 201, body: { ...finding, repaid: '10000.00', outstanding: '0.00' } }
    }
    if (url.startsWith('/api/v1/enforcements')) return { status: 200, body: { items: [finding], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

describe('EnforcementView', () => {
  it('lists findings and records a repayment no larger than what is owed, under one key across a retry', async () => {
    const calls = serve()
    wrapper = mountWith(EnforcementView, 'en', {}, 'officer')
    await flushPromises()
    const table = wrapper.get('[data-test=findings]').text()
    expect(table).toContain('成都示例科技有限公司')
    expect(table).toContain('6,000.00')
    await wrapper.get('[data-test=repay-7]').trigger('click')
    await flushPromises()
    const amount = document.querySelector('input[data-test=repay-amount]') as HTMLInputElement
    const reference = document.querySelector('input[data-test=repay-reference]') as HTMLInputElement
    // Submitting the dialog's form (the button is its native submit).
    const submit = { click: () => amount.form!.dispatchEvent(new Event('submit', { cancelable: true })) }
    expect(amount.value).toBe('6000.00')
    // More than is owed: refused on the field, nothing sent.
    amount.value = '6000.01'
    amount.dispatchEvent(new Event('input'))
    reference.value = 'ICBC 20240601-002'
    reference.dispatchEvent(new Event('input'))
    await flushPromises()
    submit.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // the field's error comes in with a transition
    expect(amount.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent).toContain('At most 6000.00 CNY')
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
    amount.value = '6000.00'
    amount.dispatchEvent(new Event('input'))
    await flushPromises()
    submit.click()
    await flushPromises()
    submit.click()
    await flushPromises()
    const posts = calls.filter((c) => c.init?.method === 'POST')
    expect(posts.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['/api/v1/enforcements/7/repayments', { amount: '6000.00', reference: 'ICBC 20240601-002' }],
      ['/api/v1/enforcements/7/repayments', { amount: '6000.00', reference: 'ICBC 20240601-002' }],
    ])
    const key = (i: number) => new Headers(posts[i].init.headers).get('Idempotency-Key')
    expect(key(0)).toBeTruthy()
    expect(key(1)).toBe(key(0))
  })

  it('marks a finding whose clawbacks are not yet tallied, and only that one', async () => {
    stubFetch((url) => {
      if (url.startsWith('/api/v1/enforcements')) {
        return { status: 200, body: { items: [{ ...finding, id: 8, tally_pending: true, voucher_clawed_back: '0.00' }, finding], next_cursor: null } }
      }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    wrapper = mountWith(EnforcementView, 'zh-CN', {}, 'officer')
    await flushPromises()
    expect(wrapper.get('[data-test=tally-pending-8]').text()).toBe('待核定')
    expect(wrapper.find('[data-test=tally-pending-7]').exists()).toBe(false)
  })
})
