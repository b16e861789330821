import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import AuditView from './AuditView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const entry = (seq: number) => ({ seq, at: '2024-05-10T10:00:00+08:00', actor: 'li', action: 'settle', object: `voucher/${seq}`, detail: {}, hash: 'ab'.repeat(32) })

describe('AuditView', () => {
  it('"load more" asks for the entries after the last seq shown (after_seq=next_cursor), not the first page again', async () => {
    const calls = stubFetch((url) => {
      const after = Number(new URL(url, 'http://x').searchParams.get('after_seq') ?? 0)
      const seqs = Array.from({ length: 70 }, (_, i) => i + 1).filter((s) => s > after).slice(0, 50)
      return { status: 200, body: { items: seqs.map(entry), next_cursor: seqs.length === 50 ? seqs[49] : null } }
    })
    wrapper = mountWith(AuditView, 'zh-CN', {}, 'auditor')
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text() === '加载更多')!.trigger('click')
    await flushPromises()
    expect(calls[1].url).toBe('/api/v1/audit?after_seq=50')
    const rows = wrapper.findAll('[data-test=audit-table] tbody tr')
    expect(rows).toHaveLength(70)
    expect(rows[69].text()).toContain('voucher/70')
  })

  it('reconciles with the ledger for an auditor: differences listed, rebuilt settlements called out', async () => {
    const calls = stubFetch((url, init) => {
      if (init?.method === 'POST' && url === '/api/v1/audit/reconcile') {
        return { status: 200, body: {
          ok: false, transfers_checked: 13, settlements_checked: 2, moves_checked: 6, audit_entries_checked: 2, records_checked: 20, moves_waiting: 0,
          differences_total: 1, differences: ['transfer 14 (forged/3): no outbox move of this key'],
          rebuilt_settlements_total: 1, rebuilt_settlements: [12],
        } }
      }
      return { status: 200, body: { items: [], next_cursor: null } }
    })
    wrapper = mountWith(AuditView, 'en', {}, 'auditor')
    await flushPromises()
    await wrapper.get('[data-test=audit-reconcile]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url === '/api/v1/audit/reconcile' && c.init?.method === 'POST')).toBe(true)
    const result = wrapper.get('[data-test=audit-reconcile-result]').text()
    expect(result).toContain('13 transfers and 20 records checked, 1 differences')
    expect(result).toContain('forged/3')
    expect(wrapper.get('[data-test=audit-rebuilt]').text()).toContain('transfers 12')
  })

  it('offers reconciliation to auditors and admins, not to officers', async () => {
    stubFetch(() => ({ status: 200, body: { items: [], next_cursor: null } }))
    wrapper = mountWith(AuditView, 'zh-CN', {}, 'officer')
    await flushPromises()
    expect(wrapper.find('[data-test=audit-reconcile]').exists()).toBe(false)
  })
})
