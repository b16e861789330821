// A voucher the organisation redeems (apply_then_redeem: Beijing): the page says so, shows what
// submitted redemptions hold, offers 申请兑付 only to the applicant of the voucher's organisation
// on an active voucher, and the dialog sends exactly what the server asks for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import VoucherDetailView from './VoucherDetailView.vue'
import VouchersView from './VouchersView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { resetServerDay } from '@/lib/serverDay'
import type { User } from '@/api/types'

let wrapper: VueWrapper | null = null
const RealXhr = globalThis.XMLHttpRequest
beforeEach(() => resetServerDay())
afterEach(() => {
  globalThis.XMLHttpRequest = RealXhr
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// Beijing: a 20 % voucher on a 1,000,000.00 contract; 120,000.00 of an earlier invoice is held.
const voucher = {
  id: 1, org_id: 3, org_name: '北京示例智能科技有限公司', program_id: 'beijing', grant: '200000.00',
  used: '0.00', remaining: '80000.00', held: '120000.00', lapsed: '0.00', expires_at: '2025-01-01T00:00:00+08:00',
  status: 'active', redeemed_by: 'organisation', rate: '0.20',
}
const redemption = {
  id: 5, voucher_id: 1, org_id: 3, org_name: '北京示例智能科技有限公司', program_id: 'beijing', contract_no: 'BJ-HT-1',
  invoice_no: 'FP-2024-000', invoiced: '600000.00', rate: '0.20', amount: '120000.00', invoice_document_id: 7,
  proof_document_id: 8, status: 'submitted', reasons: '', bank_reference: '', submitted_at: '2024-05-10T10:00:00+08:00', decided_at: null,
}
const applicant: User = { id: 4, username: 'bj-applicant', display_name: '申领单位', roles: ['applicant'], org_id: 3 }
const doc = (id: number, kind: string, status = 'pending') => ({
  id, owner: 'org/3', kind, sha256: 'ab', media_type: 'application/pdf', filename: `${kind}-${id}.pdf`, status, reason: '',
  size_bytes: 1000, uploaded_at: '2024-05-01T10:00:00+08:00',
})

/** The server: the voucher (`v`), its redemptions, the organisation's documents; POSTs answer from `answers`. */
function serve(v: object = voucher, answers: { status: number; body: unknown }[] = [], docs: object[] = [doc(7, 'invoice'), doc(6, 'invoice', 'rejected'), doc(12, 'business_licence')]) {
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return answers.shift()!
    if (url === '/api/v1/clock') return { status: 200, body: { now: '2024-05-12T09:00:00+08:00', today: '2024-05-12', manual: true } }
    if (url.startsWith('/api/v1/vouchers/1/deductions')) return { status: 200, body: { items: [], next_cursor: null } }
    if (url.startsWith('/api/v1/vouchers/1')) return { status: 200, body: v }
    if (url.startsWith('/api/v1/redemptions?')) return { status: 200, body: { items: [redemption], next_cursor: null } }
    if (url.startsWith('/api/v1/orgs/3/documents')) return { status: 200, body: { items: docs, next_cursor: null } }
    return { status: 404, body: { status: 404 } }
  })
}

/** An XMLHttpRequest (the console uploads with it, for progress) answering 201 with `answer`. */
function fakeUpload(answer: object) {
  const sent: { url: string; body: unknown }[] = []
  class FakeXhr {
    status = 0
    responseText = ''
    upload: { onprogress?: unknown } = {}
    onload: (() => void) | null = null
    onerror: (() => void) | null = null
    withCredentials = false
    private url = ''
    open(_method: string, url: string) { this.url = url }
    setRequestHeader() {}
    getResponseHeader() { return 'application/json' }
    send(body: unknown) {
      sent.push({ url: this.url, body })
      this.status = 201
      this.responseText = JSON.stringify(answer)
      setTimeout(() => this.onload?.(), 0)
    }
  }
  globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest
  return sent
}

async function open(as: User | 'officer' | 'provider' | 'applicant', locale: 'zh-CN' | 'en' = 'zh-CN') {
  wrapper = mountWith(VoucherDetailView, locale, { props: { id: '1' }, global: { mocks: { $router: { push: () => undefined } } } }, as)
  await flushPromises()
  return wrapper
}

const q = <T extends Element = HTMLInputElement>(testId: string) => document.querySelector(`[data-test=${testId}]`) as T
async function type(testId: string, text: string) {
  const input = q(testId)
  input.value = text
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function choose(testId: string, text: string) {
  q<HTMLElement>(testId).click()
  await flushPromises()
  const options = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].filter((o) => o.textContent?.includes(text))
  expect(options.length).toBeGreaterThan(0)
  options[options.length - 1].click()
  await flushPromises()
}
async function submit() {
  q('redeem-invoice-no').form!.dispatchEvent(new Event('submit', { cancelable: true }))
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150)) // a field's error comes in with a transition
}
const fieldError = (testId: string) => q(testId).closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent ?? ''

describe('VoucherDetailView: a voucher the organisation redeems', () => {
  it('says the organisation redeems it, shows what is held and the redemptions, and offers Redeem to its applicant', async () => {
    const calls = serve()
    const w = await open(applicant)
    expect(w.get('[data-test=voucher-redeemed-by]').text()).toBe('单位凭票兑付')
    expect(w.get('[data-test=voucher-held]').text()).toBe('¥120,000.00')
    expect(calls.some((c) => c.url === '/api/v1/redemptions?voucher_id=1&limit=200')).toBe(true)
    const row = w.get('[data-test=redemptions-table] tbody tr').text()
    expect(row).toContain('FP-2024-000')
    expect(row).toContain('20%')
    expect(row).toContain('¥120,000.00')
    expect(row).toContain('已提交')
    expect(w.find('[data-test=deductions-table]').exists()).toBe(false)
    expect(w.get('[data-test=redeem]').text()).toBe('申请兑付')
  })

  it('offers Redeem to nobody else: another organisation, an officer, a provider; nor on an expired voucher or one the provider deducts', async () => {
    serve()
    for (const as of [{ ...applicant, org_id: 9 }, 'officer', 'provider'] as const) {
      const w = await open(as)
      expect(w.find('[data-test=voucher-held]').exists()).toBe(true)
      expect(w.find('[data-test=redeem]').exists()).toBe(false)
      w.unmount()
    }
    serve({ ...voucher, status: 'expired' })
    expect((await open(applicant)).find('[data-test=redeem]').exists()).toBe(false)
    wrapper!.unmount()
    // Chengdu's: the provider deducts it; no redemptions asked for, no held, the deductions shown.
    const calls = serve({ ...voucher, program_id: 'chengdu-2024', redeemed_by: 'provider', held: '0.00' })
    const w = await open(applicant, 'en')
    expect(w.find('[data-test=redeem]').exists()).toBe(false)
    expect(w.find('[data-test=voucher-held]').exists()).toBe(false)
    expect(w.get('[data-test=voucher-redeemed-by]').text()).toBe('Provider deducts')
    expect(w.find('[data-test=deductions-table]').exists()).toBe(true)
    expect(calls.some((c) => c.url.startsWith('/api/v1/redemptions'))).toBe(false)
  })

  it('posts the exact body: an invoice uploaded before, a proof uploaded on the spot; then the voucher is read again', async () => {
    const proof = doc(8, 'proof_of_service')
    const uploads = fakeUpload(proof)
    const answer = { ...redemption, id: 6, invoice_no: 'FP-2024-001' }
    const calls = serve(voucher, [{ status: 201, body: answer }], [doc(7, 'invoice'), doc(6, 'invoice', 'rejected'), proof])
    const w = await open(applicant)
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    // Nothing filled: refused on the fields, nothing sent.
    await submit()
    expect(fieldError('redeem-invoice-no')).not.toBe('')
    expect(fieldError('redeem-proof-doc')).not.toBe('')
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
    await type('redeem-invoice-no', ' FP-2024-001 ')
    await type('redeem-invoiced', '600,000')
    // The rejected invoice is not offered.
    q<HTMLElement>('redeem-invoice-doc').click()
    await flushPromises()
    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent)
    expect(offered.some((o) => o?.includes('#6'))).toBe(false)
    await choose('redeem-invoice-doc', '#7')
    const input = q('redeem-proof-upload')
    Object.defineProperty(input, 'files', { value: [new File(['%PDF-1.4'], '交付证明.pdf', { type: 'application/pdf' })] })
    input.dispatchEvent(new Event('change'))
    await new Promise((r) => setTimeout(r, 20))
    await flushPromises()
    expect(uploads.map((u) => u.url)).toEqual([`/api/v1/orgs/3/documents?kind=proof_of_service&filename=${encodeURIComponent('交付证明.pdf')}`])
    await submit()
    const posts = calls.filter((c) => c.init?.method === 'POST')
    expect(posts.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['/api/v1/vouchers/1/redemptions', { invoice_no: 'FP-2024-001', invoiced: '600000.00', invoice_document_id: 7, proof_document_id: 8 }],
    ])
    expect(new Headers(posts[0].init.headers).get('Idempotency-Key')).toBeTruthy()
    // The voucher and its redemptions are read again (the server now holds the amount).
    const after = calls.slice(calls.indexOf(posts[0]))
    expect(after.some((c) => c.url === '/api/v1/vouchers/1')).toBe(true)
    expect(after.some((c) => c.url.startsWith('/api/v1/redemptions?voucher_id=1'))).toBe(true)
    expect(document.body.textContent).toContain('兑付申请已提交:应兑付 ¥120,000.00(发票 ¥600,000.00 × 20%)')
  })

  it('previews the amount live as the invoiced amount is typed: floor(20 % × invoiced) to the fen, at most the balance', async () => {
    serve({ ...voucher, remaining: '200000.00', held: '0.00' })
    const w = await open(applicant)
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    const preview = () => document.querySelector('[data-test=redeem-preview]')?.textContent?.trim() ?? null
    expect(preview()).toBeNull()
    await type('redeem-invoiced', '600,000.00')
    expect(preview()).toBe('预计兑付 ¥120,000.00(发票金额 × 20%,向下取整到分,不超过余额)')
    // 0.04 × 20 % = 0.008: not a fen, which the server refuses.
    await type('redeem-invoiced', '0.04')
    expect(preview()).toBe('预计兑付 ¥0.00:发票金额 × 20% 不足 0.01 元,金额过小,无法兑付')
    // 1,000,000.01 × 20 % = 200,000.002 → 200,000.00: exactly the balance, not capped.
    await type('redeem-invoiced', '1000000.01')
    expect(preview()).toBe('预计兑付 ¥200,000.00(发票金额 × 20%,向下取整到分,不超过余额)')
    await type('redeem-invoiced', 'abc')
    expect(preview()).toBeNull()
  })

  it('caps the preview at what is left, says why, in English too; and shows none without a rate (an older server)', async () => {
    serve()  // 80,000.00 left, 120,000.00 held
    let w = await open(applicant, 'en')
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    const preview = () => document.querySelector('[data-test=redeem-preview]')?.textContent?.trim() ?? null
    await type('redeem-invoiced', '600000')
    expect(preview()).toBe('Expected redemption ¥80,000.00: ¥120,000.00 at the rate is more than the balance, so the balance is paid (invoiced × 20%, rounded down to the fen, at most the balance)')
    await type('redeem-invoiced', '0.04')
    expect(preview()).toBe('Expected redemption ¥0.00: invoiced × 20% is less than ¥0.01, too small to redeem')
    w.unmount()
    document.body.innerHTML = ''
    const { rate: _, ...old } = voucher
    serve(old)
    w = await open(applicant)
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    await type('redeem-invoiced', '600000')
    expect(preview()).toBeNull()
  })

  it('a replay (200, duplicate: true) says the invoice was already submitted, not that a new one was', async () => {
    const calls = serve(voucher, [{ status: 200, body: { ...redemption, duplicate: true } }], [doc(7, 'invoice'), doc(8, 'proof_of_service')])
    const w = await open(applicant)
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    await type('redeem-invoice-no', 'FP-2024-000')
    await type('redeem-invoiced', '600000.00')
    await choose('redeem-invoice-doc', '#7')
    await choose('redeem-proof-doc', '#8')
    await submit()
    expect(calls.filter((c) => c.init?.method === 'POST')).toHaveLength(1)
    expect(document.body.textContent).toContain('该发票已提交过兑付申请(第 5 号,已提交):应兑付 ¥120,000.00,未重复冻结。')
    expect(document.body.textContent).not.toContain('兑付申请已提交:')
  })

  it("shows the server's refusals: a 409's detail in the dialog, a field's on its form item", async () => {
    const calls = serve(voucher, [
      { status: 409, body: { type: 'https://suanli.dev/problems/duplicate', title: 'Duplicate', status: 409, detail: 'invoice FP-2024-000 is already redeemed on voucher 1', code: 304, field: 'invoice_no' } },
      { status: 422, body: { type: 'https://suanli.dev/problems/exceeds_limit', title: 'Exceeds limit', status: 422, detail: 'invoices on contract BJ-HT-1 would reach 1200000.00, above its fee 1000000.00', field: 'invoiced' } },
      { status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'State conflict', status: 409, detail: 'voucher 1 expired on 2025-01-01' } },
    ], [doc(7, 'invoice'), doc(8, 'proof_of_service')])
    const w = await open(applicant, 'en')
    await w.get('[data-test=redeem]').trigger('click')
    await flushPromises()
    await type('redeem-invoice-no', 'FP-2024-000')
    await type('redeem-invoiced', '600000.00')
    await choose('redeem-invoice-doc', '#7')
    await choose('redeem-proof-doc', '#8')
    await submit()
    const dialog = () => q<HTMLElement>('redeem-dialog').closest('.el-overlay') ?? document.body
    expect(dialog().querySelector('[data-test=problem-detail]')?.textContent).toContain('invoice FP-2024-000 is already redeemed on voucher 1')
    expect(dialog().querySelector('[data-test=problem-field]')?.textContent).toContain('Invoice no.')
    await submit()
    expect(dialog().querySelector('[data-test=problem-detail]')?.textContent).toContain('above its fee 1000000.00')
    expect(fieldError('redeem-invoiced')).not.toBe('')
    await submit()
    expect(dialog().querySelector('[data-test=problem-detail]')?.textContent).toContain('voucher 1 expired on 2025-01-01')
    // Each refusal was an answer: the next press was a new request with a new key.
    const keys = calls.filter((c) => c.init?.method === 'POST').map((c) => new Headers(c.init.headers).get('Idempotency-Key'))
    expect(keys).toHaveLength(3)
    expect(new Set(keys).size).toBe(3)
  })
})

describe('VouchersView: how each voucher is redeemed', () => {
  it('tags a voucher the organisation redeems and shows what it holds', async () => {
    stubFetch(() => ({ status: 200, body: { items: [voucher, { ...voucher, id: 2, redeemed_by: 'provider', held: '0.00' }], next_cursor: null } }))
    wrapper = mountWith(VouchersView, 'zh-CN', { global: { stubs: { RouterLink: { template: '<a><slot /></a>' } } } })
    await flushPromises()
    expect(wrapper.get('[data-test=redeemed-by-org-1]').text()).toBe('单位凭票兑付')
    expect(wrapper.get('[data-test=held-1]').text()).toContain('¥120,000.00')
    expect(wrapper.find('[data-test=redeemed-by-org-2]').exists()).toBe(false)
    expect(wrapper.findAll('[data-test=vouchers-table] tbody tr')[1].text()).toContain('供给方结算抵扣')
  })
})
