import { get, post } from './client'
import type {
  Page, Pool, ProgramDetail, ProgramSummary, ProgramVersion, ProgramVersionText, Quote, QuoteCase,
} from './types'

export const listPrograms = () => get<Page<ProgramSummary>>('/programs')
export const getProgram = (id: string) => get<ProgramDetail>(`/programs/${encodeURIComponent(id)}`)
/** Every version of the program's file the platform ran with, oldest first; the last is in force. */
export const listProgramVersions = (id: string) =>
  get<{ items: ProgramVersion[] }>(`/programs/${encodeURIComponent(id)}/versions`)
export const getProgramVersion = (id: string, version: number) =>
  get<ProgramVersionText>(`/programs/${encodeURIComponent(id)}/versions/${version}`)
/** A quote moves no money (it is a pure calculation), so it carries no Idempotency-Key. */
export const quote = (id: string, c: QuoteCase) =>
  post<Quote>(`/programs/${encodeURIComponent(id)}/quote`, c)
export const getPool = (id: string) => get<Pool>(`/programs/${encodeURIComponent(id)}/pool`)
