// Time in the console: the API sends ISO 8601 instants with an offset (usually +08:00); every
// time is shown in China Standard Time (UTC+8, no daylight saving) whatever the browser's own
// zone, by shifting the instant 8 hours and reading the UTC fields — no Intl zone data needed.

const CST_OFFSET_MS = 8 * 60 * 60 * 1000
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/**
 * Parses an ISO 8601 instant to epoch milliseconds. A bare date ("2024-03-15") or a time
 * without an offset is read as China Standard Time, as the platform means it. Throws on
 * anything that is not ISO 8601.
 */
export function parseInstant(iso: string): number {
  const m = ISO.exec(iso.trim())
  if (!m) throw new Error(`not an ISO 8601 time: ${JSON.stringify(iso)}`)
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const ms = Number(frac.padEnd(3, '0').slice(0, 3))
  let utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms)
  if (!zone) utc -= CST_OFFSET_MS
  else if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    utc -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000
  }
  return utc
}

interface CstParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number
}

function cstParts(epochMs: number): CstParts {
  const t = new Date(epochMs + CST_OFFSET_MS)
  return {
    year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(),
    hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds(),
  }
}

function toMs(v: string | number | Date): number {
  return typeof v === 'string' ? parseInstant(v) : typeof v === 'number' ? v : v.getTime()
}

/** "2024-03-15T02:00:00Z" → "2024-03-15" (the day in China). */
export function formatDateCst(v: string | number | Date): string {
  const p = cstParts(toMs(v))
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** "2024-03-15T10:00:00+08:00" → "2024-03-15 10:00" (or with seconds). */
export function formatDateTimeCst(v: string | number | Date, withSeconds = false): string {
  const p = cstParts(toMs(v))
  const base = `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`
  return withSeconds ? `${base}:${pad(p.second)}` : base
}

/**
 * An exclusive end ("usable while before 2024-12-01T00:00+08:00") as people read it: a
 * midnight end is shown as the previous day's 24:00 ("2024-11-30 24:00"), the way the
 * programs' notices write it; any other instant is shown as is.
 */
export function formatExclusiveEndCst(v: string | number | Date): string {
  const ms = toMs(v)
  const p = cstParts(ms)
  if (p.hour === 0 && p.minute === 0 && p.second === 0) {
    return `${formatDateCst(ms - 1)} 24:00`
  }
  return formatDateTimeCst(ms)
}

/** The current instant as ISO 8601 in China Standard Time ("2024-03-15T10:00:00+08:00"). */
export function nowIsoCst(now: number = Date.now()): string {
  const p = cstParts(now)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}+08:00`
}

/** True when `s` is a calendar date "YYYY-MM-DD" that exists. */
export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))
  return t.getUTCFullYear() === +m[1] && t.getUTCMonth() === +m[2] - 1 && t.getUTCDate() === +m[3]
}

/** Whole days from now until an instant (negative when past), counted in CST calendar days. */
export function daysUntil(v: string | number | Date, now: number = Date.now()): number {
  const day = (ms: number) => Math.floor((ms + CST_OFFSET_MS) / 86_400_000)
  return day(toMs(v)) - day(now)
}

/**
 * Days a voucher (or anything valid while before an exclusive end) can still be used, counted
 * in CST calendar days with today included: 1 on its last day; null once `now` has reached the
 * end (it has expired). `now` should be the server's time (GET /clock), not the browser's.
 */
export function daysLeft(exclusiveEnd: string | number | Date, now: string | number | Date): number | null {
  const end = toMs(exclusiveEnd)
  const at = toMs(now)
  if (at >= end) return null
  const day = (ms: number) => Math.floor((ms + CST_OFFSET_MS) / 86_400_000)
  return day(end - 1) - day(at) + 1
}
