// Experience vouchers by weekly draw (experience_draw programs: Nanjing; docs/api.md "Experience
// draws"): an officer opens a week's draw and runs it, an applicant enters its organisation.
// The seed is a decimal string (64 bits: a JavaScript number would lose its low digits).
import { get, post } from './client'
import { fetchAll, PAGE_MAX, type Cursor } from './paging'
import type { Page } from './types'

/** A winner: its experience voucher, in draw order (rank 1 first). */
export interface DrawWinner {
  voucher_id: number
  org_id: number
  org_name: string
  rank: number
  hours: number
}

export interface Draw {
  id: number
  program_id: string
  /** The CST Monday the week starts, and its Sunday. */
  week: string
  week_end: string
  status: 'open' | 'drawn'
  /** SHA-256 of the seed's decimal digits, published when the draw opened. */
  seed_sha256: string
  /** Revealed once drawn. */
  seed: string | null
  entrants: number
  entrants_sha256: string | null
  total_hours: number | null
  shortfall_hours: number | null
  program_version: number | null
  opened_at: string
  drawn_at: string | null
  /** For an applicant: whether its organisation entered, and what it won (null otherwise). */
  entered: boolean | null
  own_voucher: DrawWinner | null
  /** One draw (GET /draws/{id}, the run's answer); absent from the list. */
  winners?: DrawWinner[]
}

export interface ExperienceVoucher {
  id: number
  draw_id: number
  program_id: string
  week: string
  org_id: number
  org_name: string
  rank: number
  hours: number
  issued_at: string
  status: 'issued' | 'active' | 'used_up' | 'expired'
  /** The exclusive end of its last day (24:00 CST) and that day; null: no validity stated. */
  expires_at: string | null
  last_day: string | null
  /** The one-time Slurm account once activated (null before). */
  center_id: number | null
  center: string | null
  account: string | null
  activated_at: string | null
  /** Card-hours as decimal strings with two decimals ("12.50"), from metered usage. */
  used_card_seconds: number
  hours_used: string
  hours_remaining: string
  ended_at: string | null
  account_closed_at: string | null
}

const programPath = (programId: string) => `/programs/${encodeURIComponent(programId)}/draws`

/** Every draw of the program (oldest first). */
export const listAllDraws = (programId: string) =>
  fetchAll((after?: Cursor) => get<Page<Draw>>(programPath(programId), { after, limit: PAGE_MAX }))
export const getDraw = (id: number) => get<Draw>(`/draws/${id}`)
/** The officer opens the week starting on Monday `week` (YYYY-MM-DD). */
export const openDraw = (programId: string, week: string) => post<Draw>(programPath(programId), { week })
/** The applicant enters its own organisation. */
export const enterDraw = (id: number) => post<Draw>(`/draws/${id}/entries`, {})
/**
 * The officer runs the draw. It issues vouchers, so it carries an Idempotency-Key as the
 * money-moving steps do: one per intent (lib/intentKeys.ts), so a retry after a lost answer gets
 * the first answer instead of the 409 of a draw already run.
 */
export const runDraw = (id: number, idempotencyKey: string) =>
  post<Draw>(`/draws/${id}/run`, {}, { idempotencyKey })
/** The entrant file a run draw read, for `suanli draw --entrants` (a link, not a fetch). */
export const entrantsFileUrl = (id: number) => `/api/v1/draws/${id}/entrants.txt`
/** Every experience voucher the user may see (an applicant: its own). */
export const listAllExperienceVouchers = () =>
  fetchAll((after?: Cursor) => get<Page<ExperienceVoucher>>('/experience-vouchers', { after, limit: PAGE_MAX }))
/** The winner's applicant activates its issued voucher: a one-time account is opened for it. */
export const activateExperienceVoucher = (id: number) =>
  post<ExperienceVoucher>(`/experience-vouchers/${id}/activate`, {})
