import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import AssignedClaimsView from './AssignedClaimsView.vue'
import { makeI18n } from '@/i18n'
import { useSessionStore } from '@/stores/session'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const claim = {
  id: 1, provider_id: 2, program_id: 'chengdu-2024', period: '2024Q2', status: 'under_review', claimed: '150000.00', approved: null,
  decision_reason: '', settlements: 3, panel: [3, 4, 5], opinions: [] as unknown[], payout_batch_id: null,
}

/** `refusals`: problem+json answers to the next opinion POSTs, before any is recorded. */
function serve(refusals: { status: number; body: unknown }[] = []) {
  const posted: unknown[] = []
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
    if (url === '/api/v1/claims/1/opinions' && refusals.length) {
      posted.push(JSON.parse(String(init.body)))
      const r = refusals.shift()!
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/problem+json' } })
    }
    if (url.startsWith('/api/v1/claims/1/reconciliation')) {
      return json({
        period: '2024-04-01..2024-06-30', claimed: '150000.00', metered: '120000.00', flagged: true,
        rows: [
          { org_id: 7, claimed: '100000.00', metered: '70000.00', metered_days: ['2024-04-01..2024-06-30'], difference: '30000.00', flagged: true },
          { org_id: 8, claimed: '50000.00', metered: '50000.00', metered_days: ['2024-01-01..2024-03-31'], difference: '0.00', flagged: false },
        ],
      })
    }
    if (url.startsWith('/api/v1/orgs')) return json({ items: [{ id: 7, name: '成都示例科技有限公司' }], next_cursor: null })
    if (url.startsWith('/api/v1/claims/1/materials')) return json({ items: [], next_cursor: null })
    if (url === '/api/v1/claims/1/opinions') {
      const body = JSON.parse(String(init.body))
      posted.push(body)
      claim.opinions = [{ expert_id: 5, decision: body.decision, approved_amount: body.approved_amount, comment: body.comment }]
      return json(claim)
    }
    if (url.startsWith('/api/v1/claims')) return json({ items: [claim], next_cursor: null })
    if (url.startsWith('/api/v1/providers')) return json({ items: [{ id: 2, name: '成都智算中心', uscc: '', region: '成都' }], next_cursor: null })
    return json({})
  }) as typeof fetch
  return posted
}

async function mountAs(locale: 'zh-CN' | 'en') {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().user = { id: 5, username: 'expert3', display_name: '专家', roles: ['expert'] }
  wrapper = mount(AssignedClaimsView, { attachTo: document.body, global: { plugins: [ElementPlus, makeI18n(locale), pinia] } })
  await flushPromises()
  return wrapper
}

async function errorOf(w: VueWrapper, test: string) {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150))
  return w.get(`[data-test=${test}]`).element.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}

describe('AssignedClaimsView', () => {
  it('refuses a partial amount above the claim and a missing comment, then records the opinion', async () => {
    claim.opinions = []
    const posted = serve()
    const w = await mountAs('en')
    expect(w.get('[data-test=assigned-claimed]').text()).toContain('¥150,000.00')
    await w.get('[data-test=opinion-partly] input').setValue(true)
    await flushPromises()
    await w.get('[data-test=opinion-amount]').setValue('150000.01')
    await w.get('form').trigger('submit')
    expect(await errorOf(w, 'opinion-amount')).toBe('The amount cannot exceed the claimed amount')
    expect(await errorOf(w, 'opinion-comment')).toBe('Required')
    expect(posted).toHaveLength(0)
    await w.get('[data-test=opinion-amount]').setValue('145,000')
    await w.get('[data-test=opinion-comment]').setValue('checked')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(posted).toEqual([{ decision: 'partly_approve', comment: 'checked', approved_amount: '145000.00' }])
    expect(w.get('[data-test=opinion-recorded]').text()).toContain('¥145,000.00')
  })

  it('shows the claim against metering, the organisation claimed above its metering marked', async () => {
    claim.opinions = []
    serve()
    const w = await mountAs('en')
    await flushPromises()
    const rows = w.findAll('[data-test=reconciliation-table] .el-table__body tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].classes()).toContain('flagged')
    expect(rows[0].text()).toContain('成都示例科技有限公司')
    expect(rows[0].text()).toContain('¥100,000.00')
    expect(rows[0].text()).toContain('¥70,000.00')
    expect(rows[0].text()).toContain('¥30,000.00')
    expect(rows[0].text()).toContain('Above metering')
    expect(rows[1].classes()).not.toContain('flagged')
    expect(rows[1].text()).toContain('#8')
    expect(rows[1].text()).toContain('Matches')
    // A metered bill of Q1 settled in Q2 was compared over its own days, and says so.
    expect(rows[0].find('[data-test=metered-days]').exists()).toBe(false)
    expect(rows[1].get('[data-test=metered-days]').text()).toBe('Metered days: 2024-01-01..2024-03-31')
  })

  it('refuses "partly approve" at the full claimed amount before sending, and shows the server\'s refusal on the amount field', async () => {
    claim.opinions = []
    const posted = serve([{
      status: 422,
      body: { type: 'https://suanli.dev/problems/contradiction', title: 'contradiction', status: 422,
        detail: 'a partial approval lies strictly between 0 and the claimed amount', code: 109, field: 'approved_amount' },
    }])
    const w = await mountAs('zh-CN')
    await w.get('[data-test=opinion-partly] input').setValue(true)
    await w.get('[data-test=opinion-amount]').setValue('150000.00')
    await w.get('[data-test=opinion-comment]').setValue('核实')
    await w.get('form').trigger('submit')
    expect(await errorOf(w, 'opinion-amount')).toBe('部分通过的金额须小于申请金额(全额请选“通过”)')
    await w.get('[data-test=opinion-amount]').setValue('0')
    expect(await errorOf(w, 'opinion-amount')).toBe('金额必须大于 0')
    expect(posted).toHaveLength(0)
    // Were the claim to change under the form, the server's 422 lands on the amount's own field.
    await w.get('[data-test=opinion-amount]').setValue('100000.00')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(posted).toHaveLength(1)
    expect(await errorOf(w, 'opinion-amount')).toBe('填写的内容相互矛盾(例如开始日期晚于结束日期)')
  })

  it('speaks Chinese by default', async () => {
    claim.opinions = []
    serve()
    const w = await mountAs('zh-CN')
    await w.get('[data-test=opinion-partly] input').setValue(true)
    await w.get('[data-test=opinion-amount]').setValue('12.345')
    expect(await errorOf(w, 'opinion-amount')).toBe('金额最多保留两位小数(精确到分)')
  })
})
