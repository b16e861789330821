import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv'

const records = (text: string) => {
  const r = parseCsv(text)
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.error)}`)
  return r.records
}

describe('parseCsv (as src/core/csv.h reads it)', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, numbering lines as the server does', () => {
    const rs = records('h1,h2\n"成都市科技项目,2024","某""算力""公司"\n"two\nlines",x\nlast,""')
    expect(rs.map((r) => r.cells)).toEqual([['h1', 'h2'], ['成都市科技项目,2024', '某"算力"公司'], ['two\nlines', 'x'], ['last', '']])
    expect(rs.map((r) => r.line)).toEqual([1, 2, 3, 5])
  })

  it('drops a leading BOM, takes CRLF and skips empty lines', () => {
    const rs = records('\uFEFFuscc,scheme\r\n\r\na,b\r\n\n,\r\n')
    expect(rs.map((r) => r.cells)).toEqual([['uscc', 'scheme'], ['a', 'b'], ['', '']])
    expect(rs.map((r) => r.line)).toEqual([1, 3, 5])
    expect(records('')).toEqual([])
    expect(records('\uFEFF')).toEqual([])
  })

  it('refuses an unterminated quote on the line it opened on, and other malformed quotes on their line', () => {
    expect(parseCsv('h\nok\n"open,\nstill open')).toEqual({ ok: false, error: { line: 3, reason: 'unclosedQuote' } })
    expect(parseCsv('h\n"a"b,c')).toEqual({ ok: false, error: { line: 2, reason: 'textAfterQuote' } })
    expect(parseCsv('h\nx\nab"c')).toEqual({ ok: false, error: { line: 3, reason: 'quoteInCell' } })
    expect(parseCsv('h\na\rb')).toEqual({ ok: false, error: { line: 2, reason: 'strayCr' } })
  })
})
