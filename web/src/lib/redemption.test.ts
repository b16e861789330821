// The redemption preview is the server's rule in BigInt fen: floor(rate × invoiced), at most
// what is left (src/workflow/redemptions.cc; its C++ test uses the same Beijing figures).
import { describe, expect, it } from 'vitest'
import { parseRate, previewRedemption, ratePercent, rateLabel, shareDownToFen } from './redemption'

describe('parseRate / ratePercent', () => {
  it('reads the voucher view’s decimal fraction exactly', () => {
    expect(parseRate('0.20')).toEqual({ num: 20n, den: 100n })
    expect(parseRate('0.125')).toEqual({ num: 125n, den: 1000n })
    expect(parseRate('1')).toEqual({ num: 1n, den: 1n })
    for (const bad of [null, undefined, '', '20%', '-0.2', '.2', '0,2', '0.2.0', '1e-1']) expect(parseRate(bad)).toBeNull()
    expect(ratePercent(parseRate('0.20')!)).toBe('20%')
    expect(rateLabel('0.125')).toBe('12.5%')
    expect(rateLabel(null)).toBe('—')
    expect(rateLabel('20%')).toBe('—')
    expect(ratePercent(parseRate('0.30')!)).toBe('30%')
    expect(ratePercent(parseRate('0.125')!)).toBe('12.5%')
    expect(ratePercent(parseRate('0.001')!)).toBe('0.1%')
    expect(ratePercent(parseRate('1.00')!)).toBe('100%')
  })

  it('rounds the share down to the fen, with no binary floating point anywhere', () => {
    // 0.35 × 0.20 = 0.07 exactly; as floats Math.floor(0.35 * 0.2 * 100) is 6 (0.06).
    expect(shareDownToFen(35n, parseRate('0.20')!)).toBe(7n)
    expect(shareDownToFen(29n, parseRate('0.20')!)).toBe(5n)  // 0.058 → 0.05
    // 12.5 % of 0.07 = 0.00875 → 0.00.
    expect(shareDownToFen(7n, parseRate('0.125')!)).toBe(0n)
    // Beyond 2^53 fen every digit is kept: 20 % of ¥10,000,000,000,000.03.
    expect(shareDownToFen(1_000_000_000_000_003n, parseRate('0.20')!)).toBe(200_000_000_000_000n)
  })
})

describe('previewRedemption: Beijing 20 %, 200,000.00 left', () => {
  const preview = (invoiced: string, remaining = '200000.00', rate: string | null = '0.20') => previewRedemption(invoiced, rate, remaining)

  it('600,000.00 invoiced → 120,000.00, as the server holds', () => {
    expect(preview('600,000.00')).toEqual({ kind: 'amount', fen: 12_000_000n, shareFen: 12_000_000n, capped: false, rate: { num: 20n, den: 100n } })
  })

  it('0.04 invoiced → 0.008, under a fen: too small (the server refuses it, 422)', () => {
    expect(preview('0.04')).toEqual({ kind: 'too_small', rate: { num: 20n, den: 100n } })
    expect(preview('0.05')).toMatchObject({ kind: 'amount', fen: 1n })
  })

  it('above what is left: capped at the remaining balance', () => {
    expect(preview('600000', '80000.00')).toEqual({ kind: 'amount', fen: 8_000_000n, shareFen: 12_000_000n, capped: true, rate: { num: 20n, den: 100n } })
    expect(preview('400000', '80000.00')).toMatchObject({ kind: 'amount', fen: 8_000_000n, capped: false })
    expect(preview('100', '0.00')).toEqual({ kind: 'nothing_left' })
  })

  it('nothing until a valid positive amount is typed, nor without a rate', () => {
    for (const typed of ['', '  ', 'abc', '1.234', '-5', '0', '0.00']) expect(preview(typed)).toEqual({ kind: 'none' })
    expect(preview('600000', '200000.00', null)).toEqual({ kind: 'none' })
  })
})
