// Money in the console: the API carries amounts in CNY as decimal strings ("1234567.89"); here
// they become BigInt counts of fen and back, never a JavaScript number, so an amount beyond
// 2^53 fen (≈ ¥90 trillion) keeps every digit. Mirrors src/core/money.cc: ¥ with thousands
// separators, and 万元 truncated toward zero (as Money::FormatWan does).

export const FEN_PER_YUAN = 100n
export const FEN_PER_WAN = 1_000_000n
/** The largest amount a case may carry (docs/case-schema.md): ¥10,000,000,000,000.00. */
export const INPUT_MAX_FEN = 1_000_000_000_000_000n

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/

/**
 * Parses a decimal string from the API ("1234.5", "-3", "0.07") into fen. Throws on anything
 * else: the server promises this shape, so a mismatch is a bug worth seeing.
 */
export function toFen(amount: string | bigint): bigint {
  if (typeof amount === 'bigint') return amount
  const m = DECIMAL.exec(amount.trim())
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(amount)}`)
  const fen = BigInt(m[2]) * FEN_PER_YUAN + BigInt((m[3] ?? '').padEnd(2, '0') || '0')
  return m[1] ? -fen : fen
}

/** Fen → the API's decimal string with exactly two decimals ("1234.50"). */
export function fenToDecimal(fen: bigint): string {
  const neg = fen < 0n
  const mag = neg ? -fen : fen
  const cents = (mag % FEN_PER_YUAN).toString().padStart(2, '0')
  return `${neg ? '-' : ''}${(mag / FEN_PER_YUAN).toString()}.${cents}`
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** "1234567.89" → "¥1,234,567.89"; negative → "-¥5.00". */
export function formatYuan(amount: string | bigint): string {
  const fen = toFen(amount)
  const neg = fen < 0n
  const mag = neg ? -fen : fen
  const cents = (mag % FEN_PER_YUAN).toString().padStart(2, '0')
  return `${neg ? '-' : ''}¥${groupThousands((mag / FEN_PER_YUAN).toString())}.${cents}`
}

/**
 * "25102.00" → "2.5102万元". Rounding: TRUNCATED toward zero to `decimals` digits of 万元
 * (0–6, default 4), exactly like the server's Money::FormatWan, so what an officer reads here
 * matches the CLI and the reports. With 6 decimals the value is exact (1万元 = 1,000,000 fen).
 */
export function formatWan(amount: string | bigint, decimals = 4, unit = '万元'): string {
  const d = Math.max(0, Math.min(6, Math.trunc(decimals)))
  const fen = toFen(amount)
  const neg = fen < 0n
  const mag = neg ? -fen : fen
  const whole = mag / FEN_PER_WAN
  const scale = 10n ** BigInt(d)
  const frac = (mag % FEN_PER_WAN) / (FEN_PER_WAN / scale)
  const fracText = d > 0 ? '.' + frac.toString().padStart(d, '0') : ''
  const sign = neg && (whole > 0n || frac > 0n) ? '-' : ''
  return `${sign}${groupThousands(whole.toString())}${fracText}${unit}`
}

export type MoneyInputError = 'empty' | 'format' | 'decimals' | 'negative' | 'too_large'

export type MoneyParse =
  | { ok: true; value: string; fen: bigint }
  | { ok: false; error: MoneyInputError }

export interface MoneyInputOptions {
  allowNegative?: boolean
  /** Inclusive upper bound in fen (of the magnitude); default INPUT_MAX_FEN. */
  maxFen?: bigint
}

/**
 * Reads what a person typed into a money field: "1,234.5", "¥ 20000", "２００００" (full-width
 * digits) are accepted; more than two decimals, letters, or a negative (unless allowed) are
 * refused with a reason the form can show. Returns the API's decimal string ("1234.50").
 */
export function parseMoneyInput(input: string, opts: MoneyInputOptions = {}): MoneyParse {
  const s = input
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0E/g, '.')
    .replace(/[\s,\uFF0C]/g, '')
    .replace(/^([-\uFF0D]?)[¥￥]/, '$1')
    .replace(/^\uFF0D/, '-')
  if (s === '') return { ok: false, error: 'empty' }
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(s)
  if (!m) return { ok: false, error: 'format' }
  if (m[3] !== undefined && m[3].length > 2) return { ok: false, error: 'decimals' }
  if (m[1] && !opts.allowNegative) return { ok: false, error: 'negative' }
  const mag = BigInt(m[2]) * FEN_PER_YUAN + BigInt((m[3] ?? '').padEnd(2, '0'))
  if (mag > (opts.maxFen ?? INPUT_MAX_FEN)) return { ok: false, error: 'too_large' }
  const fen = m[1] ? -mag : mag
  return { ok: true, value: fenToDecimal(fen), fen }
}

/** True when `s` is a money decimal string as the API sends it. */
export function isMoneyString(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL.test(s)
}

/** Numeric value in 万元 for charts only (axes need numbers); never use it for amounts shown. */
export function wanForChart(amount: string | bigint): number {
  return Number(formatWan(amount, 6, '').replace(/,/g, ''))
}

/** used / grant as a 0–100 percentage (one decimal), computed in BigInt. */
export function percentOf(part: string | bigint, whole: string | bigint): number {
  const w = toFen(whole)
  if (w <= 0n) return 0
  return Number((toFen(part) * 1000n) / w) / 10
}
