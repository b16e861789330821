import { describe, expect, it } from 'vitest'
import { fenToDecimal, formatWan, formatYuan, parseMoneyInput, percentOf, toFen } from './money'

describe('formatYuan', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatYuan('1234567.89')).toBe('¥1,234,567.89')
    expect(formatYuan('0')).toBe('¥0.00')
    expect(formatYuan('20000.5')).toBe('¥20,000.50')
    expect(formatYuan('999')).toBe('¥999.00')
    expect(formatYuan('-5')).toBe('-¥5.00')
  })
  it('keeps every digit beyond 2^53 fen (BigInt, never a float)', () => {
    // 2^53 fen = 90,071,992,547,409.92 yuan; one fen more is not representable as a double.
    expect(formatYuan('90071992547409.93')).toBe('¥90,071,992,547,409.93')
    // The largest int64 count of fen, the server's own limit.
    expect(formatYuan('92233720368547758.07')).toBe('¥92,233,720,368,547,758.07')
    expect(toFen('92233720368547758.07')).toBe(9223372036854775807n)
  })
  it('refuses what is not a decimal amount', () => {
    expect(() => formatYuan('1e5')).toThrow()
    expect(() => formatYuan('12.345')).toThrow()
  })
})

describe('formatWan (truncated toward zero, like Money::FormatWan)', () => {
  it('shows 4 decimals of 万元 by default', () => {
    expect(formatWan('25102.00')).toBe('2.5102万元')
    expect(formatWan('10000000.00')).toBe('1,000.0000万元')
    expect(formatWan('0')).toBe('0.0000万元')
  })
  it('truncates, never rounds up', () => {
    expect(formatWan('12345.99')).toBe('1.2345万元') // 1.234599 → 1.2345
    expect(formatWan('99999.99', 2)).toBe('9.99万元')
    expect(formatWan('-12345.99')).toBe('-1.2345万元')
    expect(formatWan('-0.01')).toBe('0.0000万元')
  })
  it('is exact at 6 decimals and beyond 2^53 fen', () => {
    expect(formatWan('0.01', 6)).toBe('0.000001万元')
    expect(formatWan('92233720368547758.07', 6)).toBe('9,223,372,036,854.775807万元')
  })
})

describe('parseMoneyInput', () => {
  it('accepts what people type and returns the API decimal string', () => {
    expect(parseMoneyInput('20000')).toEqual({ ok: true, value: '20000.00', fen: 2000000n })
    expect(parseMoneyInput(' 1,234.5 ')).toMatchObject({ ok: true, value: '1234.50' })
    expect(parseMoneyInput('¥20,000.00')).toMatchObject({ ok: true, value: '20000.00' })
    expect(parseMoneyInput('２００００．５')).toMatchObject({ ok: true, value: '20000.50' })
    expect(parseMoneyInput('12.')).toMatchObject({ ok: true, value: '12.00' })
  })
  it('refuses with a reason', () => {
    expect(parseMoneyInput('')).toEqual({ ok: false, error: 'empty' })
    expect(parseMoneyInput('abc')).toEqual({ ok: false, error: 'format' })
    expect(parseMoneyInput('1e5')).toEqual({ ok: false, error: 'format' })
    expect(parseMoneyInput('0.001')).toEqual({ ok: false, error: 'decimals' })
    expect(parseMoneyInput('-5')).toEqual({ ok: false, error: 'negative' })
    expect(parseMoneyInput('10000000000000.01')).toEqual({ ok: false, error: 'too_large' })
  })
  it('allows negatives only when asked', () => {
    expect(parseMoneyInput('-5.5', { allowNegative: true })).toEqual({ ok: true, value: '-5.50', fen: -550n })
  })
  it('parses beyond 2^53 fen without loss when the limit allows', () => {
    const r = parseMoneyInput('90071992547409.93', { maxFen: 2n ** 63n - 1n })
    expect(r).toEqual({ ok: true, value: '90071992547409.93', fen: 9007199254740993n })
  })
})

describe('helpers', () => {
  it('round-trips fen and decimal strings', () => {
    expect(fenToDecimal(toFen('0.07'))).toBe('0.07')
    expect(fenToDecimal(-1n)).toBe('-0.01')
  })
  it('computes a usage percentage in BigInt', () => {
    expect(percentOf('4000.00', '10000.00')).toBe(40)
    expect(percentOf('1', '3')).toBe(33.3)
    expect(percentOf('1', '0')).toBe(0)
  })
})
