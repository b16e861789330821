import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import MeteredBillsView from './MeteredBillsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const voucher = (id: number, org_id: number, org_name: string) => ({
  id, org_id, org_name, provider_id: 2, program_id: 'chengdu-2024', grant: '150000.00', used: '0.00', remaining: '150000.00',
  lapsed: '0.00', expires_at: '2024-12-01T00:00:00+08:00', status: 'active',
})
const bill = (org_id: number, period: string) => ({ org_id, contract_id: 4, period, original: '1000.00', adjustments: '0.00', total: '1000.00', lines: [] })
const settled = { id: 9, voucher_id: 12, bill_no: 'M-8-2024Q2', bill_amount: '1000.00', deduction: '500.00', customer_pays: '500.00', invoiced: '500.00', voucher_remaining: '149500.00', at: '2024-07-02T10:00:00+08:00', duplicate: false }

function serve() {
  return stubFetch((url, init) => {
    const q = new URL(url, 'http://x').searchParams
    if (init?.method === 'POST') return { status: 201, body: settled }
    if (url.startsWith('/api/v1/centers/1/accounts')) return { status: 200, body: { items: [
      { id: 1, center_id: 1, account: 'cd-firm', org_id: 7, contract_id: 4, discount_class: null },
      { id: 2, center_id: 1, account: 'cd-uni', org_id: 8, contract_id: 5, discount_class: null },
    ], next_cursor: null } }
    if (url.startsWith('/api/v1/centers')) return { status: 200, body: { items: [{ id: 1, provider_id: 2, name: '成都智算中心' }], next_cursor: null } }
    if (url.startsWith('/api/v1/vouchers')) return { status: 200, body: { items: [voucher(11, 7, '甲公司'), voucher(12, 8, '乙大学')], next_cursor: null } }
    if (url.startsWith('/api/v1/orgs')) return { status: 200, body: { items: [{ id: 7, name: '甲公司' }, { id: 8, name: '乙大学' }], next_cursor: null } }
    if (url.startsWith('/api/v1/bills')) return { status: 200, body: { items: [bill(Number(q.get('org_id')), q.get('period')!)], next_cursor: null } }
    return { status: 503, body: { status: 503 } }
  })
}

async function mountPage() {
  wrapper = mountWith(MeteredBillsView, 'zh-CN', {}, { id: 4, username: 'op-ai', display_name: '运营', roles: ['provider'], provider_id: 2 })
  await flushPromises()
  return wrapper
}
async function pickOrg(w: VueWrapper, name: string) {
  await w.get('[data-test=bills-org]').trigger('click')
  await flushPromises()
  ;[...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.trim() === name)!.click()
  await flushPromises()
}
async function load(w: VueWrapper, period: string) {
  await w.get('input[data-test=bills-period]').setValue(period)
  await w.findAll('form')[0].trigger('submit')
  await flushPromises()
}
const posts = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.init?.method === 'POST').map((c) => JSON.parse(String(c.init.body)))

describe('MeteredBillsView', () => {
  it("forgets the previous organisation's voucher when the organisation changes", async () => {
    const calls = serve()
    const w = await mountPage()
    await pickOrg(w, '甲公司')
    await load(w, '2024Q2')
    expect(w.find('[data-test=bills-settle]').exists()).toBe(true)
    await pickOrg(w, '乙大学')
    expect(w.find('[data-test=bills-settle]').exists()).toBe(false) // 甲公司's bills and voucher are gone
    await load(w, '2024Q2')
    await w.findAll('form')[1].trigger('submit')
    await flushPromises()
    expect(posts(calls)).toEqual([{ org_id: 8, period: '2024Q2', voucher_id: 12 }])
  })

  it('settles the quarter whose bills are on screen, not what was typed since', async () => {
    const calls = serve()
    const w = await mountPage()
    await pickOrg(w, '甲公司')
    await load(w, '2024Q2')
    await w.get('input[data-test=bills-period]').setValue('2024Q3') // typed, not loaded
    await w.findAll('form')[1].trigger('submit')
    await flushPromises()
    expect(posts(calls)).toEqual([{ org_id: 7, period: '2024Q2', voucher_id: 11 }])
  })
})
