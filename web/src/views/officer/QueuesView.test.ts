import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import QueuesView from './QueuesView.vue'
import { mountWith } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const app = (id: number, status: string) => ({
  id, org_id: 7, program_id: 'chengdu-2024', contract_id: 4, status, quoted: '150000.00', granted: null, reasons: '',
  created_at: '2024-05-10T10:00:00+08:00', voucher_id: null,
})
const org = { id: 7, uscc: '91510100MA6C0X1234', name: '成都示例科技有限公司', qualification: 'approved' }
const contract = { id: 4, org_id: 7, provider_id: 2, contract_no: 'HT-2024-004', amount: '300000.00' }

type Answer = { status: number; body: unknown } | Error | Promise<{ status: number; body: unknown }>

/**
 * The server as routes_orgs.cc answers it: GET /applications filters by one exact status; each
 * POST .../decision answers from `posts` in turn (an Error: the network failed).
 */
function serve(posts: Answer[]) {
  const calls: { url: string; init: RequestInit }[] = []
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init })
    const json = (r: { status: number; body: unknown }) =>
      new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': r.status >= 400 ? 'application/problem+json' : 'application/json' } })
    if (init.method === 'POST') {
      const next = posts.shift()!
      if (next instanceof Error) throw next
      return json(await next)
    }
    const q = new URL(url, 'http://x').searchParams
    if (url.startsWith('/api/v1/applications')) {
      const all = [app(1, 'submitted'), app(2, 'waitlisted'), app(3, 'approved')]
      return json({ status: 200, body: { items: all.filter((a) => a.status === q.get('status')), next_cursor: null } })
    }
    if (url.startsWith('/api/v1/orgs?') && q.get('qualification')) return json({ status: 200, body: { items: [], next_cursor: null } })
    if (url.startsWith('/api/v1/orgs')) return json({ status: 200, body: { items: [org], next_cursor: null } })
    if (url.startsWith('/api/v1/contracts')) return json({ status: 200, body: { items: [contract], next_cursor: null } })
    return json({ status: 200, body: { items: [], next_cursor: null } })
  }) as typeof fetch
  return calls
}

async function mountApps() {
  wrapper = mountWith(QueuesView, 'zh-CN')
  await flushPromises()
  return wrapper
}
const decisions = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.init.method === 'POST').map((c) => ({ url: c.url, key: new Headers(c.init.headers).get('Idempotency-Key') }))

describe('QueuesView: applications', () => {
  it('queues waitlisted applications with the submitted ones', async () => {
    const calls = serve([])
    const w = await mountApps()
    const rows = w.findAll('[data-test=app-queue] tbody tr')
    expect(rows.map((r) => r.find('td').text())).toEqual(['1', '2'])
    expect(rows[1].text()).toContain('候补')
    expect(calls.some((c) => c.url.includes('status=waitlisted'))).toBe(true)
  })

  it('keeps one Idempotency-Key for an approval until the server answers; a new one after', async () => {
    const calls = serve([
      new TypeError('Failed to fetch'),
      { status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'state_conflict', status: 409, detail: 'the application is already approved', code: 302, field: 'application_id' } },
      { status: 200, body: app(1, 'approved') },
    ])
    const w = await mountApps()
    for (let i = 0; i < 3; i++) {
      await w.get('[data-test=app-approve-1]').trigger('click')
      await flushPromises()
    }
    const sent = decisions(calls)
    expect(sent.map((s) => s.url)).toEqual(Array(3).fill('/api/v1/applications/1/decision'))
    expect(sent[0].key).toMatch(/^[0-9a-f-]{36}$/)
    expect(sent[1].key).toBe(sent[0].key) // the retry after a lost answer replays
    expect(sent[2].key).not.toBe(sent[1].key) // the server answered: a new intent
  })

  it('disables the row\'s buttons while a decision is in flight and sends nothing more', async () => {
    let answer!: (r: { status: number; body: unknown }) => void
    const calls = serve([new Promise((r) => (answer = r))])
    const w = await mountApps()
    await w.get('[data-test=app-approve-1]').trigger('click')
    await flushPromises()
    expect(w.get('[data-test=app-approve-1]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-test=app-refuse-1]').attributes('disabled')).toBeDefined()
    await w.get('[data-test=app-approve-1]').trigger('click')
    await w.get('[data-test=app-refuse-1]').trigger('click')
    await flushPromises()
    expect(decisions(calls)).toHaveLength(1)
    answer({ status: 200, body: app(1, 'approved') })
    await flushPromises()
    expect(decisions(calls)).toHaveLength(1)
  })
})

describe('QueuesView: qualifications', () => {
  it("shows a submitted organisation's classes on its card, and the officer records one there", async () => {
    const submitted = { ...org, type: 'enterprise', region: '廊坊', qualification: 'submitted', prior_year_revenue: null, classes: [] as string[] }
    const calls: { url: string; init: RequestInit }[] = []
    globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init })
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
      if (init.method === 'POST') return json({ ...submitted, classes: [JSON.parse(String(init.body)).class] })
      if (url.startsWith('/api/v1/orgs?') && new URL(url, 'http://x').searchParams.get('qualification') === 'submitted') return json({ items: [submitted], next_cursor: null })
      return json({ items: [], next_cursor: null })
    }) as typeof fetch
    const w = mountWith(QueuesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=org-classes-7]').text()).toContain('未登记类别')
    await w.get('[data-test=org-class-pick-7]').trigger('click')
    await flushPromises()
    ;[...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((e) => e.textContent?.includes('新落户人工智能企业'))!.click()
    await flushPromises()
    await w.get('[data-test=org-class-add-7]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.init.method === 'POST')!
    expect([post.url, JSON.parse(String(post.init.body))]).toEqual(['/api/v1/orgs/7/classes', { class: 'newly_settled_ai_firm' }])
    expect(w.get('[data-test=org-class-7-newly_settled_ai_firm]').text()).toBe('新落户人工智能企业')
  })
})
