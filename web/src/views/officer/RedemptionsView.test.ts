import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import RedemptionsView from './RedemptionsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// Beijing: 20 % of an invoice of 600,000.00, held on voucher 1.
const redemption = {
  id: 5, voucher_id: 1, org_id: 3, org_name: '北京示例智能科技有限公司', program_id: 'beijing', contract_no: 'BJ-HT-1',
  invoice_no: 'FP-2024-001', invoiced: '600000.00', rate: '0.20', amount: '120000.00', invoice_document_id: 7,
  proof_document_id: 8, status: 'submitted', reasons: '', bank_reference: '', submitted_at: '2024-05-10T10:00:00+08:00', decided_at: null,
}
const stubs = { global: { stubs: { RouterLink: { props: ['to'], template: '<a :href="to"><slot /></a>' } } } }

/** The server: the list; POSTs answer from `answers` in turn. */
function serve(answers: { status: number; body: unknown }[] = [], items: object[] = [redemption]) {
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return answers.shift()!
    if (url.startsWith('/api/v1/redemptions')) return { status: 200, body: { items, next_cursor: null } }
    return { status: 404, body: { status: 404 } }
  })
}
const q = <T extends Element = HTMLInputElement>(testId: string) => document.querySelector(`[data-test=${testId}]`) as T
async function type(testId: string, text: string) {
  const input = q(testId)
  input.value = text
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit(testId: string) {
  q(testId).form!.dispatchEvent(new Event('submit', { cancelable: true }))
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150)) // a field's error comes in with a transition
}
const fieldError = (testId: string) => q(testId).closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent ?? ''
const posts = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.init?.method === 'POST').map((c) => [c.url, JSON.parse(String(c.init.body))])

describe('RedemptionsView', () => {
  it('lists what waits for review, with its documents linked and its voucher', async () => {
    const calls = serve()
    wrapper = mountWith(RedemptionsView, 'zh-CN', stubs, 'officer')
    await flushPromises()
    expect(calls[0].url).toBe('/api/v1/redemptions?status=submitted')
    expect(wrapper.get('h1').text()).toBe('兑付审核')
    const row = wrapper.get('[data-test=redemptions] tbody tr').text()
    for (const s of ['北京示例智能科技有限公司', 'BJ-HT-1', 'FP-2024-001', '¥600,000.00', '20%', '¥120,000.00', '已提交']) expect(row).toContain(s)
    expect(wrapper.get('[data-test=invoice-doc-5]').attributes('href')).toBe('/api/v1/documents/7/content')
    expect(wrapper.get('[data-test=proof-doc-5]').attributes('href')).toBe('/api/v1/documents/8/content')
    expect(wrapper.get('[data-test=redemptions] tbody tr a[href="/vouchers/1"]').text()).toBe('1')
  })

  it('records the payout with the typed amount (another refused before sending) and the reference, under an Idempotency-Key', async () => {
    const calls = serve([{ status: 200, body: { ...redemption, status: 'paid', bank_reference: 'BANK-REF-1', decided_at: '2024-05-11T09:00:00+08:00' } }])
    wrapper = mountWith(RedemptionsView, 'zh-CN', stubs, 'officer')
    await flushPromises()
    await wrapper.get('[data-test=pay-5]').trigger('click')
    await flushPromises()
    expect(q('pay-amount').value).toBe('120000.00')
    await type('pay-amount', '100000.00')
    await type('pay-reference', 'BANK-REF-1')
    await submit('pay-amount')
    expect(fieldError('pay-amount')).toContain('120000.00')
    expect(posts(calls)).toEqual([])
    await type('pay-amount', '120,000')
    await submit('pay-amount')
    expect(posts(calls)).toEqual([['/api/v1/redemptions/5/payout', { amount: '120000.00', reference: 'BANK-REF-1' }]])
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(new Headers(post.init.headers).get('Idempotency-Key')).toBeTruthy()
    // The list is read again after the payout.
    expect(calls.filter((c) => c.url.startsWith('/api/v1/redemptions?'))).toHaveLength(2)
  })

  it('refuses with reasons (none: refused on the field, nothing sent); a 409 is shown with its detail', async () => {
    const calls = serve([
      { status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'State conflict', status: 409, detail: 'redemption 5 is already paid' } },
      { status: 200, body: { ...redemption, status: 'refused', reasons: '发票与合同不符', decided_at: '2024-05-11T09:00:00+08:00' } },
    ])
    wrapper = mountWith(RedemptionsView, 'en', stubs, 'officer')
    await flushPromises()
    await wrapper.get('[data-test=refuse-5]').trigger('click')
    await flushPromises()
    await submit('refuse-reasons')
    expect(fieldError('refuse-reasons')).not.toBe('')
    expect(posts(calls)).toEqual([])
    await type('refuse-reasons', ' 发票与合同不符 ')
    await submit('refuse-reasons')
    expect(document.body.querySelector('[data-test=problem-detail]')?.textContent).toContain('redemption 5 is already paid')
    await submit('refuse-reasons')
    expect(posts(calls)).toEqual([
      ['/api/v1/redemptions/5/refusal', { reasons: '发票与合同不符' }],
      ['/api/v1/redemptions/5/refusal', { reasons: '发票与合同不符' }],
    ])
    const keys = calls.filter((c) => c.init?.method === 'POST').map((c) => new Headers(c.init.headers).get('Idempotency-Key'))
    expect(keys.every(Boolean)).toBe(true)
    expect(document.body.textContent).toContain('Refused; the hold went back to the voucher')
  })

  it('an auditor and an admin read every redemption, without paying or refusing', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      serve()
      wrapper = mountWith(RedemptionsView, 'en', stubs, role)
      await flushPromises()
      expect(wrapper.get('h1').text()).toBe('Redemptions')
      expect(wrapper.get('[data-test=redemptions]').text()).toContain('FP-2024-001')
      expect(wrapper.find('[data-test=pay-5]').exists()).toBe(false)
      expect(wrapper.find('[data-test=refuse-5]').exists()).toBe(false)
      wrapper.unmount()
      wrapper = null
    }
  })

  it('shows an applicant all of its own (no status asked), without paying or refusing', async () => {
    const calls = serve([], [{ ...redemption, status: 'paid', bank_reference: 'BANK-REF-1', decided_at: '2024-05-11T09:00:00+08:00' }])
    wrapper = mountWith(RedemptionsView, 'zh-CN', stubs, 'applicant')
    await flushPromises()
    expect(calls[0].url).toBe('/api/v1/redemptions')
    expect(wrapper.get('h1').text()).toBe('算力券兑付')
    const row = wrapper.get('[data-test=redemptions] tbody tr').text()
    expect(row).toContain('BANK-REF-1')
    expect(row).toContain('已拨付')
    expect(wrapper.find('[data-test=pay-5]').exists()).toBe(false)
  })
})
