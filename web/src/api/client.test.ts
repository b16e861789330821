import { afterEach, describe, expect, it } from 'vitest'
import { request, setCsrfToken, setUnauthorizedHandler } from './client'
import { ApiError } from './errors'
import { login } from './session'
import { stubFetch } from '@/test/mount'

afterEach(() => {
  setCsrfToken(null)
  setUnauthorizedHandler(null)
})

const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name]

describe('api client', () => {
  it('sends the cookie same-origin, and the CSRF token from the session on every non-GET', async () => {
    const calls = stubFetch((url) =>
      url.endsWith('/session')
        ? { status: 200, body: { user: { id: 'u1', username: 'a', display_name: 'A', roles: ['applicant'] }, csrf_token: 'tok-1' } }
        : { status: 200, body: { ok: true } },
    )
    await login('a', 'pw')
    await request('GET', '/programs')
    await request('POST', '/audit/verify')
    await request('DELETE', '/session')
    expect(calls.map((c) => c.init.credentials)).toEqual(['same-origin', 'same-origin', 'same-origin', 'same-origin'])
    expect(calls[0].url).toBe('/api/v1/session')
    expect(header(calls[1].init, 'X-CSRF-Token')).toBeUndefined()
    expect(header(calls[2].init, 'X-CSRF-Token')).toBe('tok-1')
    expect(header(calls[3].init, 'X-CSRF-Token')).toBe('tok-1')
  })

  it('sends a fresh Idempotency-Key on money-moving POSTs only', async () => {
    const calls = stubFetch(() => ({ status: 200, body: {} }))
    await request('POST', '/claims', { body: {}, moneyMoving: true })
    await request('POST', '/claims', { body: {}, moneyMoving: true })
    await request('POST', '/programs/x/quote', { body: {} })
    const k1 = header(calls[0].init, 'Idempotency-Key')
    const k2 = header(calls[1].init, 'Idempotency-Key')
    expect(k1).toMatch(/^[0-9a-f-]{36}$/)
    expect(k2).not.toBe(k1)
    expect(header(calls[2].init, 'Idempotency-Key')).toBeUndefined()
  })

  it('turns problem+json into a typed ApiError', async () => {
    stubFetch(() => ({
      status: 422,
      body: { type: 'https://suanli.dev/problems/negative_amount', title: 'negative_amount', status: 422,
        detail: 'contract.fee must be >= 0', code: 106, field: 'contract.fee' },
    }))
    const err = await request('POST', '/programs/x/quote', { body: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ kind: 'problem', status: 422, code: 106, field: 'contract.fee', detail: 'contract.fee must be >= 0' })
    expect((err as ApiError).typeName).toBe('negative_amount')
  })

  it('reports a 401 to the handler, builds query strings, and names network failures', async () => {
    let seen = 0
    setUnauthorizedHandler(() => seen++)
    const calls = stubFetch(() => ({ status: 401, body: { title: 'Unauthorized', status: 401 } }))
    await request('GET', '/audit', { query: { actor: 'li', after_seq: 5, action: '' } }).catch(() => undefined)
    expect(seen).toBe(1)
    expect(calls[0].url).toBe('/api/v1/audit?actor=li&after_seq=5')
    globalThis.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch
    const err = await request('GET', '/programs').catch((e) => e)
    expect(err).toMatchObject({ kind: 'network', status: 0 })
  })
})
