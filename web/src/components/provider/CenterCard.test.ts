import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import CenterCard from './CenterCard.vue'
import type { Center } from '@/api/network'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, field, itemError, press, submitForm, typeInto, writes } from '@/test/dom'

let w: VueWrapper | null = null
afterEach(() => {
  w?.unmount()
  w = null
  document.body.innerHTML = ''
})

const CENTER: Center = {
  id: 2, provider_id: 2, name: '成都智算中心', kind: 'intelligent', region: '成都', latency_class: 'metro', slurm_cluster: 'cd-ai',
  partitions: [{ name: 'ascend', billing_mode: 'shared', nodes: 120, cpu_model: 'Kunpeng 920', cores_per_node: 192, memory_gb_per_node: 1024,
    accelerator: { model: 'Ascend 910B', per_node: 8, memory_gb: 64, domestic: true, gres: 'npu' } }],
  software: [{ name: 'MindSpore', version: '2.2' }, { name: 'PyTorch', version: '2.1.0' }],
  cards: 960, cores: 23040, created_at: '2024-03-15T09:00:00+08:00', retired_at: null,
  prices_in_force: [{ partition: 'ascend', unit: 'card_hour', price: '12.00', effective_from: '2024-01-01', billing_weights: '' }],
}
const problem = (status: number, name: string, field: string, detail: string) =>
  ({ status, body: { type: `https://suanli.dev/problems/${name}`, title: name, status, detail, field } })

/** The card's reads (prices, accounts, clock) answer empty lists; writes answer `write`. */
function serve(write: (url: string, body: unknown) => { status: number; body: unknown }) {
  return stubFetch((url, init) => {
    if (init.method === 'PATCH' || init.method === 'POST') return write(url, init.body ? JSON.parse(String(init.body)) : null)
    if (url.startsWith('/api/v1/clock')) return { status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15', manual: true } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}
const mountCard = async (locale: 'zh-CN' | 'en', center: Center = CENTER) => {
  w = mountWith(CenterCard, locale, { props: { center } })
  await flushPromises()
  return w
}

describe('CenterCard: edit and retire', () => {
  it('edits the descriptive fields with a PATCH of all of them and emits the answer', async () => {
    const edited = { ...CENTER, region: '成都天府', software: [{ name: 'MindSpore', version: '2.3' }] }
    const calls = serve(() => ({ status: 200, body: edited }))
    await mountCard('en')
    await press('center-edit')
    expect(field('center-edit-name').value).toBe('成都智算中心')
    await typeInto('center-edit-region', '')
    expect(await itemError('center-edit-region')).toBe('Required')
    await typeInto('center-edit-region', '成都天府')
    const marked = document.querySelector<HTMLElement>('[data-test=center-edit-software]')!
    const software = (marked instanceof HTMLTextAreaElement ? marked : marked.querySelector('textarea'))!
    expect(software.value).toBe('MindSpore 2.2\nPyTorch 2.1.0')
    software.value = 'MindSpore 2.3'
    software.dispatchEvent(new Event('input'))
    await submitForm('center-edit-name')
    await flushPromises()
    expect(writes(calls)).toEqual([['PATCH', '/api/v1/centers/2', {
      name: '成都智算中心', kind: 'intelligent', region: '成都天府', latency_class: 'metro', software: [{ name: 'MindSpore', version: '2.3' }],
    }]])
    expect(w!.emitted('changed')?.[0]).toEqual([edited])
    expect(w!.get('[data-test=center-change-done]').text()).toContain('saved')
  })

  it("a name another center has is refused under the name field, and nothing is emitted", async () => {
    serve(() => problem(409, 'duplicate', 'name', 'another center has this name'))
    await mountCard('zh-CN')
    await press('center-edit')
    await typeInto('center-edit-name', '国家超算成都中心')
    await submitForm('center-edit-name')
    await flushPromises()
    expect(await itemError('center-edit-name')).not.toBe('')
    expect(document.querySelector('[data-test=center-edit-form]')!.closest('.el-dialog')!.textContent).toContain('another center has this name')
    expect(w!.emitted('changed')).toBeUndefined()
  })

  it('retires after asking, with the reason typed, and emits the retired center', async () => {
    const retired = { ...CENTER, retired_at: '2024-03-15T09:00:00+08:00' }
    const calls = serve(() => ({ status: 200, body: retired }))
    await mountCard('zh-CN')
    await press('center-retire')
    for (let i = 0; i < 50 && !document.querySelector('.el-message-box__input input'); i++) await new Promise((r) => setTimeout(r, 20))
    const input = document.querySelector<HTMLInputElement>('.el-message-box__input input')!
    input.value = '迁往新园区'
    input.dispatchEvent(new Event('input'))
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('成都智算中心')
    expect(asked).toContain('正在运行的作业照常运行')
    await flushPromises()
    expect(writes(calls)).toEqual([['POST', '/api/v1/centers/2/retire', { reason: '迁往新园区' }]])
    expect(w!.emitted('changed')?.[0]).toEqual([retired])
  })

  it('sends nothing when the provider keeps the center in service', async () => {
    const calls = serve(() => ({ status: 200, body: {} }))
    await mountCard('en')
    await press('center-retire')
    await answerConfirm('cancel')
    expect(writes(calls)).toEqual([])
    expect(w!.emitted('changed')).toBeUndefined()
  })

  it('a retired center says so and offers neither edit nor retire, only reinstate', async () => {
    serve(() => ({ status: 500, body: {} }))
    await mountCard('en', { ...CENTER, retired_at: '2024-03-10T15:00:00+08:00' })
    expect(w!.get('[data-test=prov-center-retired]').text()).toContain('Retired 2024-03-10 15:00')
    expect(w!.find('[data-test=center-edit]').exists()).toBe(false)
    expect(w!.find('[data-test=center-retire]').exists()).toBe(false)
    expect(w!.find('[data-test=center-reinstate]').exists()).toBe(true)
  })

  it('reinstates a retired center after asking, and emits the center in service', async () => {
    const calls = serve(() => ({ status: 200, body: CENTER }))
    await mountCard('en', { ...CENTER, retired_at: '2024-03-10T15:00:00+08:00' })
    expect(w!.find('[data-test=center-reinstate]').exists()).toBe(true)
    await press('center-reinstate')
    const asked = await answerConfirm('confirm')
    expect(asked).toContain('Reinstate 成都智算中心?')
    await flushPromises()
    expect(writes(calls)).toEqual([['POST', '/api/v1/centers/2/reinstate', {}]])
    expect(w!.emitted('changed')?.[0]).toEqual([CENTER])
    expect(w!.get('[data-test=center-change-done]').text()).toContain('back in service')
  })

  it('a refused reinstatement shows the problem and emits nothing', async () => {
    serve(() => problem(409, 'state_conflict', 'center_id', 'center 成都智算中心 is in service'))
    await mountCard('zh-CN', { ...CENTER, retired_at: '2024-03-10T15:00:00+08:00' })
    await press('center-reinstate')
    await answerConfirm('confirm')
    await flushPromises()
    expect(w!.get('[data-test=center-change-error]').text()).toContain('is in service')
    expect(w!.emitted('changed')).toBeUndefined()
  })
})
