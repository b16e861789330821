import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import SettlementsView from './SettlementsView.vue'
import { mountWith } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const voucher = {
  id: 1, org_id: 3, org_name: '成都甲智能科技有限公司', provider_id: 2, program_id: 'chengdu-2024', grant: '150000.00',
  used: '0.00', remaining: '150000.00', lapsed: '0.00', expires_at: '2024-12-01T00:00:00+08:00', status: 'active',
}
const answer = {
  id: 8, voucher_id: 1, bill_no: 'B-002', bill_amount: '30000.01', deduction: '15000.00', customer_pays: '15000.01',
  invoiced: '15000.01', voucher_remaining: '135000.00', at: '2024-05-10T10:00:00+08:00', duplicate: false,
}

/** A fetch whose POST /settlements answers from `posts` in turn (an Error means the network failed). */
function server(posts: (object | Error)[], deductions: object[] = []) {
  const sent: { key: string | null; body: unknown }[] = []
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } })
    if (url.startsWith('/api/v1/vouchers/1/deductions')) return json(200, { items: deductions, next_cursor: null })
    if (url.startsWith('/api/v1/vouchers')) return json(200, { items: [voucher], next_cursor: null })
    if (url === '/api/v1/settlements') {
      const h = init.headers as Record<string, string>
      sent.push({ key: h['Idempotency-Key'] ?? null, body: JSON.parse(String(init.body)) })
      const next = posts.shift()!
      if (next instanceof Error) throw next
      return 'status' in next ? json((next as { status: number }).status, next) : json(201, next)
    }
    return json(404, { status: 404 })
  }) as typeof fetch
  return sent
}

async function mountPage(locale: 'zh-CN' | 'en', as?: Parameters<typeof mountWith>[3]) {
  wrapper = mountWith(SettlementsView, locale, {}, as)
  await flushPromises()
  // Choose the voucher in Element Plus's select (its options live in a teleported dropdown).
  await wrapper.get('[data-test=settle-voucher]').trigger('click')
  await flushPromises()
  const option = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('成都甲'))
  option!.click()
  await flushPromises()
  return wrapper
}

async function post(w: VueWrapper, no: string, amount: string) {
  await w.get('[data-test=settle-bill-no]').setValue(no)
  await w.get('[data-test=settle-amount]').setValue(amount)
  await w.get('form').trigger('submit')
  await flushPromises()
}

describe('SettlementsView', () => {
  it('keeps the Idempotency-Key for a retry after a lost answer, and makes a new one after success', async () => {
    const sent = server([new TypeError('connection reset'), answer])
    const w = await mountPage('zh-CN')
    const shown = w.get('[data-test=settle-key]').text()
    await post(w, 'B-002', '30,000.01')
    expect(w.get('[data-test=problem]').text()).toContain('无法连接服务器')
    await w.get('form').trigger('submit') // the same bill again
    await flushPromises()
    expect(sent).toHaveLength(2)
    expect(sent[0].key).toBe(shown)
    expect(sent[1].key).toBe(shown) // same intent, same key: the server answers once
    expect(sent[0].body).toEqual({ voucher_id: 1, bill_no: 'B-002', amount: '30000.01' })
    const row = w.get('[data-test=settlements-table] .el-table__body tr').text()
    for (const s of ['B-002', '¥30,000.01', '¥15,000.00', '¥15,000.01', '¥135,000.00']) expect(row).toContain(s)
    expect(w.get('[data-test=settle-key]').text()).not.toBe(shown)
  })

  it("a refusal is shown in the user's language and the next bill gets a new key", async () => {
    const sent = server([
      { type: 'https://suanli.dev/problems/exceeds_limit', title: 'exceeds_limit', status: 409, detail: 'the voucher is used up', code: 306 },
      answer,
    ])
    const w = await mountPage('en')
    await post(w, 'B-004', '1000.00')
    expect(w.get('[data-test=problem]').text()).toContain('Above the balance or limit')
    await post(w, 'B-002', '30000.01')
    expect(sent[1].key).not.toBe(sent[0].key)
  })

  it("tags the voucher's reversed deduction and leaves it out of the total", async () => {
    server([], [
      { id: 5, voucher_id: 1, provider_id: 2, bill_no: 'B-001', bill_amount: '120000.00', deduction: '60000.00', customer_pays: '60000.00', at: '2024-05-10T10:00:00+08:00', reversed: true },
      { id: 6, voucher_id: 1, provider_id: 2, bill_no: 'B-001b', bill_amount: '100000.00', deduction: '50000.00', customer_pays: '50000.00', at: '2024-05-10T11:00:00+08:00', reversed: false },
    ])
    const w = await mountPage('zh-CN')
    const trs = w.findAll('[data-test=settle-deductions] tbody tr')
    expect(trs[0].find('[data-test=deduction-reversed]').text()).toBe('已冲正')
    expect(trs[1].find('[data-test=deduction-reversed]').exists()).toBe(false)
    expect(w.get('[data-test=settle-deductions-total]').text()).toBe('¥50,000.00')
  })

  it('checks the amount while typing', async () => {
    server([])
    const w = await mountPage('en')
    await w.get('[data-test=settle-amount]').setValue('12.345')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    const item = w.get('[data-test=settle-amount]').element.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('two decimals')
  })
})

describe('SettlementsView: reversing one of its settlements', () => {
  it('offers Reverse on its own rows and disables the button while the request is in flight', async () => {
    const rows = [
      { id: 5, voucher_id: 1, provider_id: 2, bill_no: 'B-001', bill_amount: '120000.00', deduction: '60000.00', customer_pays: '60000.00', at: '2024-05-10T10:00:00+08:00', reversed: false },
      { id: 6, voucher_id: 1, provider_id: 4, bill_no: 'X-9', bill_amount: '100.00', deduction: '50.00', customer_pays: '50.00', at: '2024-05-10T11:00:00+08:00', reversed: false },
    ]
    const posts: { url: string; key: string; body: unknown }[] = []
    let answer: (r: Response) => void = () => undefined
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
      if (init?.method === 'POST') {
        posts.push({ url, key: (init.headers as Record<string, string>)['Idempotency-Key'], body: JSON.parse(String(init.body)) })
        return new Promise<Response>((r) => (answer = r))
      }
      if (url.startsWith('/api/v1/vouchers/1/deductions')) return json(200, { items: rows, next_cursor: null })
      return json(200, { items: [voucher], next_cursor: null })
    }) as typeof fetch
    const w = await mountPage('zh-CN', { id: 9, username: 'p', display_name: 'p', roles: ['provider'], provider_id: 2 })
    expect(w.find('[data-test=reverse-6]').exists()).toBe(false) // another provider's settlement
    await w.get('[data-test=reverse-5]').trigger('click')
    await flushPromises()
    const reason = document.querySelector('textarea[data-test=reverse-reason]') as HTMLTextAreaElement
    reason.value = '重复计费'
    reason.dispatchEvent(new Event('input'))
    await flushPromises()
    const submit = () => reason.form!.dispatchEvent(new Event('submit', { cancelable: true }))
    submit()
    await flushPromises()
    for (let i = 0; i < 50 && !document.querySelector('.el-message-box'); i++) await new Promise((r) => setTimeout(r, 20))
    const buttons = document.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')
    expect([...buttons].map((b) => b.textContent?.trim())).toEqual(['再想想', '确定冲正'])
    buttons[1].click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    expect(posts).toHaveLength(1)
    expect(posts[0].url).toBe('/api/v1/settlements/5/reversal')
    expect(posts[0].body).toEqual({ reason: '重复计费' })
    expect(posts[0].key).toBeTruthy()
    expect((document.querySelector('[data-test=reverse-submit]') as HTMLButtonElement).disabled).toBe(true)
    expect((w.get('[data-test=reverse-5]').element as HTMLButtonElement).disabled).toBe(true)
    submit() // pressed again while in flight: nothing more is sent, no second confirmation
    await flushPromises()
    expect(posts).toHaveLength(1)
    answer(new Response(JSON.stringify({ ...rows[0], reversed: true }), { status: 200, headers: { 'Content-Type': 'application/json' } }))
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    expect((w.get('[data-test=reverse-5]').element as HTMLButtonElement).disabled).toBe(false)
  })
})
