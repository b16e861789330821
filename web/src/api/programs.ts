import { get, post } from './client'
import type { Page, Pool, ProgramDetail, ProgramSummary, Quote, QuoteCase } from './types'

export const listPrograms = () => get<Page<ProgramSummary>>('/programs')
export const getProgram = (id: string) => get<ProgramDetail>(`/programs/${encodeURIComponent(id)}`)
/** A quote moves no money (it is a pure calculation), so it carries no Idempotency-Key. */
export const quote = (id: string, c: QuoteCase) =>
  post<Quote>(`/programs/${encodeURIComponent(id)}/quote`, c)
export const getPool = (id: string) => get<Pool>(`/programs/${encodeURIComponent(id)}/pool`)
