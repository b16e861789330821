import { describe, expect, it } from 'vitest'
import { listAllVouchers, listVouchers } from './vouchers'
import { listApplications, listClaims, listOrgs } from './workflow'
import { listAudit } from './audit'
import { stubFetch } from '@/test/mount'

/** A paged route as route_kit.cc answers it: ids 1..n, `after` and `limit` (default 50), next_cursor = last id of a full page. */
function paged(n: number) {
  return (url: string) => {
    const q = new URL(url, 'http://x').searchParams
    const after = Number(q.get('after') ?? 0)
    const limit = Number(q.get('limit') ?? 50)
    const items = Array.from({ length: n }, (_, i) => ({ id: i + 1, status: 'submitted' })).filter((r) => r.id > after).slice(0, limit)
    return { status: 200, body: { items, next_cursor: items.length >= limit ? items[items.length - 1].id : null } }
  }
}

describe('paging', () => {
  it('asks a voucher page after the given id with the parameter the server reads (after, not cursor)', async () => {
    const calls = stubFetch(paged(120))
    const p = await listVouchers(50)
    expect(calls[0].url).toBe('/api/v1/vouchers?after=50')
    expect(p.items[0]).toMatchObject({ id: 51 })
    expect(p.next_cursor).toBe(100)
  })

  it('fetches every page of vouchers for a picker, past 50 and past 200', async () => {
    const calls = stubFetch(paged(450))
    const all = await listAllVouchers()
    expect(all.items.map((v) => v.id)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1))
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/vouchers?limit=200',
      '/api/v1/vouchers?after=200&limit=200',
      '/api/v1/vouchers?after=400&limit=200',
    ])
  })

  it('follows next_cursor for claims, applications (keeping the status filter) and organisations', async () => {
    let calls = stubFetch(paged(401))
    expect((await listClaims()).items).toHaveLength(401)
    expect(calls).toHaveLength(3)
    calls = stubFetch(paged(250))
    expect((await listApplications('waitlisted')).items).toHaveLength(250)
    expect(calls[1].url).toBe('/api/v1/applications?status=waitlisted&after=200&limit=200')
    calls = stubFetch(paged(200))
    expect((await listOrgs()).items).toHaveLength(200)
    // A full last page has a cursor; the empty page after it ends the walk.
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/orgs?limit=200', '/api/v1/orgs?after=200&limit=200'])
  })

  it('stops with an error on a cursor that does not move, instead of looping', async () => {
    stubFetch(() => ({ status: 200, body: { items: [{ id: 1 }], next_cursor: 1 } }))
    await expect(listClaims()).rejects.toThrow(/repeated/)
  })

  it('pages the audit log by after_seq', async () => {
    const calls = stubFetch(() => ({ status: 200, body: { items: [], next_cursor: null } }))
    await listAudit({ after_seq: 50, actor: 'li' })
    expect(calls[0].url).toBe('/api/v1/audit?after_seq=50&actor=li')
  })
})
