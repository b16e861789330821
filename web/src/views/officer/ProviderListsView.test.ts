import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ProviderListsView from './ProviderListsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const LISTS = {
  items: [
    { tag: 'beijing_compute_partner', programs: [{ id: 'beijing', name: '北京算力券' }] },
    { tag: 'qingyang_cluster', programs: [{ id: 'qingyang', name: '庆阳算力券' }] },
  ],
}
// Provider 2 is on Beijing's list; putting it on Qingyang's is answered with both.
function serve(refuse = false) {
  let tags = ['beijing_compute_partner']
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      if (refuse) {
        return { status: 403, body: { type: 'https://suanli.dev/problems/forbidden', title: 'forbidden', status: 403, code: 301, field: '', detail: 'officers only' } }
      }
      tags = [...tags, JSON.parse(String(init.body)).tag].sort()
      return { status: 200, body: { id: 2, name: '成都智算中心', uscc: '', region: '成都', tags } }
    }
    if (init?.method === 'DELETE') {
      tags = tags.filter((t) => !url.endsWith(`/${t}`))
      return { status: 200, body: { id: 2, name: '成都智算中心', uscc: '', region: '成都', tags } }
    }
    if (url.startsWith('/api/v1/provider-lists')) return { status: 200, body: LISTS }
    if (url.startsWith('/api/v1/providers')) return { status: 200, body: { items: [{ id: 2, name: '成都智算中心', uscc: '', region: '成都', tags }], next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

async function pick(w: VueWrapper, label: string) {
  await w.get('[data-test=pick-2]').trigger('click')
  await flushPromises()
  const item = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((e) => e.textContent?.includes(label))
  expect(item, `option ${label}`).toBeTruthy()
  item!.click()
  await flushPromises()
}

describe('ProviderListsView', () => {
  it("shows a provider's lists, puts it on another and takes it off one", async () => {
    const calls = serve()
    const w = mountWith(ProviderListsView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=provider-lists]').text()).toContain('beijing_compute_partner')
    await pick(w, 'qingyang_cluster')
    await w.get('[data-test=add-2]').trigger('click')
    await flushPromises()
    await w.get('[data-test=list-2-beijing_compute_partner] .el-tag__close').trigger('click')
    await flushPromises()
    const writes = calls.filter((c) => c.init?.method && c.init.method !== 'GET')
      .map((c) => [c.init.method, c.url, c.init.body ? JSON.parse(String(c.init.body)) : null])
    expect(writes).toEqual([
      ['POST', '/api/v1/providers/2/tags', { tag: 'qingyang_cluster' }],
      ['DELETE', '/api/v1/providers/2/tags/beijing_compute_partner', null],
    ])
    expect(w.get('[data-test=provider-lists]').text()).toContain('qingyang_cluster')
    expect(w.get('[data-test=provider-lists]').text()).not.toContain('beijing_compute_partner')
  })

  it('shows a refusal', async () => {
    serve(true)
    const w = mountWith(ProviderListsView, 'en', {}, 'officer')
    wrapper = w
    await flushPromises()
    await pick(w, 'qingyang_cluster')
    await w.get('[data-test=add-2]').trigger('click')
    await flushPromises()
    expect(w.get('[data-test=problem]').text()).toContain('officers only')
  })
})
