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
      vouchers: [{ id: 2, draw_id: 2, program_id: 'nanjing-experience', week: '2024-03-04', org_id: 1, org_name: '成都示例科技有限公司', rank: 2, hours: 48, issued_at: '2024-03-10T18:00:00+08:00', status: 'issued' }],
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
