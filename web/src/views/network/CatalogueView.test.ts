import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import CatalogueView from './CatalogueView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let w: VueWrapper | null = null
afterEach(() => {
  w?.unmount()
  w = null
  document.body.innerHTML = ''
})

const center = (id: number, name: string, cluster: string, prices: object[]) => ({
  id, provider_id: id, name, kind: 'intelligent', region: '成都', latency_class: 'metro', slurm_cluster: cluster,
  partitions: [], software: [], cards: 0, cores: 64, created_at: '2024-03-15T09:00:00+08:00', retired_at: null, prices_in_force: prices,
})

describe('CatalogueView', () => {
  it('shows each center\'s prices in force from the search answer alone: one request, not one per center', async () => {
    const calls = stubFetch((url) => {
      if (url.startsWith('/api/v1/catalogue')) {
        return {
          status: 200,
          body: {
            centers: [
              center(1, '国家超算成都中心', 'cd-hpc', [
                { partition: 'cpu', unit: 'node_hour', price: '8.00', effective_from: '2024-01-01', billing_weights: '' },
                { partition: 'dcu', unit: 'card_hour', price: '6.00', effective_from: '2024-01-01', billing_weights: '' },
              ]),
              center(2, '新中心', 'cd-new', []),
            ],
            goods: [],
          },
        }
      }
      return { status: 401, body: { type: 'https://suanli.dev/problems/unauthenticated', title: 'unauthenticated', status: 401 } }
    })
    w = mountWith(CatalogueView, 'en', { global: { stubs: { Search: true, RouterLink: { template: '<a><slot /></a>' } } } })
    await flushPromises()
    expect(w.get('[data-test=cat-price-cd-hpc-dcu]').text()).toContain('¥6.00 / card-hour')
    expect(w.get('[data-test=cat-price-cd-hpc-cpu]').text()).toContain('¥8.00 / node-hour')
    expect(w.get('[data-test=cat-centers]').text()).toContain('No price')
    expect(calls.filter((c) => c.url.startsWith('/api/v1/centers'))).toEqual([])
    expect(calls.filter((c) => c.url.startsWith('/api/v1/catalogue'))).toHaveLength(1)
  })
})
