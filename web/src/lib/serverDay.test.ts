import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resetServerDay, serverToday, useServerDay } from './serverDay'
import { stubFetch } from '@/test/mount'

beforeEach(() => resetServerDay())
afterEach(() => vi.useRealTimers())

describe("the server's day (GET /clock)", () => {
  it("uses /clock's today, not the browser's, and asks once for every caller", async () => {
    // The browser lives in 2026 (and at 23:30 UTC, already the next day in CST); the server in 2024.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-23T23:30:00Z'))
    const calls = stubFetch(() => ({ status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15', manual: true } }))
    const a = useServerDay()
    expect(a.today.value).toBeNull() // not known before the answer
    expect(await a.ready).toBe('2024-03-15')
    expect(a.today.value).toBe('2024-03-15')
    const b = useServerDay()
    expect(b.today.value).toBe('2024-03-15')
    expect(await b.ready).toBe('2024-03-15')
    expect(await serverToday()).toBe('2024-03-15')
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/clock'])
    expect(calls[0].init.method).toBe('GET')
  })

  it('asks again once its answer is a minute old, keeping the old day until the new one comes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-24T15:59:30Z')) // 23:59:30 in CST
    let day = '2026-11-24'
    const calls = stubFetch(() => ({ status: 200, body: { now: `${day}T23:59:30+08:00`, today: day, manual: false } }))
    const { today } = useServerDay()
    expect(await serverToday()).toBe('2026-11-24')
    vi.setSystemTime(new Date('2026-11-24T16:00:29Z')) // 59 s later: shared
    day = '2026-11-25'
    expect(await serverToday()).toBe('2026-11-24')
    expect(calls).toHaveLength(1)
    vi.setSystemTime(new Date('2026-11-24T16:00:31Z')) // 61 s: asked again
    const next = serverToday()
    expect(today.value).toBe('2026-11-24') // until the answer
    expect(await next).toBe('2026-11-25')
    expect(today.value).toBe('2026-11-25')
    expect(calls).toHaveLength(2)
  })

  it("falls back to the browser's CST day when the call fails, and asks again next time", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-23T23:30:00Z')) // 2026-11-24 07:30 in CST
    let calls = stubFetch(() => ({ status: 503, body: { type: 'about:blank', title: 'down', status: 503 } }))
    const { today, ready } = useServerDay()
    expect(await ready).toBe('2026-11-24')
    expect(today.value).toBe('2026-11-24')
    expect(calls).toHaveLength(1)
    // The server is back: the next caller gets its day.
    calls = stubFetch(() => ({ status: 200, body: { now: '2024-03-15T09:00:00+08:00', today: '2024-03-15', manual: true } }))
    expect(await serverToday()).toBe('2024-03-15')
    expect(today.value).toBe('2024-03-15')
    expect(calls).toHaveLength(1)
  })

  it('falls back on a network failure or an answer without a day', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2024-07-01T02:00:00Z'))
    globalThis.fetch = (async () => {
      throw new TypeError('connection refused')
    }) as typeof fetch
    expect(await serverToday()).toBe('2024-07-01')
    resetServerDay()
    stubFetch(() => ({ status: 200, body: { now: '2024-03-15T09:00:00+08:00' } }))
    expect(await serverToday()).toBe('2024-07-01')
  })
})
