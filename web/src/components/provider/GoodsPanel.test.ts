import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import GoodsPanel from './GoodsPanel.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, itemError, press, submitForm, typeInto, writes } from '@/test/dom'

let w: VueWrapper | null = null
afterEach(() => {
  w?.unmount()
  w = null
  document.body.innerHTML = ''
})

const goods = (id: number, name: string, price: string, extra: object = {}) => ({
  id, provider_id: 2, provider_name: '成都智算中心', center_id: null, kind: 'service', name, description: '', unit: '项', price,
  created_at: '2024-03-15T09:00:00+08:00', withdrawn_at: null, ...extra,
})
const problem = (status: number, name: string, field: string, detail: string) =>
  ({ status, body: { type: `https://suanli.dev/problems/${name}`, title: name, status, detail, field } })

/** GET /goods pages (two here, to follow next_cursor); PATCH and POST …/withdraw answer `write`. */
function serve(write: (url: string, body: unknown) => { status: number; body: unknown }) {
  return stubFetch((url, init) => {
    if (init.method === 'PATCH' || init.method === 'POST') return write(url, init.body ? JSON.parse(String(init.body)) : null)
    if (url.includes('after=7')) return { status: 200, body: { items: [goods(9, '旧镜像', '10.00', { withdrawn_at: '2024-03-01T10:00:00+08:00' })], next_cursor: null } }
    return { status: 200, body: { items: [goods(3, '模型迁移适配服务', '50000.00'), goods(7, 'Qwen 适配镜像', '0.00', { kind: 'model', unit: '次' })], next_cursor: 7 } }
  })
}
const mountPanel = async (locale: 'zh-CN' | 'en') => {
  w = mountWith(GoodsPanel, locale, { props: { providerId: 2, centers: [] } })
  await flushPromises()
  return w
}
const rowOf = (id: number) => w!.get(`[data-test=goods-status-${id}]`).element.closest('tr')!

describe('GoodsPanel', () => {
  it("lists the provider's goods, withdrawn ones marked and without actions", async () => {
    const calls = serve(() => ({ status: 500, body: {} }))
    await mountPanel('en')
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/goods?provider_id=2&include_withdrawn=true&limit=200',
      '/api/v1/goods?provider_id=2&include_withdrawn=true&after=7&limit=200',
    ])
    expect(w!.get('[data-test=goods-status-3]').text()).toBe('On offer')
    expect(w!.get('[data-test=goods-status-9]').text()).toContain('Withdrawn 2024-03-01')
    expect(w!.find('[data-test=goods-reprice-9]').exists()).toBe(false)
    expect(w!.find('[data-test=goods-withdraw-9]').exists()).toBe(false)
    expect(w!.find('[data-test=goods-reprice-3]').exists()).toBe(true)
  })

  it('reprices: checks the price while typing, PATCHes price, unit and description, and shows the answer', async () => {
    const calls = serve(() => ({ status: 200, body: goods(3, '模型迁移适配服务', '45000.00', { unit: '人天' }) }))
    await mountPanel('zh-CN')
    await press('goods-reprice-3')
    await typeInto('goods-edit-price', '45000.001')
    expect(await itemError('goods-edit-price')).not.toBe('')
    await typeInto('goods-edit-price', '45000')
    await typeInto('goods-edit-unit', '人天')
    await submitForm('goods-edit-price')
    await flushPromises()
    expect(writes(calls)).toEqual([['PATCH', '/api/v1/goods/3', { price: '45000.00', unit: '人天', description: '' }]])
    expect(rowOf(3).textContent).toContain('¥45,000.00')
    expect(rowOf(3).textContent).toContain('人天')
    expect(w!.get('[data-test=goods-done]').text()).toContain('模型迁移适配服务')
  })

  it('a refused reprice is shown and the row stays as it was', async () => {
    serve(() => problem(403, 'forbidden', 'provider_id', 'not your provider'))
    await mountPanel('en')
    await press('goods-reprice-3')
    await typeInto('goods-edit-price', '1')
    await submitForm('goods-edit-price')
    await flushPromises()
    expect(document.querySelector('[data-test=goods-edit-form]')!.closest('.el-dialog')!.textContent).toContain('not your provider')
    expect(rowOf(3).textContent).toContain('¥50,000.00')
  })

  it('withdraws after asking, with the reason typed, and marks the row', async () => {
    const calls = serve(() => ({ status: 200, body: goods(3, '模型迁移适配服务', '50000.00', { withdrawn_at: '2024-03-15T09:00:00+08:00' }) }))
    await mountPanel('en')
    await press('goods-withdraw-3')
    for (let i = 0; i < 50 && !document.querySelector('.el-message-box__input input'); i++) await new Promise((r) => setTimeout(r, 20))
    const input = document.querySelector<HTMLInputElement>('.el-message-box__input input')!
    input.value = 'no longer offered'
    input.dispatchEvent(new Event('input'))
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('模型迁移适配服务')
    await flushPromises()
    expect(writes(calls)).toEqual([['POST', '/api/v1/goods/3/withdraw', { reason: 'no longer offered' }]])
    expect(w!.get('[data-test=goods-status-3]').text()).toContain('Withdrawn 2024-03-15')
    expect(w!.find('[data-test=goods-withdraw-3]').exists()).toBe(false)
  })

  it('sends nothing when the provider keeps the goods on offer', async () => {
    const calls = serve(() => ({ status: 200, body: {} }))
    await mountPanel('zh-CN')
    await press('goods-withdraw-3')
    await answerConfirm('cancel')
    expect(writes(calls)).toEqual([])
    expect(w!.get('[data-test=goods-status-3]').text()).toBe('在售')
  })
})
