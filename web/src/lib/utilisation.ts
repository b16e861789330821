// The utilisation chart's data: per CST day, the cards and cores held by metered jobs as a
// share of the declared capacity, the jobs that ended and the amount billed; and, for the
// range, the voucher-funded share of the provider's metered bills. Kept apart from the chart
// so Vitest checks the shaping directly. Percentages are numbers for the axis only; amounts
// stay decimal strings (BigInt fen) and are shown with formatYuan.
import type { Utilisation } from '@/api/network'
import { percentOf, toFen } from './money'
import { isValidDate } from './time'

export const RANGE_DAYS_MAX = 366

export interface UtilisationSeries {
  days: string[]
  /** Card-seconds used over card capacity, 0–100 (one decimal); null when the center has no cards. */
  cardPct: (number | null)[]
  /** Core-seconds used over core capacity, 0–100 (one decimal); null when the center has no cores. */
  corePct: (number | null)[]
  jobs: number[]
  /** Per day; null when the caller may not see the center's money. */
  billed: string[] | null
  hasCards: boolean
  hasCores: boolean
  /** Any job held resources or ended in the range. */
  hasUsage: boolean
  totalJobs: number
  /** Sum of the days' billed amounts, decimal string; null when the money is not shown. */
  totalBilled: string | null
  /** Voucher-paid over metered-and-settled, 0–100; null when nothing was settled. */
  voucherSharePct: number | null
}

/** used / capacity as a percentage with one decimal, from integers (no float drift); null without capacity. */
export function pct(used: number, capacity: number): number | null {
  if (!(capacity > 0)) return null
  return Number((BigInt(Math.round(used)) * 1000n) / BigInt(Math.round(capacity))) / 10
}

export function shapeUtilisation(u: Utilisation): UtilisationSeries {
  const days = [...u.days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
  const cardPct = days.map((d) => pct(d.card_used_s, d.card_capacity_s))
  const corePct = days.map((d) => pct(d.core_used_s, d.core_capacity_s))
  // The server leaves the amounts out for those who may not see a center's money.
  const money = u.money_visible !== false && days.every((d) => d.billed !== undefined)
  let billed = 0n
  if (money) for (const d of days) billed += toFen(d.billed!)
  const settled = money && u.provider_metered_settled ? toFen(u.provider_metered_settled) : 0n
  return {
    days: days.map((d) => d.day),
    cardPct,
    corePct,
    jobs: days.map((d) => d.jobs),
    billed: money ? days.map((d) => d.billed!) : null,
    hasCards: days.some((d) => d.card_capacity_s > 0),
    hasCores: days.some((d) => d.core_capacity_s > 0),
    hasUsage: days.some((d) => d.card_used_s > 0 || d.core_used_s > 0 || d.jobs > 0),
    totalJobs: days.reduce((s, d) => s + d.jobs, 0),
    totalBilled: money ? `${billed / 100n}.${(billed % 100n).toString().padStart(2, '0')}` : null,
    voucherSharePct: settled > 0n ? percentOf(u.provider_voucher_paid!, u.provider_metered_settled!) : null,
  }
}

const DAY_MS = 86_400_000
const dayNumber = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / DAY_MS
const fromDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10)

/** The `days` CST days ending on `lastDay` (inclusive), as [from, to]. */
export function rangeEndingOn(lastDay: string, days = 30): [string, string] {
  return [fromDayNumber(dayNumber(lastDay) - (days - 1)), lastDay]
}

/** Why a range cannot be asked for (an i18n key under net.util.range), or null. */
export function rangeError(from: string, to: string): string | null {
  if (!isValidDate(from) || !isValidDate(to)) return 'net.util.rangeInvalid'
  if (to < from) return 'net.util.rangeOrder'
  if (dayNumber(to) - dayNumber(from) + 1 > RANGE_DAYS_MAX) return 'net.util.rangeTooLong'
  return null
}
