import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import OrgClassesView from './OrgClassesView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const org = (classes?: string[]) => ({
  id: 7, uscc: '91131000MA0A12345X', name: '廊坊示例智能科技有限公司', type: 'enterprise', region: '廊坊', industry: 'software',
  legal_rep_name: '李四', legal_rep_id: '131002********1234', prior_year_revenue: '5000000.00', credit_status: 'good', blacklisted: false,
  qualification: 'approved', created_at: '2024-03-15T09:00:00+08:00', qualified_until: '2025-03-15', banned_until: null,
  ...(classes ? { classes } : {}),
})

/**
 * The server as routes_admin.cc answers it: organisation 7 has `classes` (undefined: an older
 * server's view without the field); POST/DELETE …/classes answer with the organisation, or
 * `refuse` for a POST.
 */
function serve(start: string[] | undefined, refuse?: { status: number; body: unknown }) {
  let classes = start
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      if (refuse) return refuse
      classes = [...(classes ?? []), JSON.parse(String(init.body)).class].sort()
      return { status: 200, body: org(classes) }
    }
    if (init?.method === 'DELETE') {
      classes = (classes ?? []).filter((c) => !url.endsWith(`/${c}`))
      return { status: 200, body: org(classes) }
    }
    if (url.startsWith('/api/v1/orgs')) return { status: 200, body: { items: [org(classes)], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

async function pick(label: string) {
  const item = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((e) => e.textContent?.includes(label))
  expect(item, `option ${label}`).toBeTruthy()
  item!.click()
  await flushPromises()
}
const options = () => [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].map((e) => e.textContent ?? '')

describe('OrgClassesView', () => {
  it('an officer records a class and withdraws one; major_project_lead is never offered', async () => {
    const calls = serve(['foundation_model_firm'])
    const w = mountWith(OrgClassesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=org-class-7-foundation_model_firm]').text()).toBe('大模型企业')
    await w.get('[data-test=org-class-pick-7]').trigger('click')
    await flushPromises()
    // Only the class not yet recorded, with the program that asks for it.
    expect(options()).toEqual(['新落户人工智能企业廊坊'])
    await pick('新落户人工智能企业')
    expect(w.get('[data-test=org-class-hint]').text()).toContain('廊坊市人工智能算力券')
    await w.get('[data-test=org-class-add-7]').trigger('click')
    await flushPromises()
    expect(w.get('[data-test=org-class-7-newly_settled_ai_firm]').text()).toBe('新落户人工智能企业')
    await w.get('[data-test=org-class-7-foundation_model_firm] .el-tag__close').trigger('click')
    await flushPromises()
    const writes = calls.filter((c) => c.init?.method && c.init.method !== 'GET')
      .map((c) => [c.init.method, c.url, c.init.body ? JSON.parse(String(c.init.body)) : null])
    expect(writes).toEqual([
      ['POST', '/api/v1/orgs/7/classes', { class: 'newly_settled_ai_firm' }],
      ['DELETE', '/api/v1/orgs/7/classes/foundation_model_firm', null],
    ])
    expect(w.find('[data-test=org-class-7-foundation_model_firm]').exists()).toBe(false)
    expect(w.find('[data-test=org-class-7-newly_settled_ai_firm]').exists()).toBe(true)
    // The select offers what is not recorded now: Hangzhou's class again, never major_project_lead.
    await w.get('[data-test=org-class-pick-7]').trigger('click')
    await flushPromises()
    expect(options()).toEqual(['大模型企业杭州'])
  })

  it('shows the server\'s refusal with its detail', async () => {
    serve([], {
      status: 422,
      body: { type: 'https://suanli.dev/problems/out_of_range', title: 'out_of_range', status: 422, code: 202, field: 'class', detail: 'newly_settled_ai_firm is not a class the programs ask about' },
    })
    const w = mountWith(OrgClassesView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    await w.get('[data-test=org-class-pick-7]').trigger('click')
    await flushPromises()
    await pick('Newly settled AI firm')
    await w.get('[data-test=org-class-add-7]').trigger('click')
    await flushPromises()
    expect(w.get('[data-test=problem-detail]').text()).toContain('newly_settled_ai_firm is not a class the programs ask about')
    expect(w.find('[data-test=org-class-7-newly_settled_ai_firm]').exists()).toBe(false)
  })

  it('an auditor sees the classes with no way to change them', async () => {
    const calls = serve(['foundation_model_firm', 'major_project_lead'])
    const w = mountWith(OrgClassesView, 'en', {}, 'auditor')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=org-class-7-foundation_model_firm]').text()).toBe('Foundation-model firm')
    expect(w.get('[data-test=org-class-7-major_project_lead]').text()).toBe('Major-project lead')
    expect(w.find('[data-test=org-class-pick-7]').exists()).toBe(false)
    expect(w.find('[data-test=org-class-add-7]').exists()).toBe(false)
    expect(w.find('.el-tag__close').exists()).toBe(false)
    expect(calls.every((c) => !c.init?.method || c.init.method === 'GET')).toBe(true)
  })

  it('reads an organisation without the field (an older server) as having no class', async () => {
    serve(undefined)
    const w = mountWith(OrgClassesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=org-classes-7]').text()).toContain('未登记类别')
    expect(w.find('[data-test=org-class-pick-7]').exists()).toBe(true)
  })
})
