import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ExperienceDraws from './ExperienceDraws.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, field, itemError, press, typeInto } from '@/test/dom'
import { isMonday, mondayOf, replayCommand } from '@/lib/draws'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

// Nanjing's draws as the server answers them: this week's open (the demo's, the university in
// it), last week's drawn with two winners. The seed is beyond 2^53: it must stay a string.
const SEED = '8946116428273532315'
const open = {
  id: 1, program_id: 'nanjing-experience', week: '2024-03-11', week_end: '2024-03-17', status: 'open',
  seed_sha256: '82374ddeffd32865ddbfb7f280d9a8146d66e79e7db3359818be8a72235f6032', seed: null, entrants: 1,
  entrants_sha256: null, total_hours: null, shortfall_hours: null, program_version: null,
  opened_at: '2024-03-15T09:00:00+08:00', drawn_at: null, entered: null, own_voucher: null,
}
const winners = [
  { voucher_id: 1, org_id: 2, org_name: '成都示例大学', rank: 1, hours: 96 },
  { voucher_id: 2, org_id: 1, org_name: '成都示例科技有限公司', rank: 2, hours: 48 },
]
const drawn = {
  ...open, id: 2, week: '2024-03-04', week_end: '2024-03-10', status: 'drawn', seed: SEED, entrants: 2,
  seed_sha256: '6fc90e669848ff3471c0ec5bef1cb8c1f650b61c1b5fe9caf9246e263d860425',
  entrants_sha256: '7f7d837fc6108ca8c8f740561bfbfd0166bb5af8cc23a17c49fa8b11728b0c0c', total_hours: 144,
  shortfall_hours: 2256, program_version: 1, drawn_at: '2024-03-10T18:00:00+08:00',
}

/** The server: GETs from the lists (or `draw` for one draw); POSTs answered from `answers` in turn. */
function serve(opts: { answers?: { status: number; body: unknown }[]; draws?: object[]; vouchers?: object[] } = {}) {
  const answers = opts.answers ?? []
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return answers.shift()!
    if (url === '/api/v1/clock') return { status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15' } }
    if (url.startsWith('/api/v1/programs/nanjing-experience/draws')) {
      return { status: 200, body: { items: opts.draws ?? [drawn, open], next_cursor: null } }
    }
    if (url === '/api/v1/draws/2') return { status: 200, body: { ...drawn, winners } }
    if (url.startsWith('/api/v1/experience-vouchers')) return { status: 200, body: { items: opts.vouchers ?? [], next_cursor: null } }
    return { status: 404, body: { status: 404 } }
  })
}
const mountAs = (as: Parameters<typeof mountWith>[3], locale: 'zh-CN' | 'en' = 'zh-CN') =>
  mountWith(ExperienceDraws, locale, { props: { programId: 'nanjing-experience' } }, as)
const rows = () => [...document.querySelectorAll('[data-test=draws-table] tbody tr')].map((r) => r.textContent ?? '')
const posts = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.init?.method === 'POST').map((c) => [c.url, JSON.parse(String(c.init.body)), new Headers(c.init.headers).get('Idempotency-Key')])
const applicant = { id: 9, username: 'demo-applicant', display_name: '成都示例科技有限公司', roles: ['applicant' as const], org_id: 1 }
// The firm's voucher as the server answers it: issued (30 days from its draw day), then active
// with its one-time account and some hours used, then expired.
const issuedVoucher = {
  id: 2, draw_id: 2, program_id: 'nanjing-experience', week: '2024-03-04', org_id: 1, org_name: '成都示例科技有限公司',
  rank: 2, hours: 48, issued_at: '2024-03-10T18:00:00+08:00', status: 'issued', expires_at: '2024-04-09T00:00:00+08:00',
  last_day: '2024-04-08', center_id: null, center: null, account: null, activated_at: null, used_card_seconds: 0,
  hours_used: '0.00', hours_remaining: '48.00', ended_at: null, account_closed_at: null,
}
const activeVoucher = {
  ...issuedVoucher, status: 'active', center_id: 3, center: 'nj-ai', account: 'exp-2',
  activated_at: '2024-03-15T09:00:00+08:00', used_card_seconds: 45000, hours_used: '12.50', hours_remaining: '35.50',
}

describe('lib/draws', () => {
  it('names a week by its Monday and replays with the revealed seed', () => {
    expect(mondayOf('2024-03-15')).toBe('2024-03-11')
    expect(mondayOf('2024-03-11')).toBe('2024-03-11')
    expect(mondayOf('2024-03-17')).toBe('2024-03-11')
    expect(isMonday('2024-03-18')).toBe(true)
    expect(isMonday('2024-03-19')).toBe(false)
    expect(isMonday('2024-02-30')).toBe(false)
    expect(replayCommand('nanjing-experience', 2, SEED)).toBe(
      `suanli draw --program programs/nanjing-experience.toml --entrants draw-2-entrants.txt --seed ${SEED}`)
  })
})

describe('ExperienceDraws', () => {
  it('lists the draws newest week first; the officer opens a Monday only (by the server day)', async () => {
    const opened = { ...open, id: 3, week: '2024-03-18', week_end: '2024-03-24', entrants: 0 }
    const calls = serve({ answers: [{ status: 201, body: opened }] })
    wrapper = mountAs('officer')
    await flushPromises()
    await flushPromises()
    expect(wrapper.get('.el-card__header').text()).toBe('体验券抽签')
    const [first, second] = rows()
    expect(first).toContain('2024-03-11 至 2024-03-17')
    expect(first).toContain('报名中')
    expect(second).toContain('已开奖')
    expect(second).toContain('144 小时')
    expect(second).toContain('短缺 2256 小时')
    // The week defaults to the Monday of the server's day, which is opened already here.
    expect(field('draw-week').value).toBe('2024-03-11')
    await typeInto('draw-week', '2024-03-19')
    expect(await itemError('draw-week')).toBe('请选择周一:抽签周以周一命名')
    await press('open-draw')
    expect(posts(calls)).toEqual([])
    await typeInto('draw-week', '2024-03-18')
    await press('open-draw')
    expect(posts(calls)).toEqual([['/api/v1/programs/nanjing-experience/draws', { week: '2024-03-18' }, null]])
    // Read again after the opening; no enter button for an officer, a run button on the open one.
    expect(calls.filter((c) => c.url.startsWith('/api/v1/programs/nanjing-experience/draws?'))).toHaveLength(2)
    expect(document.querySelector('[data-test=enter-1]')).toBeNull()
    expect(document.querySelector('[data-test=run-1]')).not.toBeNull()
    expect(document.querySelector('[data-test=run-2]')).toBeNull()
  })

  it('runs after the confirmation under one Idempotency-Key, kept across a lost answer; shows the seed, winners and replay', async () => {
    const result = { ...drawn, id: 1, week: '2024-03-11', week_end: '2024-03-17', winners }
    const calls = serve({ answers: [{ status: 502, body: { status: 502 } }, { status: 200, body: result }] })
    wrapper = mountAs('officer')
    await flushPromises()
    await press('run-1')
    expect(await answerConfirm('cancel')).toContain('共 1 家单位报名')
    expect(posts(calls)).toEqual([])
    await press('run-1')
    await answerConfirm('confirm')
    await flushPromises()
    expect(document.querySelector('[data-test=problem]')).not.toBeNull()
    await press('run-1')
    await answerConfirm('confirm')
    await flushPromises()
    const sent = posts(calls)
    expect(sent.map(([url, body]) => [url, body])).toEqual([['/api/v1/draws/1/run', {}], ['/api/v1/draws/1/run', {}]])
    expect(sent[0][2]).toBeTruthy()
    expect(sent[1][2]).toBe(sent[0][2]) // the retry replays the first request
    const shown = wrapper.get('[data-test=draw-result]').text()
    expect(shown).toContain(SEED)
    expect(shown).toContain(drawn.seed_sha256)
    expect(shown).toContain(drawn.entrants_sha256)
    expect(wrapper.get('[data-test=draw-winners]').text()).toContain('成都示例大学')
    expect(wrapper.get('[data-test=draw-replay]').text()).toBe(
      `suanli draw --program programs/nanjing-experience.toml --entrants draw-1-entrants.txt --seed ${SEED}`)
    const link = wrapper.get('[data-test=draw-entrants]')
    expect(link.attributes('href')).toBe('/api/v1/draws/1/entrants.txt')
    expect(link.attributes('download')).toBe('draw-1-entrants.txt')
  })

  it('an applicant enters the open draw, sees what it won, and its experience vouchers (English)', async () => {
    const won = { ...drawn, entered: true, own_voucher: winners[1] }
    const mine = { ...open, entered: false }
    const calls = serve({
      draws: [won, mine],
      vouchers: [issuedVoucher],
      answers: [{ status: 201, body: { ...mine, entered: true, entrants: 2 } }],
    })
    wrapper = mountAs(applicant, 'en')
    await flushPromises()
    expect(wrapper.get('[data-test=mine-2]').text()).toBe('Won 48 h')
    expect(wrapper.get('[data-test=mine-1]').text()).toBe('Not entered')
    expect(document.querySelector('[data-test=draw-week]')).toBeNull()
    expect(document.querySelector('[data-test=run-1]')).toBeNull()
    expect(wrapper.get('[data-test=my-experience-vouchers]').text()).toContain('2024-03-04')
    expect(wrapper.get('[data-test=my-experience-vouchers]').text()).toContain('48')
    await press('enter-1')
    expect(posts(calls)).toEqual([['/api/v1/draws/1/entries', {}, null]])
    await press('view-2')
    expect(wrapper.get('[data-test=draw-result]').text()).toContain('Winners')
  })

  it('the winner activates its voucher after a confirmation and sees its account, hours and expiry', async () => {
    // The list as it stands; the activation answers the voucher, active, and the list follows.
    let vouchers: object[] = [issuedVoucher]
    const stub = stubFetch((url, init) => {
      if (init?.method === 'POST' && url === '/api/v1/experience-vouchers/2/activate') {
        vouchers = [activeVoucher]
        return { status: 200, body: activeVoucher }
      }
      if (url.startsWith('/api/v1/experience-vouchers')) return { status: 200, body: { items: vouchers, next_cursor: null } }
      if (url === '/api/v1/clock') return { status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15' } }
      if (url.startsWith('/api/v1/programs/nanjing-experience/draws')) return { status: 200, body: { items: [drawn], next_cursor: null } }
      return { status: 404, body: { status: 404 } }
    })
    wrapper = mountAs(applicant)
    await flushPromises()
    expect(wrapper.get('[data-test=voucher-status-2]').text()).toBe('待激活')
    expect(wrapper.get('[data-test=voucher-account-2]').text()).toBe('—')
    expect(wrapper.get('[data-test=voucher-hours-2]').text()).toBe('0.00 / 48.00')
    expect(wrapper.get('[data-test=voucher-expires-2]').text()).toBe('至 2024-04-08 24:00')
    await press('activate-2')
    expect(await answerConfirm('cancel')).toContain('限 48 卡时')
    expect(posts(stub)).toEqual([])
    await press('activate-2')
    await answerConfirm('confirm')
    await flushPromises()
    expect(posts(stub)).toEqual([['/api/v1/experience-vouchers/2/activate', {}, null]])
    expect(wrapper.get('[data-test=voucher-status-2]').text()).toBe('使用中')
    expect(wrapper.get('[data-test=voucher-account-2]').text()).toContain('exp-2')
    expect(wrapper.get('[data-test=voucher-account-2]').text()).toContain('nj-ai')
    expect(wrapper.get('[data-test=voucher-hours-2]').text()).toBe('12.50 / 35.50')
    expect(document.querySelector('[data-test=activate-2]')).toBeNull()
  })

  it('shows a refused activation with its detail; used up and expired vouchers have no action (English)', async () => {
    stubFetch((url, init) => {
      if (init?.method === 'POST') {
        return { status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'state_conflict', status: 409, code: 302, field: 'center', detail: 'no center of 南京智能计算中心 is connected now (its connector is not attached): try again later' } }
      }
      if (url.startsWith('/api/v1/experience-vouchers')) {
        return { status: 200, body: { items: [
          issuedVoucher,
          { ...activeVoucher, id: 3, status: 'used_up', hours_used: '48.00', hours_remaining: '0.00' },
          { ...issuedVoucher, id: 4, status: 'expired', last_day: null },
        ], next_cursor: null } }
      }
      if (url === '/api/v1/clock') return { status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15' } }
      if (url.startsWith('/api/v1/programs/nanjing-experience/draws')) return { status: 200, body: { items: [drawn], next_cursor: null } }
      return { status: 404, body: { status: 404 } }
    })
    wrapper = mountAs(applicant, 'en')
    await flushPromises()
    expect(wrapper.get('[data-test=voucher-status-3]').text()).toBe('Used up')
    expect(wrapper.get('[data-test=voucher-hours-3]').text()).toBe('48.00 / 0.00')
    expect(wrapper.get('[data-test=voucher-status-4]').text()).toBe('Expired')
    expect(wrapper.get('[data-test=voucher-expires-4]').text()).toBe('no limit')
    expect(wrapper.get('[data-test=voucher-expires-2]').text()).toBe('until 24:00 on 2024-04-08')
    expect(document.querySelector('[data-test=activate-3]')).toBeNull()
    expect(document.querySelector('[data-test=activate-4]')).toBeNull()
    await press('activate-2')
    await answerConfirm('confirm')
    await flushPromises()
    const alert = wrapper.get('[data-test=problem]').text()
    expect(alert).toContain('try again later')
    expect(wrapper.get('[data-test=voucher-status-2]').text()).toBe('To activate')
  })

  it('shows the server refusing a second entry with its detail', async () => {
    serve({
      draws: [{ ...open, entered: false }],
      answers: [{ status: 409, body: { type: 'https://suanli.dev/problems/duplicate', title: 'duplicate', status: 409, code: 308, field: 'org_id', detail: 'organisation 1 entered draw 1 already, at 2024-03-15T09:00:00+08:00 (one entry per organisation and week)' } }],
    })
    wrapper = mountAs(applicant)
    await flushPromises()
    await press('enter-1')
    const alert = wrapper.get('[data-test=problem]').text()
    expect(alert).toContain('已存在相同的记录')
    expect(alert).toContain('one entry per organisation and week')
  })

  it('an auditor reads the draws without opening, entering or running', async () => {
    serve()
    wrapper = mountAs('auditor')
    await flushPromises()
    expect(rows()).toHaveLength(2)
    expect(document.querySelector('[data-test=draw-week]')).toBeNull()
    expect(document.querySelector('[data-test=run-1]')).toBeNull()
    expect(document.querySelector('[data-test=enter-1]')).toBeNull()
    expect(document.querySelector('[data-test=my-experience-vouchers]')).toBeNull()
    expect(document.querySelector('[data-test=view-2]')).not.toBeNull()
  })
})
