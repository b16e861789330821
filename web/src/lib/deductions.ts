// A voucher's deductions as people read them: a reversed row (corrected by a reversing entry,
// `reversed: true`) stays in the list, tagged, but no longer counts — the voucher got it back.
import type { Deduction } from '@/api/types'
import { fenToDecimal, toFen } from './money'

/** The deductions that still count (not reversed). */
export const liveDeductions = (rows: readonly Deduction[]) => rows.filter((d) => !d.reversed)

/** What the live deductions took from the voucher, to the fen (BigInt), as the API's decimal string. */
export function deductedTotal(rows: readonly Deduction[]): string {
  return fenToDecimal(liveDeductions(rows).reduce((sum, d) => sum + toFen(d.deduction), 0n))
}

/** Element Plus row class: reversed rows are struck through. */
export const deductionRowClass = ({ row }: { row: Deduction }) => (row.reversed ? 'deduction-reversed' : '')
