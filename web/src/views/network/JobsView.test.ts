import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import JobsView from './JobsView.vue'
import { makeI18n } from '@/i18n'
import { useSessionStore } from '@/stores/session'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const request = {
  name: 'llm-finetune', resource_type: 'npu', units: 8, framework: 'MindSpore', framework_version_min: '2.2', time_limit_s: 5401,
  data_region: '成都', max_price: '15.00', domestic_only: true, deadline: '2024-03-20T18:00:00+08:00', voucher_id: 4, user: '',
  working_dir: '/scratch/llm',
}
const job = (id: number, state: string, center_id: number | null = 2) => ({
  id, org_id: 1, resource_type: 'npu', units: 8, state, center_id, slurm_job_id: center_id ? `10${id}` : null,
  placement: [
    { center_id: 2, verdict: 'feasible', customer_price_fen_per_unit_hour: 1200, score_fen: 10095 },
    { center_id: 3, verdict: 'feasible', customer_price_fen_per_unit_hour: 1300, score_fen: 11095 },
  ],
  attempts: [], created_at: '2024-03-15T09:00:00+08:00',
  // The server's: ¥12.00 × 8 cards × 91 minutes (5,401 s rounded up) ÷ 60 = ¥145.60.
  request, max_cost: center_id ? '145.60' : null,
})

/** GET /jobs lists `jobs`; POST /jobs/{id}/cancel answers from `cancel` (status and body). */
function serve(jobs: object[], cancel: { status: number; body: unknown }) {
  const cancels: { url: string; body: unknown; csrf: string | undefined }[] = []
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } })
    if (/^\/api\/v1\/jobs\/\d+\/cancel$/.test(url) && init.method === 'POST') {
      cancels.push({ url, body: init.body, csrf: (init.headers as Record<string, string>)['X-CSRF-Token'] })
      return json(cancel.status, cancel.body)
    }
    if (url.startsWith('/api/v1/jobs')) return json(200, { items: jobs, next_cursor: null })
    if (url.startsWith('/api/v1/centers')) {
      return json(200, { items: [{ id: 2, name: '成都智算中心', partitions: [], software: [] }, { id: 3, name: '国家超算成都中心', partitions: [], software: [] }], next_cursor: null })
    }
    return json(200, { items: [], next_cursor: null })
  }) as typeof fetch
  return cancels
}

async function mountAs(locale: 'zh-CN' | 'en') {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().user = { id: 3, username: 'demo-applicant', display_name: '申请人', roles: ['applicant'] }
  wrapper = mount(JobsView, { attachTo: document.body, global: { plugins: [ElementPlus, makeI18n(locale), pinia], stubs: { Refresh: true } } })
  await flushPromises()
  return wrapper
}

const row = (w: VueWrapper, id: number) =>
  [...w.findAll('[data-test=jobs-table] .el-table__body tr.el-table__row')].find((r) => r.find('td:nth-child(2)').text().trim() === String(id))!

/** Element Plus's confirmation box lives in document.body; waits for it and presses a button. */
async function answerConfirm(which: 'confirm' | 'cancel') {
  for (let i = 0; i < 50 && !document.querySelector('.el-message-box'); i++) await new Promise((r) => setTimeout(r, 20))
  const box = document.querySelector<HTMLElement>('.el-message-box')
  expect(box).not.toBeNull()
  const text = box!.textContent ?? ''
  const buttons = box!.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')
  ;(which === 'confirm' ? buttons[buttons.length - 1] : buttons[0]).click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
  return text
}

describe('JobsView: cancelling a job', () => {
  it('offers Cancel only for jobs still queued or running', async () => {
    serve([job(5, 'running'), job(4, 'PENDING'), job(3, 'completed'), job(2, 'unplaced', null), job(1, 'cancelled')], { status: 500, body: {} })
    const w = await mountAs('en')
    expect(w.find('[data-test=job-cancel-5]').exists()).toBe(true)
    expect(w.find('[data-test=job-cancel-4]').exists()).toBe(true)
    for (const id of [3, 2, 1]) expect(w.find(`[data-test=job-cancel-${id}]`).exists()).toBe(false)
  })

  it('asks first; on confirm POSTs /jobs/{id}/cancel and the row shows the answer', async () => {
    const cancels = serve([job(7, 'running'), job(6, 'pending')], { status: 200, body: job(7, 'cancelled') })
    const w = await mountAs('zh-CN')
    expect(row(w, 7).text()).toContain('运行中')
    await w.get('[data-test=job-cancel-7]').trigger('click')
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('#7')
    expect(asked).toContain('成都智算中心')
    expect(cancels).toHaveLength(1)
    expect(cancels[0].url).toBe('/api/v1/jobs/7/cancel')
    expect(cancels[0].body).toBeUndefined() // no body
    expect(row(w, 7).text()).toContain('已取消')
    expect(row(w, 7).find('[data-state]').attributes('data-state')).toBe('cancelled')
    expect(w.find('[data-test=job-cancel-7]').exists()).toBe(false)
    expect(row(w, 6).text()).toContain('排队中') // the other row untouched
    expect(w.get('[data-test=jobs-cancel-done]').text()).toContain('#7')
  })

  it('sends nothing when the user keeps the job', async () => {
    const cancels = serve([job(7, 'running')], { status: 200, body: job(7, 'cancelled') })
    const w = await mountAs('en')
    await w.get('[data-test=job-cancel-7]').trigger('click')
    await answerConfirm('cancel')
    expect(cancels).toHaveLength(0)
    expect(row(w, 7).text()).toContain('Running')
  })

  for (const [locale, words] of [['en', 'This cannot be done in the current state'], ['zh-CN', '当前状态下不能办理此操作']] as const) {
    it(`a 409 refusal is shown in the user's language (${locale}) and the row stays as it was`, async () => {
      const problem = {
        type: 'https://suanli.dev/problems/state_conflict', title: 'state_conflict', status: 409,
        detail: 'the job is completed: only a job still queued or running is cancelled', code: 302, field: 'state',
      }
      serve([job(7, 'running')], { status: 409, body: problem })
      const w = await mountAs(locale)
      await w.get('[data-test=job-cancel-7]').trigger('click')
      await answerConfirm('confirm')
      const shown = w.get('[data-test=jobs-cancel-error]').text()
      expect(shown).toContain(words)
      expect(shown).toContain('only a job still queued or running is cancelled')
      expect(row(w, 7).find('[data-state]').attributes('data-state')).toBe('running')
      expect(w.find('[data-test=job-cancel-7]').exists()).toBe(true)
      expect(w.find('[data-test=jobs-cancel-done]').exists()).toBe(false)
    })
  }
})

describe('JobsView: what each job asked for comes from the list', () => {
  it('shows name, framework, time limit and the most it can cost from GET /jobs alone', async () => {
    serve([job(5, 'running'), { ...job(4, 'unplaced', null), request: { ...request, name: '', framework: '', framework_version_min: '' } }], { status: 500, body: {} })
    const w = await mountAs('en')
    const placed = row(w, 5)
    expect(placed.find('[data-col=name]').text()).toBe('llm-finetune')
    expect(placed.find('[data-col=framework]').text()).toBe('MindSpore ≥ 2.2')
    expect(placed.find('[data-col=time-limit]').text()).toBe('91 min')
    expect(placed.find('[data-col=max-cost]').text()).toBe('¥145.60')
    const unplaced = row(w, 4)
    expect(unplaced.find('[data-col=name]').text()).toBe('—')
    expect(unplaced.find('[data-col=framework]').text()).toBe('—')
    expect(unplaced.find('[data-col=max-cost]').text()).toBe('—')
  })

  it("the expanded row shows the rest of the request and each center's most-it-can-cost by the server's rule", async () => {
    serve([job(5, 'running')], { status: 500, body: {} })
    const w = await mountAs('zh-CN')
    await row(w, 5).find('.el-table__expand-icon').trigger('click')
    await flushPromises()
    const details = w.get('[data-test=job-request]').text()
    for (const piece of ['成都', '¥15.00', '2024-03-20 18:00', '是', '#4', '/scratch/llm', '同 Slurm 账户']) expect(details).toContain(piece)
    const costs = w.findAll('[data-test=placement-table] [data-col=max-cost]').map((c) => c.text())
    // The chosen center: the server's figure; the other: ¥13.00 × 8 × 91 min ÷ 60 = ¥157.733… → ¥157.74 (up).
    expect(costs).toEqual(['¥145.60', '¥157.74'])
  })

  it('a job recorded before requests were kept says so instead of guessing', async () => {
    serve([{ ...job(3, 'completed'), request: null, max_cost: null }], { status: 500, body: {} })
    const w = await mountAs('en')
    expect(row(w, 3).find('[data-col=time-limit]').text()).toBe('—')
    await row(w, 3).find('.el-table__expand-icon').trigger('click')
    await flushPromises()
    expect(w.get('[data-test=job-request-none]').text()).toContain('before the platform kept requests')
    expect(w.findAll('[data-test=placement-table] [data-col=max-cost]').map((c) => c.text())).toEqual(['—', '—'])
  })
})
