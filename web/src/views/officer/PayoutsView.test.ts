import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import PayoutsView from './PayoutsView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const batch = { id: 3, program_id: 'chengdu-2024', quarter: '2024Q3', total: '0.00', lines: [] }

describe('PayoutsView', () => {
  it('creates a batch under one Idempotency-Key across a retry after a lost answer (502 from the gateway)', async () => {
    let posts = 0
    const calls = stubFetch((url, init) => {
      if (init?.method === 'POST') {
        posts += 1
        return posts === 1 ? { status: 502, body: { type: 'about:blank', title: 'Bad Gateway', status: 502 } } : { status: 201, body: batch }
      }
      if (url.startsWith('/api/v1/programs')) return { status: 200, body: { items: [{ id: 'chengdu-2024', name: '成都市算力券' }], next_cursor: null } }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    wrapper = mountWith(PayoutsView, 'zh-CN', {}, 'officer')
    await flushPromises()
    await wrapper.get('input[data-test=payout-quarter]').setValue('2024Q3')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const sent = calls.filter((c) => c.init?.method === 'POST')
    expect(sent.map((c) => JSON.parse(String(c.init.body)))).toEqual([
      { program_id: 'chengdu-2024', quarter: '2024Q3' }, { program_id: 'chengdu-2024', quarter: '2024Q3' },
    ])
    const key = (i: number) => new Headers(sent[i].init.headers).get('Idempotency-Key')
    expect(key(0)).toMatch(/^[0-9a-f-]{36}$/)
    expect(key(1)).toBe(key(0))
  })
})
