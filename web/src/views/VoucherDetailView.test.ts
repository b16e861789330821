import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import VoucherDetailView from './VoucherDetailView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { resetServerDay } from '@/lib/serverDay'

let wrapper: VueWrapper | null = null
beforeEach(() => resetServerDay())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
  vi.useRealTimers()
})

// Usable while before 2024-12-01 00:00 CST (shown as 2024-11-30 24:00).
const voucher = {
  id: 1, org_id: 3, org_name: '成都甲智能科技有限公司', provider_id: 2, program_id: 'chengdu-2024', grant: '150000.00',
  used: '75000.00', remaining: '75000.00', lapsed: '0.00', expires_at: '2024-12-01T00:00:00+08:00', status: 'active',
}
// As View(SettlementRow) writes them: B-001 was reversed (its 60,000.00 went back to the voucher).
const rows = [
  { id: 11, voucher_id: 1, provider_id: 2, bill_no: 'B-001', bill_amount: '120000.00', deduction: '60000.00', customer_pays: '60000.00', at: '2024-05-10T10:00:00+08:00', reversed: true },
  { id: 12, voucher_id: 1, provider_id: 2, bill_no: 'B-002', bill_amount: '30000.01', deduction: '15000.00', customer_pays: '15000.01', at: '2024-05-10T11:00:00+08:00', reversed: false },
  { id: 13, voucher_id: 1, provider_id: 2, bill_no: 'B-003', bill_amount: '120000.00', deduction: '60000.00', customer_pays: '60000.00', at: '2024-05-11T11:00:00+08:00', reversed: false },
]

function serve(serverNow: string) {
  return stubFetch((url) => {
    if (url === '/api/v1/clock') return { status: 200, body: { now: serverNow, today: serverNow.slice(0, 10), manual: true } }
    if (url.startsWith('/api/v1/vouchers/1/deductions')) return { status: 200, body: { items: rows, next_cursor: null } }
    if (url.startsWith('/api/v1/vouchers/1')) return { status: 200, body: voucher }
    return { status: 404, body: { status: 404 } }
  })
}

async function open(locale: 'zh-CN' | 'en' = 'zh-CN') {
  wrapper = mountWith(VoucherDetailView, locale, {
    props: { id: '1' },
    global: {
      mocks: { $router: { push: () => undefined } },
      stubs: { RouterLink: { props: ['to'], template: '<a :data-to="JSON.stringify(to)"><slot /></a>' } },
    },
  })
  await flushPromises()
  return wrapper
}

describe('VoucherDetailView', () => {
  it('tags a reversed deduction and leaves it out of the total', async () => {
    serve('2024-05-12T09:00:00+08:00')
    const w = await open()
    const trs = w.findAll('[data-test=deductions-table] tbody tr')
    expect(trs).toHaveLength(3)
    expect(trs[0].find('[data-test=deduction-reversed]').text()).toBe('已冲正')
    expect(trs[0].classes()).toContain('deduction-reversed')
    expect(trs[1].find('[data-test=deduction-reversed]').exists()).toBe(false)
    expect(w.get('[data-test=deductions-total]').text()).toBe('¥75,000.00') // 15,000.00 + 60,000.00, not 135,000.00
  })

  it("counts the days left by the server's clock, not the browser's", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-23T02:00:00Z')) // the browser lives in 2026
    serve('2024-11-30T10:00:00+08:00') // the last day it can be used
    const w = await open()
    expect(w.get('[data-test=voucher-days]').text()).toBe('剩余 1 天')
  })

  it('shows the terms fixed at issue and links the program version they come from', async () => {
    serve('2024-05-12T09:00:00+08:00')
    Object.assign(voucher, { rate: '0.50', rounding: 'down_fen', program_version: 2 })
    try {
      const w = await open()
      expect(w.get('[data-test=voucher-terms]').text()).toBe('每笔按 50% 计付')
      const link = w.get('[data-test=voucher-program-version]')
      expect(link.text()).toBe('政策文件第 2 版')
      expect(JSON.parse(link.attributes('data-to')!)).toEqual({ path: '/programs/chengdu-2024', query: { version: 2 } })
    } finally {
      Object.assign(voucher, { rate: undefined, rounding: undefined, program_version: undefined })
    }
  })

  it('names no version for a voucher from before terms were stored', async () => {
    serve('2024-05-12T09:00:00+08:00')
    const w = await open('en')
    expect(w.get('[data-test=voucher-terms]').text()).toBe('Pays — of each amount')
    expect(w.find('[data-test=voucher-program-version]').exists()).toBe(false)
  })

  it('says expired from the exclusive end on, not "0 days left" for the day after', async () => {
    serve('2024-12-01T09:00:00+08:00')
    const w = await open('en')
    expect(w.get('[data-test=voucher-days]').text()).toBe('Expired')
  })
})

/** Element Plus's confirmation box lives in document.body; waits for it and presses a button. */
async function answerConfirm(which: 'confirm' | 'cancel') {
  // A box already answered may still be fading out: wait for a new one.
  const fresh = () => document.querySelector<HTMLElement>('.el-message-box:not([data-answered])')
  for (let i = 0; i < 50 && !fresh(); i++) await new Promise((r) => setTimeout(r, 20))
  const box = fresh()
  expect(box).not.toBeNull()
  box!.dataset.answered = '1'
  const text = box!.textContent ?? ''
  const buttons = [...box!.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')]
  const names = buttons.map((b) => b.textContent?.trim())
  ;(which === 'confirm' ? buttons[buttons.length - 1] : buttons[0]).click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
  return { text, names }
}

/** The server for a reversal: each POST answers from `answers` in turn (502: the answer was lost). */
function serveReversal(answers: { status: number; body: unknown }[]) {
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return answers.shift()!
    if (url === '/api/v1/clock') return { status: 200, body: { now: '2024-05-12T09:00:00+08:00', today: '2024-05-12', manual: true } }
    if (url.startsWith('/api/v1/vouchers/1/deductions')) return { status: 200, body: { items: rows, next_cursor: null } }
    if (url.startsWith('/api/v1/vouchers/1')) return { status: 200, body: voucher }
    return { status: 404, body: { status: 404 } }
  })
}

async function openAs(locale: 'zh-CN' | 'en', as: 'officer' | 'applicant' | { id: number; username: string; display_name: string; roles: ['provider']; provider_id: number }) {
  wrapper = mountWith(VoucherDetailView, locale, { props: { id: '1' }, global: { mocks: { $router: { push: () => undefined } } } }, as)
  await flushPromises()
  return wrapper
}

async function typeReason(text: string) {
  const reason = document.querySelector('textarea[data-test=reverse-reason]') as HTMLTextAreaElement
  reason.value = text
  reason.dispatchEvent(new Event('input'))
  await flushPromises()
  reason.form!.dispatchEvent(new Event('submit', { cancelable: true }))
  await flushPromises()
  return reason
}

describe('VoucherDetailView: reversing a settlement', () => {
  it('offers Reverse to an officer on rows not reversed, and to nobody without the role', async () => {
    serveReversal([])
    const w = await openAs('zh-CN', 'officer')
    expect(w.find('[data-test=reverse-11]').exists()).toBe(false) // already reversed
    expect(w.get('[data-test=reverse-12]').text()).toBe('冲正')
    wrapper!.unmount()
    const a = await openAs('zh-CN', 'applicant')
    expect(a.find('[data-test=reverse-12]').exists()).toBe(false)
  })

  it("a provider reverses only its own settlements", async () => {
    serveReversal([])
    const other = await openAs('en', { id: 9, username: 'p', display_name: 'p', roles: ['provider'], provider_id: 5 })
    expect(other.find('[data-test=reverse-12]').exists()).toBe(false)
    wrapper!.unmount()
    const own = await openAs('en', { id: 9, username: 'p', display_name: 'p', roles: ['provider'], provider_id: 2 })
    expect(own.find('[data-test=reverse-12]').exists()).toBe(true)
  })

  it('asks with named buttons, sends the reason under one Idempotency-Key kept across a lost answer', async () => {
    const calls = serveReversal([
      { status: 502, body: { type: 'about:blank', title: 'Bad Gateway', status: 502 } },
      { status: 200, body: { ...rows[1], reversed: true } },
    ])
    const w = await openAs('zh-CN', 'officer')
    await w.get('[data-test=reverse-12]').trigger('click')
    await flushPromises()
    await typeReason('账单号录错,重开 B-002a')
    const first = await answerConfirm('confirm')
    expect(first.text).toContain('B-002')
    expect(first.text).toContain('¥15,000.00')
    expect(first.names).toEqual(['再想想', '确定冲正'])
    expect(document.querySelector('[data-test=problem]')?.textContent).toBeTruthy() // the lost answer is shown
    // Pressed again: the same intent, the same key.
    ;(document.querySelector('textarea[data-test=reverse-reason]') as HTMLTextAreaElement).form!.dispatchEvent(new Event('submit', { cancelable: true }))
    await flushPromises()
    await answerConfirm('confirm')
    const posts = calls.filter((c) => c.init?.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts[0].url).toBe('/api/v1/settlements/12/reversal')
    expect(JSON.parse(String(posts[0].init.body))).toEqual({ reason: '账单号录错,重开 B-002a' })
    const keys = posts.map((c) => (c.init.headers as Record<string, string>)['Idempotency-Key'])
    expect(keys[0]).toBeTruthy()
    expect(keys[1]).toBe(keys[0])
    // Done: the dialog closed and the page reloaded the voucher and its deductions.
    expect(calls.filter((c) => c.url.startsWith('/api/v1/vouchers/1/deductions')).length).toBe(2)
  })

  it('cancelling the confirmation sends nothing; an empty reason is refused on its field', async () => {
    const calls = serveReversal([])
    const w = await openAs('en', 'officer')
    await w.get('[data-test=reverse-13]').trigger('click')
    await flushPromises()
    const reason = await typeReason('   ')
    await new Promise((r) => setTimeout(r, 150))
    expect(reason.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent).toContain('Required')
    await typeReason('duplicate bill')
    const box = await answerConfirm('cancel')
    expect(box.names).toEqual(['Not now', 'Reverse it'])
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
  })

  it("shows the server's refusals: on the reason field, and why the settlement cannot be reversed", async () => {
    const calls = serveReversal([
      { status: 422, body: { type: 'https://suanli.dev/problems/out_of_range', title: 'out_of_range', status: 422, detail: 'at most 2000 bytes (2400 given)', code: 104, field: 'reason' } },
      { status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'state_conflict', status: 409, detail: "already in claim 4; the claim's review corrects it", code: 302, field: 'settlement_id' } },
    ])
    const w = await openAs('en', 'officer')
    await w.get('[data-test=reverse-13]').trigger('click')
    await flushPromises()
    const reason = await typeReason('long reason')
    await answerConfirm('confirm')
    await new Promise((r) => setTimeout(r, 150))
    expect(reason.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent).toContain('outside its allowed range')
    await typeReason('short reason')
    await answerConfirm('confirm')
    const alert = document.querySelector('.el-dialog [data-test=problem]')!.textContent!
    expect(alert).toContain('This cannot be done in the current state')
    expect(alert).toContain('already in claim 4')
    // Each refusal was an answer: the next press is a new intent with a new key.
    const keys = calls.filter((c) => c.init?.method === 'POST').map((c) => (c.init.headers as Record<string, string>)['Idempotency-Key'])
    expect(keys[1]).not.toBe(keys[0])
  })
})
