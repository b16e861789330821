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
  wrapper = mountWith(VoucherDetailView, locale, { props: { id: '1' }, global: { mocks: { $router: { push: () => undefined } } } })
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

  it('says expired from the exclusive end on, not "0 days left" for the day after', async () => {
    serve('2024-12-01T09:00:00+08:00')
    const w = await open('en')
    expect(w.get('[data-test=voucher-days]').text()).toBe('Expired')
  })
})
