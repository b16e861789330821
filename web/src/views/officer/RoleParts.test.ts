// Pages that some roles may only read: the writing parts are offered only to the roles the API
// lets write (routes_claims.cc, routes_orgs.cc, routes_admin.cc, routes_network.cc).
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import PayoutsView from './PayoutsView.vue'
import EnforcementView from './EnforcementView.vue'
import AuditView from '../AuditView.vue'
import CentersView from '../provider/CentersView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const claim = {
  id: 1, provider_id: 2, program_id: 'chengdu-2024', period: '2024Q2', status: 'paid', claimed: '150000.00', approved: '145000.00',
  decision_reason: '', settlements: 3, panel: [3, 4, 5], opinions: [], payout_batch_id: 9,
}
const batch = { id: 9, program_id: 'chengdu-2024', quarter: '2024Q3', total: '145000.00', lines: [
  { claim_id: 1, provider_id: 2, provider_name: '成都智算中心', provider_uscc: '91510100MA6C0X1234', period: '2024Q2', amount: '145000.00' },
] }
const finding = {
  id: 7, org_id: 1, org_name: '成都示例科技有限公司', program_id: 'chengdu-2024', finding: '虚构合同',
  voucher_clawed_back: '140000.00', used_to_recover: '10000.00', repaid: '4000.00', outstanding: '6000.00',
  banned_until: '2026-05-10T00:00:00+08:00', at: '2024-05-10T10:00:00+08:00',
}

describe('read-only roles see the page without its writing parts', () => {
  it('an auditor sees payout batches and their CSV, without the create form', async () => {
    stubFetch((url) => {
      if (url.startsWith('/api/v1/claims')) return { status: 200, body: { items: [claim], next_cursor: null } }
      if (url.startsWith('/api/v1/payout-batches/9')) return { status: 200, body: batch }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    wrapper = mountWith(PayoutsView, 'zh-CN', {}, 'auditor')
    await flushPromises()
    expect(wrapper.find('[data-test=batch-2024Q3]').exists()).toBe(true)
    expect(wrapper.get('[data-test=batch-csv]').attributes('href')).toBe('/api/v1/payout-batches/9/export.csv')
    expect(wrapper.find('[data-test=payout-create]').exists()).toBe(false)
  })

  it('an admin reads findings but records neither a finding nor a repayment', async () => {
    stubFetch((url) => url.startsWith('/api/v1/enforcements')
      ? { status: 200, body: { items: [finding], next_cursor: null } }
      : { status: 200, body: { items: [], next_cursor: null } })
    wrapper = mountWith(EnforcementView, 'en', {}, 'admin')
    await flushPromises()
    expect(wrapper.get('[data-test=findings]').text()).toContain('成都示例科技有限公司')
    expect(wrapper.find('[data-test=enforce-submit]').exists()).toBe(false)
    expect(wrapper.find('[data-test=repay-7]').exists()).toBe(false)
  })

  it('an officer reads the audit log but is not offered verification', async () => {
    stubFetch(() => ({ status: 200, body: { items: [], next_cursor: null } }))
    wrapper = mountWith(AuditView, 'zh-CN', {}, 'officer')
    await flushPromises()
    expect(wrapper.find('[data-test=audit-table]').exists()).toBe(true)
    expect(wrapper.find('[data-test=audit-verify]').exists()).toBe(false)
  })

  it('an admin picks the provider whose centers it manages, and registers for it', async () => {
    const calls = stubFetch((url, init) => {
      if (init?.method === 'POST') return { status: 201, body: { id: 5, provider_id: 2, name: 'X' } }
      if (url.startsWith('/api/v1/providers')) return { status: 200, body: { items: [{ id: 2, name: '成都智算中心', uscc: '', region: '成都' }], next_cursor: null } }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    wrapper = mountWith(CentersView, 'zh-CN', {}, 'admin')
    await flushPromises()
    expect(wrapper.get('[data-test=centers-no-provider]').text()).toContain('请先选择')
    expect(wrapper.get('[data-test=reg-submit]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-test=centers-provider]').trigger('click')
    await flushPromises()
    ;[...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('成都智算中心'))!.click()
    await flushPromises()
    expect(wrapper.find('[data-test=centers-no-provider]').exists()).toBe(false)
    expect(wrapper.get('[data-test=reg-submit]').attributes('disabled')).toBeUndefined()
    await wrapper.get('[data-test=reg-submit]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.init?.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/providers/2/centers'])
  })
})
