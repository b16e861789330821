import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ConflictsView from './ConflictsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const expert = { id: 9, username: 'demo-expert', display_name: '王专家', roles: ['expert' as const] }

function serve(post: { status: number; body: unknown }) {
  const declared: unknown[] = []
  const calls = stubFetch((url, init) => {
    if (init?.method === 'POST') {
      declared.push({ id: 4, ...JSON.parse(String(init.body)) })
      return post
    }
    if (url.startsWith('/api/v1/related-parties')) return { status: 200, body: { items: post.status < 300 ? declared : [], next_cursor: null } }
    return { status: 404, body: { status: 404 } }
  })
  return calls
}

describe('ConflictsView', () => {
  it("declares a conflict of interest on the expert's own user id and lists it", async () => {
    const calls = serve({ status: 201, body: { id: 4, owner: 'user/9', relation: 'conflict_of_interest', party: '91510100MA6C000001' } })
    wrapper = mountWith(ConflictsView, 'zh-CN', {}, expert)
    await flushPromises()
    expect(calls[0].url).toBe('/api/v1/related-parties?owner=user%2F9')
    expect(wrapper.find('[data-test=rp-relation]').exists()).toBe(false) // only one relation: conflict of interest
    expect(wrapper.find('[data-test=rp-withdraw-4]').exists()).toBe(false) // only an officer withdraws
    await wrapper.get('[data-test=rp-party]').setValue(' 91510100MA6C000001 ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(post.url).toBe('/api/v1/related-parties')
    expect(JSON.parse(String(post.init.body))).toEqual({ owner: 'user/9', relation: 'conflict_of_interest', party: '91510100MA6C000001' })
    expect(wrapper.get('[data-test=rp-table]').text()).toContain('利益冲突')
    expect(wrapper.get('[data-test=rp-table]').text()).toContain('91510100MA6C000001')
  })

  it("shows the server's refusal on the party field", async () => {
    const calls = serve({
      status: 422, body: { type: 'https://suanli.dev/problems/out_of_range', title: 'out_of_range', status: 422, detail: 'at most 200 bytes (201 given)', code: 104, field: 'party' },
    })
    wrapper = mountWith(ConflictsView, 'en', {}, expert)
    await flushPromises()
    await wrapper.get('[data-test=rp-party]').setValue('Chengdu AI Co.')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    const item = wrapper.get('[data-test=rp-party]').element.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('outside its allowed range')
    expect(calls.filter((c) => c.init?.method === 'POST')).toHaveLength(1)
  })
})
