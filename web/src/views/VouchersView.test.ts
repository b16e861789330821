import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import VouchersView from './VouchersView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const voucher = (id: number) => ({
  id, org_id: 3, org_name: `单位${id}`, provider_id: 2, program_id: 'chengdu-2024', grant: '150000.00',
  used: '0.00', remaining: '150000.00', lapsed: '0.00', expires_at: '2024-12-01T00:00:00+08:00', status: 'active',
})

describe('VouchersView', () => {
  it('"load more" asks for the page after the last id (after=next_cursor) and appends it', async () => {
    const calls = stubFetch((url) => {
      const after = Number(new URL(url, 'http://x').searchParams.get('after') ?? 0)
      const ids = Array.from({ length: 60 }, (_, i) => i + 1).filter((i) => i > after).slice(0, 50)
      return { status: 200, body: { items: ids.map(voucher), next_cursor: ids.length === 50 ? ids[49] : null } }
    })
    wrapper = mountWith(VouchersView, 'zh-CN', { global: { stubs: { RouterLink: { template: '<a><slot /></a>' } } } })
    await flushPromises()
    expect(wrapper.findAll('[data-test=vouchers-table] tbody tr')).toHaveLength(50)
    const more = wrapper.findAll('button').find((b) => b.text() === '加载更多')!
    await more.trigger('click')
    await flushPromises()
    expect(calls[1].url).toBe('/api/v1/vouchers?after=50')
    const rows = wrapper.findAll('[data-test=vouchers-table] tbody tr')
    expect(rows).toHaveLength(60)
    expect(rows[59].text()).toContain('单位60')
    expect(wrapper.findAll('button').some((b) => b.text() === '加载更多')).toBe(false)
  })
})
