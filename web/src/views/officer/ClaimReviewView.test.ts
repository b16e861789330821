import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ClaimReviewView from './ClaimReviewView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

// A claim under review whose panel is experts 3, 4 and 5; expert 5 has since declared a
// conflict, so the officer replaces them with expert 6.
const claim = {
  id: 1, provider_id: 2, program_id: 'chengdu-2024', period: '2024Q2', status: 'under_review', claimed: '150000.00', approved: null,
  decision_reason: '', settlements: 3, panel: [3, 4, 5],
  opinions: [{ expert_id: 3, decision: 'approve', approved_amount: '150000.00', comment: 'ok' }], payout_batch_id: null,
}
const experts = [3, 4, 5, 6].map((id) => ({ id, username: `expert${id}`, display_name: `专家 ${id}`, role: 'expert' }))

// The server: the claim, the experts and the provider; a POST (the new panel) answered with it.
function serve() {
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return { status: 200, body: { ...claim, panel: JSON.parse(String(init.body)).expert_ids } }
    if (url.startsWith('/api/v1/claims/1/reconciliation')) return { status: 200, body: { period: '2024-04-01..2024-06-30', claimed: '0.00', metered: '0.00', flagged: 0, rows: [] } }
    if (url.startsWith('/api/v1/claims')) return { status: 200, body: { items: [claim], next_cursor: null } }
    if (url.startsWith('/api/v1/users')) return { status: 200, body: { items: experts, next_cursor: null } }
    if (url.startsWith('/api/v1/providers')) return { status: 200, body: { items: [{ id: 2, name: '成都智算中心', uscc: '', region: '成都' }], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

describe('ClaimReviewView', () => {
  it('replaces the panel of a claim under review, starting from the panel it has', async () => {
    const calls = serve()
    wrapper = mountWith(ClaimReviewView, 'en')
    await flushPromises()
    const w = wrapper
    expect(w.find('[data-test=panel-experts]').exists()).toBe(false)
    await w.get('[data-test=panel-replace]').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Experts left off leave the panel with their opinions')
    const box = (id: number) => w.get(`[data-test=expert-expert${id}] input`)
    expect((box(5).element as HTMLInputElement).checked).toBe(true)
    await box(5).setValue(false)
    await box(6).setValue(true)
    await w.get('[data-test=panel-assign]').trigger('click')
    await flushPromises()
    const posted = calls.filter((c) => c.init?.method === 'POST').map((c) => ({ url: c.url, body: JSON.parse(String(c.init.body)) }))
    expect(posted).toEqual([{ url: '/api/v1/claims/1/panel', body: { expert_ids: [3, 4, 6] } }])
  })
})
