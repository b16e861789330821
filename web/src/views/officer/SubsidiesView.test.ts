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
    const calls = stubFetch(() => ({ status: 200, body: { imported: 2 } }))
    const w = mountWith(SubsidiesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    const input = w.get('[data-test=subsidies-file]').element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File([CSV], 'subsidies-2024.csv', { type: 'text/csv' })] })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    await new Promise((r) => setTimeout(r, 20))
    expect(w.get('[data-test=subsidies-count]').text()).toBe('共 2 条记录')
    await w.get('form').trigger('submit')
    await flushPromises()
    const box = await answerConfirm('confirm')
    expect(box.text).toContain('导入 2 条补贴记录')
    expect(box.names).toEqual(['取消', '确定导入'])
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe('/api/v1/subsidies/import')
    expect(calls[0].init.method).toBe('POST')
    expect(calls[0].init.body).toBe(CSV)
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('text/csv; charset=utf-8')
    expect(w.get('[data-test=subsidies-done]').text()).toContain('已导入 2 条记录')
  })

  it("shows the server's refusal on the file, with the line it names", async () => {
    const calls = stubFetch(() => ({
      status: 422,
      body: { type: 'https://suanli.dev/problems/invalid_code', title: 'invalid_code', status: 422, detail: 'wrong check character', code: 107, field: 'line 3.uscc' },
    }))
    const w = mountWith(SubsidiesView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    await w.get('[data-test=subsidies-csv]').setValue(CSV)
    await w.get('form').trigger('submit')
    await flushPromises()
    const box = await answerConfirm('confirm')
    expect(box.names).toEqual(['Cancel', 'Import'])
    expect(calls).toHaveLength(1)
    expect(await csvError(w)).toBe('Line 3 (uscc): The code (USCC or resident ID) fails its check')
    expect(w.get('[data-test=problem-detail]').text()).toContain('wrong check character')
    expect(w.find('[data-test=subsidies-done]').exists()).toBe(false)
  })

  it('refuses a line without five columns before sending, and sends nothing when the confirmation is cancelled', async () => {
    const calls = stubFetch(() => ({ status: 200, body: { imported: 1 } }))
    const w = mountWith(SubsidiesView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    await w.get('[data-test=subsidies-csv]').setValue('uscc,scheme,reference,amount,year\n91510100MA6CGUGA1W,scheme,500000.00,2024\n')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(await csvError(w)).toContain('Line 2 needs 5 columns')
    await w.get('[data-test=subsidies-csv]').setValue(CSV)
    await w.get('form').trigger('submit')
    await flushPromises()
    await answerConfirm('cancel')
    expect(calls).toEqual([])
  })
})
