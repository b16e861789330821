import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import OrgView from './OrgView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const org = {
  id: 7, uscc: '91510100MA61R1234W', name: '成都示例科技有限公司', type: 'enterprise', region: '成都', industry: 'software',
  legal_rep_name: '张三', legal_rep_id: '510107********1230', prior_year_revenue: '5000000.00', credit_status: 'good',
  blacklisted: false, qualification: 'approved', created_at: '2024-03-15T09:00:00+08:00', qualified_until: '2025-03-15',
  banned_until: '2026-05-10T00:00:00+08:00',
}

describe('OrgView', () => {
  it('shows the ban\'s exclusive end as the day it last holds, in CST (not the raw instant)', async () => {
    stubFetch((url) => url.startsWith('/api/v1/orgs/7') && !url.includes('documents')
      ? { status: 200, body: org }
      : { status: 200, body: { items: [], next_cursor: null } })
    wrapper = mountWith(OrgView, 'zh-CN', {}, { id: 3, username: 'cd-firm', display_name: '成都示例', roles: ['applicant'], org_id: 7 })
    await flushPromises()
    expect(wrapper.get('[data-test=org-banned]').text()).toBe('2026-05-09 24:00')
  })

  it('shows the classes an officer recorded, read-only', async () => {
    const calls = stubFetch((url) => url.startsWith('/api/v1/orgs/7') && !url.includes('documents')
      ? { status: 200, body: { ...org, classes: ['foundation_model_firm'] } }
      : { status: 200, body: { items: [], next_cursor: null } })
    wrapper = mountWith(OrgView, 'zh-CN', {}, { id: 3, username: 'cd-firm', display_name: '成都示例', roles: ['applicant'], org_id: 7 })
    await flushPromises()
    expect(wrapper.get('[data-test=org-class-7-foundation_model_firm]').text()).toBe('大模型企业')
    expect(wrapper.find('[data-test=org-class-pick-7]').exists()).toBe(false)
    expect(wrapper.find('[data-test=org-classes-7] .el-tag__close').exists()).toBe(false)
    expect(calls.some((c) => c.url.includes('/classes'))).toBe(false)
  })
})
