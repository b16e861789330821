// What a redemption will be paid, previewed while the applicant types the invoiced amount: the
// server's rule (src/workflow/redemptions.cc) — the voucher's rate × invoiced, ROUNDED DOWN to
// the fen, at most what the voucher has left — in BigInt fen. The rate is the voucher view's
// decimal fraction ("0.20"), read as an exact fraction of BigInts: never a JavaScript number,
// so no binary rounding can put the preview a fen off the server's answer.
import { parseMoneyInput, toFen } from './money'

/** An exact rate: num / den, both ≥ 0, den a power of ten. */
export interface RateFraction { num: bigint; den: bigint }

const RATE_DECIMAL = /^(\d+)(?:\.(\d+))?$/

/**
 * "0.20" → 20/100, "0.125" → 125/1000, "1" → 1/1; null for anything else (an older server
 * sends no rate, a program may state none). Not through toFen: a rate may have more than the
 * two decimals money has (12.5 % is "0.125").
 */
export function parseRate(decimal: string | null | undefined): RateFraction | null {
  const m = typeof decimal === 'string' ? RATE_DECIMAL.exec(decimal) : null
  if (!m) return null
  const frac = m[2] ?? ''
  return { num: BigInt(m[1] + frac), den: 10n ** BigInt(frac.length) }
}

/** "0.20" → "20%", "0.125" → "12.5%" (exact: the decimal point moved two places). */
export function ratePercent(rate: RateFraction): string {
  const scaled = rate.num * 100n
  const whole = scaled / rate.den
  let rest = scaled % rate.den
  let digits = ''
  // Long division; den is a power of ten, so the remainder runs out within its digits.
  while (rest !== 0n) {
    digits += ((rest * 10n) / rate.den).toString()
    rest = (rest * 10n) % rate.den
  }
  return `${whole}${digits ? '.' + digits : ''}%`
}

/** A rate as the API gives it ("0.20") shown as a percentage ("20%"); "—" when there is none. */
export function rateLabel(decimal: string | null | undefined): string {
  const rate = parseRate(decimal)
  return rate ? ratePercent(rate) : '—'
}

/** floor(rate × fen) for fen ≥ 0: BigInt division truncates, which is the floor here. */
export const shareDownToFen = (fen: bigint, rate: RateFraction): bigint => (fen * rate.num) / rate.den

export type RedeemPreview =
  /** Nothing to preview: no valid positive amount typed, or no rate known. */
  | { kind: 'none' }
  /** rate × invoiced is under a fen: the server refuses it (422 on invoiced). */
  | { kind: 'too_small'; rate: RateFraction }
  /** The voucher has nothing left: the server refuses (409). */
  | { kind: 'nothing_left' }
  /** `fen` is what the server will hold; `shareFen` the rate's share before the cap. */
  | { kind: 'amount'; fen: bigint; shareFen: bigint; capped: boolean; rate: RateFraction }

export function previewRedemption(invoicedInput: string, rateDecimal: string | null | undefined, remaining: string): RedeemPreview {
  const rate = parseRate(rateDecimal)
  const invoiced = parseMoneyInput(invoicedInput)
  if (!rate || !invoiced.ok || invoiced.fen <= 0n) return { kind: 'none' }
  const shareFen = shareDownToFen(invoiced.fen, rate)
  if (shareFen === 0n) return { kind: 'too_small', rate }
  const left = toFen(remaining)
  if (left <= 0n) return { kind: 'nothing_left' }
  const fen = shareFen < left ? shareFen : left
  return { kind: 'amount', fen, shareFen, capped: fen < shareFen, rate }
}
