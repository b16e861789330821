import { get, post } from './client'
import { fetchAll, PAGE_MAX, type Cursor } from './paging'
import type { Deduction, Page, Voucher } from './types'

/** One page of vouchers after the id `after` (the server's default page is 50). */
export const listVouchers = (after?: Cursor) => get<Page<Voucher>>('/vouchers', { after })
/** Every voucher the user may see (pickers): follows next_cursor to the last page. */
export const listAllVouchers = () => fetchAll((after) => get<Page<Voucher>>('/vouchers', { after, limit: PAGE_MAX }))
export const getVoucher = (id: string) => get<Voucher>(`/vouchers/${encodeURIComponent(id)}`)
export const listDeductions = (id: string) =>
  get<Page<Deduction>>(`/vouchers/${encodeURIComponent(id)}/deductions`)

/**
 * Corrects a settlement with a reversing entry (provider: its own; officer: any): the voucher
 * gets the deduction back. Money-moving: one Idempotency-Key per intent (lib/intentKeys.ts).
 * Refused 409 state_conflict on settlement_id when already reversed, already in a claim, or
 * the voucher is closed; 422 on reason when it is empty.
 */
export const reverseSettlement = (id: number, reason: string, idempotencyKey: string) =>
  post<Deduction>(`/settlements/${encodeURIComponent(String(id))}/reversal`, { reason }, { idempotencyKey })
