// The pool page of a program with and without a yearly pool: Beijing states no yearly total
// (its grants are the funder's, and what a fraud finding claws back goes back there), so the
// server sends has_pool: false with no funded or remaining figure, and the page says so instead
// of showing a "remaining" made of clawed-back money.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import PoolView from './PoolView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const programs = [
  { id: 'chengdu-2024', name: '成都市算力券', city: '成都', mode: 'voucher_deduction', year: 2024, pool_per_year: '10000000.00', assumptions: 1 },
  { id: 'beijing', name: '北京市人工智能算力券', city: '北京', mode: 'apply_then_redeem', year: 2023, pool_per_year: null, assumptions: 2 },
]
const figures = { issued: '200000.00', used: '60000.00', redeemed: '60000.00', lapsed: '0.00', clawed_back: '140000.00', recovery_repaid: '0.00', recovery_outstanding: '60000.00', awarded: '0.00', award_paid: '0.00' }
const beijing = { program_id: 'beijing', has_pool: false, funded: null, remaining: null, series: [], ...figures }
const chengdu = { program_id: 'chengdu-2024', has_pool: true, funded: '10000000.00', remaining: '9830000.00', series: [{ date: '2024-03-15', remaining: '9830000.00' }], ...figures }

async function open(program: string, pool: object, locale: 'zh-CN' | 'en' = 'zh-CN') {
  stubFetch((url) => {
    if (url.startsWith('/api/v1/programs?') || url === '/api/v1/programs') return { status: 200, body: { items: programs, next_cursor: null } }
    if (url.startsWith(`/api/v1/programs/${program}/pool`)) return { status: 200, body: pool }
    return { status: 404, body: { status: 404 } }
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/officer/pool', component: PoolView }] })
  await router.push(`/officer/pool?program=${program}`)
  wrapper = mountWith(PoolView, locale, { global: { plugins: [router], stubs: { PoolChart: { template: '<div data-test="pool-chart" />' } } } })
  await flushPromises()
  await flushPromises()
  return wrapper
}

describe('PoolView', () => {
  it('a program without a pool: says it has no yearly total, shows no funded or remaining, no burn-down', async () => {
    const w = await open('beijing', beijing)
    expect(w.get('[data-test=pool-no-pool]').text()).toContain('未规定年度资金总额')
    expect(w.find('[data-test=pool-funded]').exists()).toBe(false)
    expect(w.find('[data-test=pool-remaining]').exists()).toBe(false)
    expect(w.find('[data-test=pool-chart]').exists()).toBe(false)
    expect(w.get('[data-test=pool-issued]').text()).toContain('¥200,000.00')
    expect(w.get('[data-test=pool-clawed_back]').text()).toContain('¥140,000.00')
    expect(w.get('[data-test=pool-recovery_outstanding]').text()).toContain('¥60,000.00')
  })

  it('says so in English too', async () => {
    const w = await open('beijing', beijing, 'en')
    expect(w.get('[data-test=pool-no-pool]').text()).toContain('states no yearly total')
  })

  it('a program with a pool: funded, remaining and the burn-down, no notice', async () => {
    const w = await open('chengdu-2024', chengdu)
    expect(w.find('[data-test=pool-no-pool]').exists()).toBe(false)
    expect(w.get('[data-test=pool-funded]').text()).toContain('¥10,000,000.00')
    expect(w.get('[data-test=pool-remaining]').text()).toContain('¥9,830,000.00')
    expect(w.find('[data-test=pool-chart]').exists()).toBe(true)
  })

  it('an older server (no has_pool) is read as before: every figure shown', async () => {
    const { has_pool: _, ...old } = { ...beijing, funded: '200000.00', remaining: '140000.00', series: [{ date: '2024-05-10', remaining: '0.00' }] }
    const w = await open('beijing', old)
    expect(w.find('[data-test=pool-no-pool]').exists()).toBe(false)
    expect(w.get('[data-test=pool-remaining]').text()).toContain('¥140,000.00')
  })
})
