import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { daysLeft, daysUntil, formatDateCst, formatDateTimeCst, formatExclusiveEndCst, isValidDate, nowIsoCst, parseInstant } from './time'

describe('time in China Standard Time whatever the browser zone', () => {
  const saved = process.env.TZ
  beforeAll(() => {
    process.env.TZ = 'America/Los_Angeles' // a zone with DST, 15–16 hours from Beijing
  })
  afterAll(() => {
    process.env.TZ = saved
  })

  it('shows +08:00, Z and other offsets as Beijing time', () => {
    expect(formatDateTimeCst('2024-03-15T10:00:00+08:00')).toBe('2024-03-15 10:00')
    expect(formatDateTimeCst('2024-03-15T02:00:00Z')).toBe('2024-03-15 10:00')
    expect(formatDateTimeCst('2024-03-14T21:00:00-05:00', true)).toBe('2024-03-15 10:00:00')
    expect(formatDateCst('2024-12-31T16:30:00Z')).toBe('2025-01-01')
  })
  it('shows a midnight exclusive end as the day before at 24:00', () => {
    expect(formatExclusiveEndCst('2024-12-01T00:00:00+08:00')).toBe('2024-11-30 24:00')
    expect(formatExclusiveEndCst('2024-12-01T09:30:00+08:00')).toBe('2024-12-01 09:30')
  })
  it('reads fractions and bare dates (as CST)', () => {
    expect(parseInstant('2024-03-15T10:00:00.250+08:00')).toBe(Date.UTC(2024, 2, 15, 2, 0, 0, 250))
    expect(parseInstant('2024-03-15')).toBe(Date.UTC(2024, 2, 14, 16))
    expect(() => parseInstant('15/03/2024')).toThrow()
  })
  it('writes now as +08:00 and counts days in CST', () => {
    expect(nowIsoCst(Date.UTC(2024, 2, 14, 18, 5, 9))).toBe('2024-03-15T02:05:09+08:00')
    expect(daysUntil('2024-12-01T00:00:00+08:00', Date.parse('2024-11-29T23:00:00+08:00'))).toBe(2)
  })
  it('counts the days an exclusive end leaves, today included, and null once reached', () => {
    const end = '2024-12-01T00:00:00+08:00'
    expect(daysLeft(end, '2024-11-29T23:00:00+08:00')).toBe(2)
    expect(daysLeft(end, '2024-11-30T23:59:59+08:00')).toBe(1)
    expect(daysLeft(end, '2024-12-01T00:00:00+08:00')).toBeNull()
    expect(daysLeft(end, '2024-12-01T18:00:00+08:00')).toBeNull() // not "0 days left" all that day
    expect(daysLeft('2024-12-01T12:00:00+08:00', '2024-12-01T09:00:00+08:00')).toBe(1)
  })
  it('knows real dates', () => {
    expect(isValidDate('2024-02-29')).toBe(true)
    expect(isValidDate('2023-02-29')).toBe(false)
    expect(isValidDate('2024-3-1')).toBe(false)
  })
})
