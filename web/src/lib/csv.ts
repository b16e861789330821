// RFC 4180 CSV as the server reads it (src/core/csv.h), so the subsidy import page counts rows
// and checks their cells exactly as the server will: quoted cells ("成都市科技项目,2024") with
// doubled quotes inside, CRLF or LF line ends, a UTF-8 BOM at the start dropped, empty lines
// skipped. A malformed file is refused on the line the server would name.

export interface CsvRecord {
  /** The 1-based line the record starts on (a quoted cell may run over several). */
  line: number
  cells: string[]
}

export type CsvError = { line: number; reason: 'unclosedQuote' | 'quoteInCell' | 'textAfterQuote' | 'strayCr' }
export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; error: CsvError }

export function parseCsv(input: string): CsvResult {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  const records: CsvRecord[] = []
  let i = 0
  let line = 1
  const fail = (reason: CsvError['reason'], at: number): CsvResult => ({ ok: false, error: { line: at, reason } })
  while (i < text.length) {
    if (text[i] === '\n') { i += 1; line += 1; continue }
    if (text.startsWith('\r\n', i)) { i += 2; line += 1; continue }
    const record: CsvRecord = { line, cells: [] }
    for (;;) {
      let cell = ''
      if (text[i] === '"') {
        const openedOn = line
        i += 1
        for (;;) {
          if (i >= text.length) return fail('unclosedQuote', openedOn)
          const c = text[i++]
          if (c === '"') {
            if (text[i] === '"') { cell += '"'; i += 1; continue }
            break
          }
          if (c === '\n') line += 1
          cell += c
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') return fail('quoteInCell', line)
          cell += text[i++]
        }
      }
      record.cells.push(cell)
      if (i >= text.length) break
      if (text[i] === ',') { i += 1; continue }
      if (text[i] === '\n' || text.startsWith('\r\n', i)) {
        i += text[i] === '\n' ? 1 : 2
        line += 1
        break
      }
      return fail(text[i] === '\r' ? 'strayCr' : 'textAfterQuote', line)
    }
    records.push(record)
  }
  return { ok: true, records }
}
