import { describe, expect, it } from 'vitest'
import { pct, rangeEndingOn, rangeError, shapeUtilisation } from './utilisation'
import type { Utilisation } from '@/api/network'

// The utilisation chart's data shaping: per-day percentages from seconds used over capacity,
// days in order, totals to the fen, the voucher-funded share, and the CST date range rules.

const DAY_CARDS = 960 * 86400
const DAY_CORES = 23040 * 86400
const day = (d: string, card: number, core: number, jobs: number, billed: string) => ({
  day: d, card_used_s: card, card_capacity_s: DAY_CARDS, core_used_s: core, core_capacity_s: DAY_CORES, jobs, billed,
})

describe('shapeUtilisation', () => {
  const u: Utilisation = {
    center_id: 2,
    // Out of order on purpose: the chart's x axis must still run in day order.
    days: [
      day('2024-03-16', DAY_CARDS / 4, 0, 3, '1152.00'),
      day('2024-03-15', 8 * 3600, 192 * 3600, 1, '96.00'),
      day('2024-03-17', DAY_CARDS, DAY_CORES / 3, 0, '0.00'),
    ],
    money_visible: true,
    provider_metered_settled: '1248.00',
    provider_voucher_paid: '624.00',
  }
  const s = shapeUtilisation(u)

  it('puts the days in order and computes used over capacity per day, one decimal', () => {
    expect(s.days).toEqual(['2024-03-15', '2024-03-16', '2024-03-17'])
    // 8 card-hours of 960 cards × 24 h = 0.0347 % → 0.0; a quarter → 25; all → 100.
    expect(s.cardPct).toEqual([0, 25, 100])
    expect(s.corePct).toEqual([0, 0, 33.3])
    expect(s.jobs).toEqual([1, 3, 0])
    expect(s.billed).toEqual(['96.00', '1152.00', '0.00'])
  })

  it('adds up the range: jobs ended and billed to the fen, the voucher-funded share', () => {
    expect(s.totalJobs).toBe(4)
    expect(s.totalBilled).toBe('1248.00')
    expect(s.voucherSharePct).toBe(50)
    expect(s.hasUsage).toBe(true)
    expect(s.hasCards && s.hasCores).toBe(true)
  })

  it('gives no percentage where a center declares no capacity, and no share when nothing was settled', () => {
    const cpuOnly = shapeUtilisation({
      center_id: 1,
      days: [{ day: '2024-03-15', card_used_s: 0, card_capacity_s: 0, core_used_s: 3600, core_capacity_s: 64 * 86400, jobs: 1, billed: '0.10' }],
      money_visible: true,
      provider_metered_settled: '0.00',
      provider_voucher_paid: '0.00',
    })
    expect(cpuOnly.cardPct).toEqual([null])
    expect(cpuOnly.hasCards).toBe(false)
    expect(cpuOnly.corePct).toEqual([0])
    expect(cpuOnly.voucherSharePct).toBeNull()
  })

  it('knows an idle range is empty (the page then says what to do next)', () => {
    const idle = shapeUtilisation({
      center_id: 2, days: [day('2024-03-15', 0, 0, 0, '0.00'), day('2024-03-16', 0, 0, 0, '0.00')],
      money_visible: true, provider_metered_settled: '0.00', provider_voucher_paid: '0.00',
    })
    expect(idle.hasUsage).toBe(false)
    expect(idle.totalBilled).toBe('0.00')
  })

  it('sums billed amounts beyond 2^53 fen without losing a digit', () => {
    const big = shapeUtilisation({
      center_id: 2, days: [day('2024-03-15', 1, 0, 1, '90071992547409.93'), day('2024-03-16', 1, 0, 1, '0.07')],
      money_visible: true, provider_metered_settled: '0.00', provider_voucher_paid: '0.00',
    })
    expect(big.totalBilled).toBe('90071992547410.00')
  })

  it("shows no money to those who may not see the center's (the server leaves it out)", () => {
    const { billed: _b, ...busy } = day('2024-03-15', DAY_CARDS / 2, 0, 2, '0.00')
    const hidden = shapeUtilisation({ center_id: 2, days: [busy], money_visible: false })
    expect(hidden.cardPct).toEqual([50])
    expect(hidden.totalJobs).toBe(2)
    expect(hidden.billed).toBeNull()
    expect(hidden.totalBilled).toBeNull()
    expect(hidden.voucherSharePct).toBeNull()
  })
})

describe('pct', () => {
  it('is exact in integers and null without capacity', () => {
    expect(pct(1, 3)).toBe(33.3)
    expect(pct(2, 3)).toBe(66.6)
    expect(pct(5, 0)).toBeNull()
  })
})

describe('date range (CST days)', () => {
  it('ends on the given day and spans whole days, across months and a leap day', () => {
    expect(rangeEndingOn('2024-03-15')).toEqual(['2024-02-15', '2024-03-15'])
    expect(rangeEndingOn('2024-03-01', 2)).toEqual(['2024-02-29', '2024-03-01'])
    expect(rangeEndingOn('2024-01-01', 1)).toEqual(['2024-01-01', '2024-01-01'])
  })
  it('refuses an invalid day, an end before the start and more than 366 days', () => {
    expect(rangeError('2024-02-30', '2024-03-01')).toBe('net.util.rangeInvalid')
    expect(rangeError('2024-03-02', '2024-03-01')).toBe('net.util.rangeOrder')
    expect(rangeError('2024-01-01', '2024-12-31')).toBeNull() // 366 days in 2024
    expect(rangeError('2024-01-01', '2025-01-01')).toBe('net.util.rangeTooLong')
  })
})
