import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import AwardsView from './AwardsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// A Yangzhou award: 30 % of 1,234,567.89 paid, rounded down to the fen (seed 002).
const award = {
  id: 3, application_id: 5, org_id: 4, org_name: '扬州示例智能科技有限公司', program_id: 'yangzhou', contract_id: 9,
  contract_no: 'YZ-1', amount: '370370.36', status: 'awarded', bank_reference: null,
  awarded_at: '2024-05-10T10:00:00+08:00', paid_at: null,
}

// The server: the award; the first payout's answer is lost (502), the retry recorded.
function serve() {
  let posts = 0
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      posts += 1
      if (posts === 1) return { status: 502, body: { type: 'about:blank', title: 'Bad Gateway', status: 502 } }
      return { status: 200, body: { ...award, status: 'paid', bank_reference: 'ICBC-1', paid_at: '2024-05-11T09:00:00+08:00' } }
    }
    if (url.startsWith('/api/v1/awards')) return { status: 200, body: { items: [award], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

describe('AwardsView', () => {
  it('lists awards and records a payout of the whole award under one key across a retry', async () => {
    const calls = serve()
    wrapper = mountWith(AwardsView, 'zh-CN', {}, 'officer')
    await flushPromises()
    const table = wrapper.get('[data-test=awards]').text()
    expect(table).toContain('扬州示例智能科技有限公司')
    expect(table).toContain('370,370.36')
    expect(table).toContain('已核定')
    await wrapper.get('[data-test=pay-3]').trigger('click')
    await flushPromises()
    const amount = document.querySelector('input[data-test=pay-amount]') as HTMLInputElement
    const reference = document.querySelector('input[data-test=pay-reference]') as HTMLInputElement
    const submit = { click: () => amount.form!.dispatchEvent(new Event('submit', { cancelable: true })) }
    expect(amount.value).toBe('370370.36')
    // Another amount: refused on the field, nothing sent (an award is paid whole).
    amount.value = '370000.00'
    amount.dispatchEvent(new Event('input'))
    reference.value = 'ICBC-1'
    reference.dispatchEvent(new Event('input'))
    await flushPromises()
    submit.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    expect(amount.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent).toContain('370370.36')
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
    amount.value = '370370.36'
    amount.dispatchEvent(new Event('input'))
    await flushPromises()
    submit.click()
    await flushPromises()
    submit.click()
    await flushPromises()
    const posts = calls.filter((c) => c.init?.method === 'POST')
    expect(posts.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['/api/v1/awards/3/payout', { amount: '370370.36', reference: 'ICBC-1' }],
      ['/api/v1/awards/3/payout', { amount: '370370.36', reference: 'ICBC-1' }],
    ])
    const key = (i: number) => new Headers(posts[i].init.headers).get('Idempotency-Key')
    expect(key(0)).toBeTruthy()
    expect(key(1)).toBe(key(0))
  })

  it('shows no payout button to an auditor, who reads the list', async () => {
    stubFetch((url) => (url.startsWith('/api/v1/awards')
      ? { status: 200, body: { items: [award], next_cursor: null } }
      : { status: 200, body: { items: [], next_cursor: null } }))
    wrapper = mountWith(AwardsView, 'en', {}, 'auditor')
    await flushPromises()
    expect(wrapper.get('[data-test=awards]').text()).toContain('Awarded')
    expect(wrapper.find('[data-test=pay-3]').exists()).toBe(false)
  })

  it('shows an applicant its awards (the server answers with its own) without the payout', async () => {
    const calls = stubFetch((url) => (url.startsWith('/api/v1/awards')
      ? { status: 200, body: { items: [{ ...award, status: 'paid', bank_reference: 'ICBC-1' }], next_cursor: null } }
      : { status: 200, body: { items: [], next_cursor: null } }))
    wrapper = mountWith(AwardsView, 'zh-CN', {}, 'applicant')
    await flushPromises()
    expect(calls.some((c) => c.url.startsWith('/api/v1/awards'))).toBe(true)
    const table = wrapper.get('[data-test=awards]').text()
    expect(table).toContain('370,370.36')
    expect(table).toContain('ICBC-1')
    expect(wrapper.find('[data-test=pay-3]').exists()).toBe(false)
  })
})
