import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import QuoteForm from './QuoteForm.vue'
import { mountWith, stubFetch } from '@/test/mount'
import type { Locale } from '@/i18n'
// The real answer of `suanli quote --program programs/chengdu-2024.toml --case programs/cases/chengdu-2024.json`.
import chengdu from '@/test/fixtures/quote-chengdu-2024.json'

const programs = [{ id: 'chengdu-2024', name: '成都市算力券', year: 2024, region: '成都' }]
let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

function mountForm(locale: Locale) {
  wrapper = mountWith(QuoteForm, locale, { props: { programs, initialProgram: 'chengdu-2024' } })
  return wrapper
}
/** The error text Element Plus shows under the form item holding `test` (after it re-renders). */
async function itemError(w: VueWrapper, test: string): Promise<string> {
  await flushPromises()
  await nextTick()
  // Element Plus debounces the error state of a form item (refDebounced, 100 ms).
  await new Promise((r) => setTimeout(r, 150))
  return w.get(`[data-test=${test}]`).element.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}

describe.each([
  ['zh-CN', { decimals: '金额最多保留两位小数(精确到分)', negative: '金额不能为负数', uscc: '校验位不正确,请核对代码', required: '必填', end: '服务结束日期不能早于开始日期' }],
  ['en', { decimals: 'At most two decimals (to the fen)', negative: 'The amount cannot be negative', uscc: 'The check character is wrong; please check the code', required: 'Required', end: 'The service cannot end before it starts' }],
] as const)('QuoteForm (%s)', (locale, msg) => {
  it('validates as the user types, before any submit', async () => {
    const w = mountForm(locale)
    expect(w.findAll('.el-form-item__error')).toHaveLength(0) // a fresh form is not all red
    await w.get('[data-test=q-fee]').setValue('20000.123')
    expect(await itemError(w, 'q-fee')).toBe(msg.decimals)
    await w.get('[data-test=q-fee]').setValue('-1')
    expect(await itemError(w, 'q-fee')).toBe(msg.negative)
    await w.get('[data-test=q-fee]').setValue('20,000.50')
    expect(await itemError(w, 'q-fee')).toBe('')
    await w.get('[data-test=q-uscc]').setValue('91510100MA61R1234X')
    expect(await itemError(w, 'q-uscc')).toBe(msg.uscc)
    await w.get('[data-test=q-uscc]').setValue('91510100MA61R1234W')
    expect(await itemError(w, 'q-uscc')).toBe('')
    await w.get('[data-test=q-start]').setValue('2024-06-01')
    await w.get('[data-test=q-end]').setValue('2024-05-31')
    expect(await itemError(w, 'q-end')).toBe(msg.end)
  })

  it('reports empty required fields on submit and sends nothing', async () => {
    const calls = stubFetch(() => ({ status: 200, body: chengdu }))
    const w = mountForm(locale)
    await w.get('[data-test=q-fee]').setValue('')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(await itemError(w, 'q-contract-id')).toBe(msg.required)
    expect(await itemError(w, 'q-fee')).toBe(msg.required)
    expect(calls.filter((c) => c.url !== '/api/v1/clock')).toHaveLength(0) // the clock is asked for the default time
  })

  it('posts the case and renders the grant step by step with clauses', async () => {
    const all = stubFetch(() => ({ status: 200, body: chengdu }))
    const w = mountForm(locale)
    await w.get('[data-test=q-example]').trigger('click')
    await w.get('form').trigger('submit')
    await flushPromises()

    const calls = all.filter((c) => c.url !== '/api/v1/clock') // the clock is asked for the default time
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe('/api/v1/programs/chengdu-2024/quote')
    const sent = JSON.parse(String(calls[0].init.body))
    expect(sent.as_of).toBe('2024-03-15T10:00:00+08:00')
    expect(sent.contract).toMatchObject({ id: 'CD-2024-001', fee: '20000.00', signed_on: '2024-03-01' })
    expect(sent.settlements).toEqual([{ bill: '8000.00' }, { bill: '8000.00' }, { bill: '8000.00', on: '2024-06-30' }])

    expect(w.get('[data-test=quote-amount]').text()).toBe('¥10,000.00')
    expect(w.get('[data-test=quote-amount-wan]').text()).toBe('1.0000万元')
    expect(w.get('[data-test=quote-expires]').text()).toBe('2024-11-30 24:00')
    const steps = w.findAll('[data-test=quote-step]')
    expect(steps).toHaveLength(chengdu.steps.length)
    expect(steps[1].text()).toContain('¥20,000.00')
    expect(steps[1].text()).toContain('算力券申领额度为算力服务合同费用的50%')
    expect(steps[2].text()).toContain('50%')
    expect(steps[4].text()).toContain('最低不少于1万元(含1万元)')
    expect(steps[5].text()).toContain(locale === 'en' ? 'Cap (org_year)' : '上限 (org_year)')
    expect(w.get('[data-test=eligibility]').text()).toBe(locale === 'en' ? 'Eligible' : '符合申领条件')
    expect(w.get('[data-test=quote-reasons]').text()).toContain('prior-year main revenue 12000000.00 is at least 10000000.00')
    expect(w.get('[data-test=quote-assumptions]').text()).toContain('Confirm with 市经信局')
    expect(w.get('[data-test=quote-deductions]').text()).toContain('¥2,000.00')
  })

  it('attaches a server field error (problem+json) to its form item, localized', async () => {
    stubFetch(() => ({
      status: 422,
      body: { type: 'https://suanli.dev/problems/invalid_code', title: 'invalid_code', status: 422, code: 107, field: 'organisation.uscc',
        detail: 'check character is wrong' },
    }))
    const w = mountForm(locale)
    await w.get('[data-test=q-example]').trigger('click')
    await w.get('form').trigger('submit')
    await flushPromises()
    const expected = locale === 'en' ? 'The code (USCC or resident ID) fails its check' : '代码(统一社会信用代码或身份证号)校验未通过'
    expect(await itemError(w, 'q-uscc')).toBe(expected)
    expect(w.get('[data-test=problem]').text()).toContain(expected)
    expect(w.get('[data-test=problem-field]').text()).toContain(locale === 'en' ? 'Unified Social Credit Code' : '统一社会信用代码')
    expect(w.find('[data-test=quote-result]').exists()).toBe(false)
  })
})

describe("QuoteForm's default application time", () => {
  it("is the server's now (GET /clock), not the browser's, unless the person typed one", async () => {
    const { resetServerDay } = await import('@/lib/serverDay')
    resetServerDay()
    stubFetch((url) => url === '/api/v1/clock'
      ? { status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15', manual: true } }
      : { status: 200, body: {} })
    const w = mountForm('zh-CN')
    await flushPromises()
    expect((w.get('[data-test=q-as-of]').element as HTMLInputElement).value).toBe('2024-03-15 09:00')
  })
})

// The quote form names a contract's chip origin as the contract form does (ContractsView:
// 算力来源 — 国产算力 / 非国产算力), so a quote and the contract it is for read the same.
describe.each([
  ['zh-CN', '算力来源', ['国产算力', '非国产算力']],
  ['en', 'Compute origin', ['Domestic compute', 'Non-domestic compute']],
] as const)('QuoteForm chip origin (%s)', (locale, label, options) => {
  it('uses the contract form\'s wording', async () => {
    const w = mountForm(locale)
    const item = w.get('[data-test=q-chip]').element.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__label')?.textContent?.trim()).toBe(label)
    await w.get('[data-test=q-chip]').trigger('click')
    await flushPromises()
    // Every select's options are in the body; the chip origin's are the form's last select.
    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent?.trim())
    expect(offered.slice(-options.length)).toEqual([...options])
    expect(offered).not.toContain(locale === 'en' ? 'Imported' : '进口')
  })
})
