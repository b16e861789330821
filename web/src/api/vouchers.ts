import { get } from './client'
import type { Deduction, Page, Voucher } from './types'

export const listVouchers = (cursor?: string) => get<Page<Voucher>>('/vouchers', { cursor })
export const getVoucher = (id: string) => get<Voucher>(`/vouchers/${encodeURIComponent(id)}`)
export const listDeductions = (id: string) =>
  get<Page<Deduction>>(`/vouchers/${encodeURIComponent(id)}/deductions`)
