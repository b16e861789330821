// The shapes of /api/v1 as planned (docs/console.md lists the endpoints). Money is always a
// decimal string in CNY; times are ISO 8601 strings with an offset. Only src/api/ knows these
// paths, so a change in the API is a change here.

export type Money = string
export type Instant = string

export type Role = 'admin' | 'officer' | 'expert' | 'provider' | 'applicant' | 'auditor'
export const ROLES: readonly Role[] = ['admin', 'officer', 'expert', 'provider', 'applicant', 'auditor']

/** The signed-in user as GET/POST /session answer it (ids are integers, as everywhere). */
export interface User {
  id: number
  username: string
  display_name: string
  roles: Role[]
  org_id?: number | null
  provider_id?: number | null
  /** An organisation's admin (the account that registered it, or one it passed the role to): lists, invites and disables its members. */
  org_admin?: boolean
}

export interface Session {
  user: User
  csrf_token: string
  expires_at?: Instant
  /**
   * Someone else set this password (an admin's reset or new account, an invitation): until the
   * user changes it (POST /session/password) every other route answers 403 on
   * `must_change_password`, and the console opens the change-password dialog, which cannot be
   * dismissed.
   */
  must_change_password?: boolean
}

export interface ProgramSummary {
  id: string
  name: string
  year: number
  region: string
  city?: string
  mode?: string
  pool_per_year?: Money | null
}

export interface ProgramClause {
  section: string
  clause: string
  text: string
}

/** One version of a program's file the platform has run with (GET /programs/{id}/versions). */
export interface ProgramVersion {
  version: number
  sha256: string
  loaded_at: Instant
  vouchers_issued: number
  in_force: boolean
}

export interface ProgramVersionText {
  program_id: string
  version: number
  /** The TOML file as loaded. */
  text: string
}

export interface ProgramDetail {
  id: string
  name: string
  /** voucher_deduction | reimbursement | post_use_subsidy | apply_then_redeem | experience_draw */
  mode?: string
  text: ProgramClause[]
}

export interface Page<T> {
  items: T[]
  /** The last id on this page, to send back as `after` (`after_seq` for the audit log); null on the last page. */
  next_cursor?: string | number | null
}

// ---- Quote: the case (docs/case-schema.md) and the answer (src/policy/quote_json.cc) ----

export type OrgType =
  | 'enterprise' | 'research_institute' | 'university' | 'compute_intermediary' | 'maker' | 'individual'
export const ORG_TYPES: readonly OrgType[] = [
  'enterprise', 'research_institute', 'university', 'compute_intermediary', 'maker', 'individual',
]
export type ResourceClass =
  | 'compute' | 'intelligent_compute' | 'supercompute' | 'storage' | 'network' | 'security' | 'tech_support'
export const RESOURCE_CLASSES: readonly ResourceClass[] = [
  'compute', 'intelligent_compute', 'supercompute', 'storage', 'network', 'security', 'tech_support',
]

export interface QuoteCase {
  as_of: Instant
  organisation: {
    name?: string
    uscc?: string
    type: OrgType
    region?: string
    prior_year_revenue?: Money
    industry?: string
    classes?: string[]
    related_parties?: string[]
  }
  provider: { name: string; uscc?: string; tags?: string[]; related_parties?: string[] }
  contract: {
    id: string
    fee: Money
    signed_on: string
    start?: string
    end?: string
    resource_class: ResourceClass
    chip_origin?: 'domestic' | 'imported'
    use_case?: string
    paid?: Money
    settled?: Money
    approved_rate?: string
  }
  history?: {
    org_granted_this_year?: Money
    org_granted_cumulative?: Money
    contract_already_applied?: boolean
    pool_remaining?: Money
  }
  other_subsidies?: string[]
  settlements?: { bill: Money; on?: string }[]
}

export interface QuoteReason {
  code: string
  result: 'ok' | 'failed'
  message: string
  clause: string
}

export interface QuoteStep {
  name: string
  detail: string
  value: string
  clause: string
}

export interface QuoteDeduction {
  index: number
  bill: Money
  deducted: Money
  customer_pays: Money
  invoiced: Money
  remaining: Money
  note: string
}

export interface QuoteAssumption {
  rule: string
  note: string
  clause: string
}

export interface Quote {
  program: string
  eligible: boolean
  amount: Money
  amount_display: string
  unit: string
  tier: string
  reasons: QuoteReason[]
  steps: QuoteStep[]
  deductions: QuoteDeduction[]
  expires_at: Instant | null
  validity?: string
  assumptions: QuoteAssumption[]
}

// ---- Vouchers, pool, audit ----

export type VoucherStatus = 'active' | 'exhausted' | 'expired' | 'revoked' | string

export interface Voucher {
  id: string
  org_id: string
  org_name: string
  program_id: string
  grant: Money
  used: Money
  remaining: Money
  expires_at: Instant
  status: VoucherStatus
  /**
   * Who turns it into money: the provider deducts it from bills at settlement (Chengdu), or the
   * organisation redeems it (兑付) with an invoice and a delivery proof after paying the provider
   * (apply_then_redeem: Beijing, Hangzhou). Absent from servers before redemptions: the provider.
   */
  redeemed_by?: 'provider' | 'organisation'
  /** What submitted redemptions hold (already out of `remaining`, not yet in `used`). */
  held?: Money
  /**
   * The share of money it pays, as an exact decimal fraction ("0.20"): of each invoice the
   * organisation redeems (the tier's rate), or of each bill the provider settles (the program's
   * deduction share). Null when the program no longer states it; absent from older servers.
   * Never read as a number: lib/redemption.ts parses it into BigInts.
   */
  rate?: string | null
  /**
   * Its terms, fixed at issue (docs/workflow.md §A voucher's terms): how `rate` × amount is
   * rounded ("down_fen") and the version of its program's file it was issued under. Null for an
   * old voucher without terms; absent from older servers.
   */
  rounding?: string | null
  program_version?: number | null
}

/** A settlement on a voucher (GET /vouchers/{id}/deductions; src/api/views.cc View(SettlementRow)). */
export interface Deduction {
  id: number
  voucher_id: number
  at: Instant
  bill_no: string
  bill_amount: Money
  deduction: Money
  customer_pays: Money
  provider_id: number
  /** Corrected by a reversing entry: the voucher got the deduction back; it no longer counts. */
  reversed: boolean
}

export interface Pool {
  /**
   * False for a program that states no yearly pool (Beijing, Yangzhou): its grants are drawn
   * from the funder and what fraud findings claw back or recover goes back there, so `funded`
   * and `remaining` are null and `series` empty. Absent from older servers (they had a pool
   * figure for every program).
   */
  has_pool?: boolean
  funded: Money | null
  issued: Money
  used: Money
  redeemed: Money
  lapsed: Money
  clawed_back: Money
  /** Fraud recoveries repaid (into the pool, in remaining; or to the funder) and still owed. */
  recovery_repaid: Money
  recovery_outstanding: Money
  remaining: Money | null
  series: { date: string; remaining: Money }[]
}

export interface AuditEntry {
  seq: number
  at: Instant
  actor: string
  action: string
  object: string
  detail: string | Record<string, unknown>
  hash: string
}

export interface AuditFilter {
  after_seq?: number | string
  actor?: string
  action?: string
}

export interface AuditVerify {
  ok: boolean
  entries_checked: number
  problems: (string | Record<string, unknown>)[]
}
/** POST /audit/reconcile: every ledger transfer against the platform's records, and the records
 *  against the audit log. */
export interface AuditReconcile {
  ok: boolean
  transfers_checked: number
  settlements_checked: number
  moves_checked: number
  audit_entries_checked: number
  /** Records (organisations, documents, contracts, applications, vouchers, awards, redemptions,
   *  claims, payout batches, fraud findings, related parties, subsidies, users, API keys)
   *  compared with their last state on the audit log. */
  records_checked: number
  moves_waiting: number
  differences_total: number
  differences: string[]
  /** Settlements whose row start-up rebuilt from the ledger alone: to check against the provider's bills. */
  rebuilt_settlements_total: number
  rebuilt_settlements: number[]
}
