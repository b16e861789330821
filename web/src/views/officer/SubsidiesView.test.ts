import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import SubsidiesView from './SubsidiesView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const CSV = 'uscc,scheme,reference,amount,year\n91510100MA6CGUGA1W,省级技改补助,川经信〔2024〕12号,500000.00,2024\n91510100MA6CGUGA1W,市级算力补贴,成经信〔2024〕3号,120000.50,2024\n'
const org = { id: 3, name: '成都甲智能科技有限公司', uscc: '91510100MA6CGUGA1W' }
const row = (id: number, over: Record<string, unknown> = {}) => ({
  id, uscc: org.uscc, org_id: 3, org_name: org.name, scheme: `项目${id}`, reference: `R-${id}`, amount: '500000.00', year: 2024,
  import_id: 1, imported_at: '2024-03-15T09:30:00+08:00', imported_by: 'officer', ...over,
})
type Answer = { status: number; body: unknown }
/**
 * The server: GET /orgs, GET /subsidies (the register pages through `register` by `after`,
 * `pageSize` rows a page) and POST /subsidies/import answered by `onImport`.
 */
function serve(opts: { register?: ReturnType<typeof row>[]; pageSize?: number; onImport?: () => Answer } = {}) {
  const register = opts.register ?? []
  const size = opts.pageSize ?? 50
  return stubFetch((url, init) => {
    if (init?.method === 'POST') return opts.onImport ? opts.onImport() : { status: 200, body: { imported: 2 } }
    if (url.startsWith('/api/v1/orgs')) return { status: 200, body: { items: [org], next_cursor: null } }
    const after = Number(new URL(url, 'http://x').searchParams.get('after') ?? 0)
    const page = register.filter((r) => r.id > after).slice(0, size)
    return { status: 200, body: { items: page, next_cursor: page.length === size ? page[size - 1].id : null } }
  })
}
const posts = (calls: { url: string; init: RequestInit }[]) => calls.filter((c) => c.init?.method === 'POST')
const registerCalls = (calls: { url: string; init: RequestInit }[]) => calls.filter((c) => c.url.startsWith('/api/v1/subsidies') && c.init?.method !== 'POST')

/** Element Plus's confirmation box lives in document.body; waits for it and presses a button. */
async function answerConfirm(which: 'confirm' | 'cancel') {
  for (let i = 0; i < 50 && !document.querySelector('.el-message-box'); i++) await new Promise((r) => setTimeout(r, 20))
  const box = document.querySelector<HTMLElement>('.el-message-box')!
  const text = box.textContent ?? ''
  const buttons = [...box.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')]
  const names = buttons.map((b) => b.textContent?.trim())
  ;(which === 'confirm' ? buttons[buttons.length - 1] : buttons[0]).click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
  return { text, names }
}

const csvError = async (w: VueWrapper) => {
  await new Promise((r) => setTimeout(r, 150)) // the field's error comes in with a transition
  return w.get('[data-test=subsidies-csv]').element.closest('.el-form-item')!.querySelector('.el-form-item__error')?.textContent ?? ''
}

describe('SubsidiesView', () => {
  it('sends the chosen CSV file as it is, after a confirmation naming its buttons', async () => {
    const calls = serve()
    const w = mountWith(SubsidiesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    const input = w.get('[data-test=subsidies-file]').element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File([CSV], 'subsidies-2024.csv', { type: 'text/csv' })] })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    await new Promise((r) => setTimeout(r, 20))
    expect(w.get('[data-test=subsidies-count]').text()).toBe('共 2 条记录')
    await w.get('[data-test=subsidies-import] form').trigger('submit')
    await flushPromises()
    const box = await answerConfirm('confirm')
    expect(box.text).toContain('导入 2 条补贴记录')
    expect(box.names).toEqual(['取消', '确定导入'])
    expect(posts(calls)).toHaveLength(1)
    const sent = posts(calls)[0]
    expect(sent.url).toBe('/api/v1/subsidies/import')
    expect(sent.init.body).toBe(CSV)
    expect((sent.init.headers as Record<string, string>)['Content-Type']).toBe('text/csv; charset=utf-8')
    expect(w.get('[data-test=subsidies-done]').text()).toContain('已导入 2 条记录')
    // The register is read again after the import.
    expect(registerCalls(calls)).toHaveLength(2)
  })

  it("shows the server's refusal on the file, with the line it names", async () => {
    const calls = serve({
      onImport: () => ({
        status: 422,
        body: { type: 'https://suanli.dev/problems/invalid_code', title: 'invalid_code', status: 422, detail: 'wrong check character', code: 107, field: 'line 3.uscc' },
      }),
    })
    const w = mountWith(SubsidiesView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    await w.get('[data-test=subsidies-csv]').setValue(CSV)
    await w.get('[data-test=subsidies-import] form').trigger('submit')
    await flushPromises()
    const box = await answerConfirm('confirm')
    expect(box.names).toEqual(['Cancel', 'Import'])
    expect(posts(calls)).toHaveLength(1)
    expect(await csvError(w)).toBe('Line 3 (uscc): The code (USCC or resident ID) fails its check')
    expect(w.get('[data-test=problem-detail]').text()).toContain('wrong check character')
    expect(w.find('[data-test=subsidies-done]').exists()).toBe(false)
  })

  it('refuses a line without five columns before sending, and sends nothing when the confirmation is cancelled', async () => {
    const calls = serve({ onImport: () => ({ status: 200, body: { imported: 1 } }) })
    const w = mountWith(SubsidiesView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    const form = w.get('[data-test=subsidies-import] form')
    await w.get('[data-test=subsidies-csv]').setValue('uscc,scheme,reference,amount,year\n91510100MA6CGUGA1W,scheme,500000.00,2024\n')
    await form.trigger('submit')
    await flushPromises()
    expect(await csvError(w)).toContain('Line 2 needs 5 columns (uscc,scheme,reference,amount,year), it has 4')
    await w.get('[data-test=subsidies-csv]').setValue(CSV)
    await form.trigger('submit')
    await flushPromises()
    await answerConfirm('cancel')
    expect(posts(calls)).toEqual([])
  })

  it('counts quoted cells as the server does (a comma inside quotes, CRLF, a BOM) and names an unclosed quote by its line', async () => {
    const calls = serve()
    const w = mountWith(SubsidiesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    const quoted = '\uFEFFuscc,scheme,reference,amount,year\r\n91510100MA6CGUGA1W,"成都市科技项目,2024","川经信〔2024〕12号",500000.00,2024\r\n\r\n91510100MA6CGUGA1W,"某""专项""资金",R-2,1.00,2024\r\n'
    await w.get('[data-test=subsidies-csv]').setValue(quoted)
    expect(w.get('[data-test=subsidies-count]').text()).toBe('共 2 条记录')
    expect(await csvError(w)).toBe('')
    await w.get('[data-test=subsidies-csv]').setValue('uscc,scheme,reference,amount,year\n91510100MA6CGUGA1W,"成都市科技项目,2024,R-1,1.00,2024\n')
    await w.get('[data-test=subsidies-import] form').trigger('submit')
    await flushPromises()
    expect(await csvError(w)).toBe('第 2 行的双引号没有闭合')
    expect(posts(calls)).toEqual([])
  })

  it('shows the register a page at a time with the matching organisation and the import, and filters it', async () => {
    const register = [row(1), row(2, { org_id: null, org_name: null, uscc: '91510100MA6CTTTT9X' }), row(3, { import_id: null, imported_at: null, imported_by: null })]
    const calls = serve({ register, pageSize: 2 })
    const w = mountWith(SubsidiesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    expect(registerCalls(calls)[0].url).toBe('/api/v1/subsidies')
    let rows = w.findAll('[data-test=subsidies-table] tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('成都甲智能科技有限公司')
    expect(rows[0].text()).toContain('项目1')
    expect(rows[0].text()).toContain('500,000.00')
    expect(rows[0].text()).toContain('2024-03-15 09:30')
    expect(rows[0].text()).toContain('officer')
    expect(rows[1].text()).toContain('未注册单位')
    await w.get('[data-test=subsidies-more]').trigger('click')
    await flushPromises()
    expect(registerCalls(calls)[1].url).toBe('/api/v1/subsidies?after=2')
    rows = w.findAll('[data-test=subsidies-table] tbody tr')
    expect(rows).toHaveLength(3)
    expect(rows[2].text()).toContain('未记录')
    expect(w.find('[data-test=subsidies-more]').exists()).toBe(false)

    // A malformed USCC or year is refused on its field and nothing is asked.
    await w.get('[data-test=subsidies-filter-year]').setValue('24')
    await w.get('[data-test=subsidies-register] form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // the field's error comes in with a transition
    expect(w.get('[data-test=subsidies-filter-year]').element.closest('.el-form-item')!.querySelector('.el-form-item__error')?.textContent).toBe('年度为四位数字,如 2024')
    expect(registerCalls(calls)).toHaveLength(2)
    await w.get('[data-test=subsidies-filter-year]').setValue('2024')
    await w.get('[data-test=subsidies-filter-uscc]').setValue('91510100ma6cguga1w')
    await w.get('[data-test=subsidies-register] form').trigger('submit')
    await flushPromises()
    expect(registerCalls(calls)[2].url).toBe('/api/v1/subsidies?uscc=91510100MA6CGUGA1W&year=2024')
    await w.get('[data-test=subsidies-reset]').trigger('click')
    await flushPromises()
    expect(registerCalls(calls)[3].url).toBe('/api/v1/subsidies')
  })

  it('shows an auditor the register without the import', async () => {
    serve({ register: [row(1)] })
    const w = mountWith(SubsidiesView, 'en', {}, 'auditor')
    wrapper = w
    await flushPromises()
    expect(w.findAll('[data-test=subsidies-table] tbody tr')).toHaveLength(1)
    expect(w.get('[data-test=subsidies-table]').text()).toContain('Scheme')
    expect(w.find('[data-test=subsidies-import]').exists()).toBe(false)
    expect(w.find('[data-test=subsidies-csv]').exists()).toBe(false)
  })
})
