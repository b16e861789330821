import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ContractsView from './ContractsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
const RealXhr = globalThis.XMLHttpRequest
afterEach(() => {
  globalThis.XMLHttpRequest = RealXhr
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const applicant = { id: 4, username: 'demo-applicant', display_name: '申领单位', roles: ['applicant' as const], org_id: 3 }
const doc = (id: number, kind: string, status: string) => ({
  id, owner: 'org/3', kind, sha256: 'ab', media_type: 'application/pdf', filename: `${kind}-${id}.pdf`, status, reason: '', size_bytes: 1000,
  uploaded_at: '2024-05-01T10:00:00+08:00',
})
const filed = {
  id: 21, org_id: 3, provider_id: 2, contract_no: 'HT-2024-021', amount: '2000000.00', signed_on: '2024-05-01', start_on: '2024-05-01',
  end_on: '2025-04-30', resource_class: 'intelligent_compute', project_name: '成渝算力枢纽示范工程', project_level: 'national',
  evidence_document_id: 31, created_at: '2024-05-02T10:00:00+08:00',
}

/** The server: POST /contracts answers from `answers` in turn. */
function serve(answers: { status: number; body: unknown }[], extraDocs: object[] = []) {
  return stubFetch((url, init) => {
    if (init?.method === 'POST' && url === '/api/v1/contracts') return answers.shift()!
    if (url.startsWith('/api/v1/providers')) return { status: 200, body: { items: [{ id: 2, name: '成都智算中心', uscc: '91510100MA6C000001', region: 'chengdu' }], next_cursor: null } }
    // The evidence: 31 pending, 30 rejected (not offered), and a licence (not evidence).
    if (url.startsWith('/api/v1/orgs/3/documents')) return { status: 200, body: { items: [doc(30, 'project_evidence', 'rejected'), doc(31, 'project_evidence', 'pending'), doc(12, 'business_licence', 'approved'), ...extraDocs], next_cursor: null } }
    if (url.startsWith('/api/v1/programs')) return { status: 200, body: { items: [], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

async function choose(w: VueWrapper, testId: string, text: string) {
  await w.get(`[data-test=${testId}]`).trigger('click')
  await flushPromises()
  const options = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].filter((o) => o.textContent?.includes(text))
  expect(options.length).toBeGreaterThan(0)
  options[options.length - 1].click()
  await flushPromises()
}

async function fill(w: VueWrapper) {
  await choose(w, 'contract-provider', '成都智算中心')
  await w.get('[data-test=contract-no]').setValue('HT-2024-021')
  await w.get('[data-test=contract-amount]').setValue('2,000,000.00')
  await w.get('[data-test=contract-signed]').setValue('2024-05-01')
  await w.get('[data-test=contract-start]').setValue('2024-05-01')
  await w.get('[data-test=contract-end]').setValue('2025-04-30')
}

const fieldError = async (w: VueWrapper, testId: string) => {
  await new Promise((r) => setTimeout(r, 150)) // the field's error comes in with a transition
  return w.get(`[data-test=${testId}]`).element.closest('.el-form-item')!.querySelector('.el-form-item__error')?.textContent ?? ''
}

describe('ContractsView: a major project', () => {
  it('sends the project name, level and the chosen evidence; a rejected document is not offered', async () => {
    const calls = serve([{ status: 201, body: filed }])
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await choose(w, 'contract-project-level', '国家级')
    await w.get('[data-test=contract-project-name]').setValue('  成渝算力枢纽示范工程 ')
    await w.get('[data-test=contract-evidence]').trigger('click')
    await flushPromises()
    const offered = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].map((o) => o.textContent ?? '')
    expect(offered.some((o) => o.includes('#31') && o.includes('待审核'))).toBe(true)
    expect(offered.some((o) => o.includes('#30'))).toBe(false)
    expect(offered.some((o) => o.includes('#12'))).toBe(false)
    await choose(w, 'contract-evidence', '#31')
    await w.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(post.url).toBe('/api/v1/contracts')
    expect(JSON.parse(String(post.init.body))).toEqual({
      org_id: 3, provider_id: 2, contract_no: 'HT-2024-021', amount: '2000000.00', signed_on: '2024-05-01', start_on: '2024-05-01',
      end_on: '2025-04-30', resource_class: 'intelligent_compute', project_level: 'national', project_name: '成渝算力枢纽示范工程', evidence_document_id: 31,
    })
    expect(w.get('[data-test=contract-filed]').text()).toContain('HT-2024-021')
  })

  it('an ordinary contract sends no project fields', async () => {
    const calls = serve([{ status: 201, body: { ...filed, project_name: '', project_level: '', evidence_document_id: null } }])
    const w = mountWith(ContractsView, 'en', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await w.get('form').trigger('submit')
    await flushPromises()
    const body = JSON.parse(String(calls.find((c) => c.init?.method === 'POST')!.init.body))
    expect(body).not.toHaveProperty('project_level')
    expect(body).not.toHaveProperty('evidence_document_id')
  })

  it('a major project without evidence is refused on its field before sending; the server refusal lands on evidence_document_id', async () => {
    const calls = serve([
      { status: 403, body: { type: 'https://suanli.dev/problems/forbidden', title: 'forbidden', status: 403, detail: 'not a document of this organisation', code: 301, field: 'evidence_document_id' } },
    ])
    const w = mountWith(ContractsView, 'en', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await choose(w, 'contract-project-level', 'Provincial')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(await fieldError(w, 'contract-evidence')).toContain('Required')
    expect(await fieldError(w, 'contract-project-name')).toContain('Required')
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
    await w.get('[data-test=contract-project-name]').setValue('川渝数据中心集群')
    await choose(w, 'contract-evidence', '#31')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(calls.filter((c) => c.init?.method === 'POST')).toHaveLength(1)
    expect(await fieldError(w, 'contract-evidence')).toContain('You are not allowed to do this')
    expect(w.get('[data-test=problem-detail]').text()).toContain('not a document of this organisation')
  })

  it('checks the project name in bytes, as the server counts them', async () => {
    serve([])
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    await w.get('[data-test=contract-project-name]').setValue('项'.repeat(67)) // 201 bytes
    expect(await fieldError(w, 'contract-project-name')).toContain('最多 200 字节')
  })
})

/** An XMLHttpRequest (the console uploads with it, for progress) answering 201 with `answer`. */
function fakeUpload(answer: object) {
  const sent: { url: string; body: unknown }[] = []
  class FakeXhr {
    status = 0
    responseText = ''
    upload: { onprogress?: unknown } = {}
    onload: (() => void) | null = null
    onerror: (() => void) | null = null
    withCredentials = false
    private url = ''
    open(_method: string, url: string) { this.url = url }
    setRequestHeader() {}
    getResponseHeader() { return 'application/json' }
    send(body: unknown) {
      sent.push({ url: this.url, body })
      this.status = 201
      this.responseText = JSON.stringify(answer)
      setTimeout(() => this.onload?.(), 0)
    }
  }
  globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest
  return sent
}

describe('ContractsView: evidence uploaded on the spot', () => {
  it('uploads a project_evidence document of the organisation and cites it', async () => {
    const fresh = doc(32, 'project_evidence', 'pending')
    const uploads = fakeUpload(fresh)
    const calls = serve([{ status: 201, body: { ...filed, evidence_document_id: 32 } }], [fresh])
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await choose(w, 'contract-project-level', '省级')
    await w.get('[data-test=contract-project-name]').setValue('天府算力调度平台')
    const input = w.get('[data-test=contract-evidence-upload]').element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['%PDF-1.4'], '立项批复.pdf', { type: 'application/pdf' })] })
    input.dispatchEvent(new Event('change'))
    await new Promise((r) => setTimeout(r, 20))
    await flushPromises()
    expect(uploads).toHaveLength(1)
    expect(uploads[0].url).toBe(`/api/v1/orgs/3/documents?kind=project_evidence&filename=${encodeURIComponent('立项批复.pdf')}`)
    await w.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(JSON.parse(String(post.init.body))).toMatchObject({ project_level: 'provincial', project_name: '天府算力调度平台', evidence_document_id: 32 })
  })
})

describe("ContractsView: chip origin and filed model (Hangzhou's rate)", () => {
  const ordinary = { org_id: 3, provider_id: 2, contract_no: 'HT-2024-021', amount: '2000000.00', signed_on: '2024-05-01', start_on: '2024-05-01', end_on: '2025-04-30', resource_class: 'intelligent_compute' }

  it('sends neither field when not stated, even after choosing and unchoosing them', async () => {
    const calls = serve([{ status: 201, body: { ...filed, project_name: '', project_level: '', evidence_document_id: null, chip_origin: '', uses_filed_model: false } }])
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await choose(w, 'contract-chip-origin', '国产算力')
    await choose(w, 'contract-chip-origin', '未说明')
    await w.get('[data-test=contract-filed-model] input').setValue(true)
    await w.get('[data-test=contract-filed-model] input').setValue(false)
    await w.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(post.url).toBe('/api/v1/contracts')
    expect(JSON.parse(String(post.init.body))).toEqual(ordinary)
  })

  it('sends chip_origin and uses_filed_model when stated', async () => {
    const calls = serve([{ status: 201, body: { ...filed, chip_origin: 'domestic', uses_filed_model: true } }])
    const w = mountWith(ContractsView, 'en', {}, applicant)
    wrapper = w
    await flushPromises()
    expect(w.text()).toContain('Some programs (Hangzhou) set their rate by these')
    await fill(w)
    await choose(w, 'contract-chip-origin', 'Domestic compute')
    await w.get('[data-test=contract-filed-model] input').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(JSON.parse(String(post.init.body))).toEqual({ ...ordinary, chip_origin: 'domestic', uses_filed_model: true })
  })

  it('sends an imported chip origin alone', async () => {
    const calls = serve([{ status: 201, body: { ...filed, chip_origin: 'imported', uses_filed_model: false } }])
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    await fill(w)
    await choose(w, 'contract-chip-origin', '非国产算力')
    await w.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(JSON.parse(String(post.init.body))).toEqual({ ...ordinary, chip_origin: 'imported' })
  })

  it('shows each contract\'s chip origin and filed model in the list; an older server\'s contract as not stated', async () => {
    const old = { ...filed, id: 20, contract_no: 'HT-2024-020', project_name: '', project_level: '', evidence_document_id: null }
    const hz = { ...old, id: 22, contract_no: 'HZ-2024-001', chip_origin: 'domestic', uses_filed_model: true }
    const imported = { ...old, id: 23, contract_no: 'HZ-2024-002', chip_origin: 'imported' }
    stubFetch((url) => {
      if (url.startsWith('/api/v1/contracts')) return { status: 200, body: { items: [old, hz, imported], next_cursor: null } }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    const w = mountWith(ContractsView, 'zh-CN', {}, applicant)
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=contract-chip-HZ-2024-001]').text()).toBe('国产算力')
    expect(w.get('[data-test=contract-filed-HZ-2024-001]').text()).toBe('已备案大模型')
    expect(w.get('[data-test=contract-chip-HT-2024-020]').text()).toBe('未说明')
    expect(w.get('[data-test=contract-chip-HZ-2024-002]').text()).toBe('非国产算力')
    expect(w.find('[data-test=contract-filed-HT-2024-020]').exists()).toBe(false)
  })
})
