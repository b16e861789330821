// The workflow part of /api/v1 as the server answers it (docs/api.md; shapes taken from
// `suanli serve`): organisations and their qualification documents, related parties,
// contracts, applications, awards, vouchers' redemptions, settlements, claims with materials,
// panels and opinions, payout batches, reports, enforcement, notices, users and providers. Ids
// are integers.
import { del, get, patch, post, request, upload, type UploadProgress } from './client'
import { fetchAll, PAGE_MAX } from './paging'
import type { Instant, Money, Page, Role, User } from './types'

export type Id = number

export interface Org {
  id: Id
  uscc: string
  name: string
  type: string
  region: string
  industry: string
  legal_rep_name: string
  /** Always masked by the server (510107********1230). */
  legal_rep_id: string
  prior_year_revenue: Money | null
  credit_status: string
  blacklisted: boolean
  qualification: 'none' | 'submitted' | 'approved' | 'rejected' | string
  created_at: Instant
  qualified_until: string | null
  banned_until: string | null
  /**
   * Classes an officer recorded that a program's tiers or caps ask about (name order); absent
   * from older servers (read as none). major_project_lead also shows here when the server
   * derives it, but it is not recorded by hand.
   */
  classes?: string[]
}

/** The organisation classes an officer may record (POST /orgs/{id}/classes). */
export const ORG_CLASSES = ['newly_settled_ai_firm', 'foundation_model_firm'] as const

export interface NewOrg {
  uscc: string
  name: string
  type: string
  region: string
  industry: string
  legal_rep_name: string
  legal_rep_id: string
  prior_year_revenue?: Money
  admin_username: string
  admin_password: string
  admin_display_name?: string
}

export interface Doc {
  id: Id
  owner: string
  kind: string
  sha256: string
  media_type: string
  filename: string
  status: 'pending' | 'approved' | 'rejected' | string
  reason: string
  size_bytes: number
  uploaded_at: Instant
}

export const QUALIFICATION_KINDS = [
  'business_licence', 'legal_rep_id_scan', 'authenticity_pledge', 'no_violation_pledge', 'credit_report', 'audit_report',
] as const
export const CLAIM_MATERIAL_KINDS = [
  'application_form', 'summary_table', 'qualification', 'contract', 'invoice', 'proof_of_service',
] as const

export interface RelatedParty { id: Id; owner: string; relation: string; party: string }
/** A declaration in GET /related-parties/all: with its owner's name (null when gone) and when it was declared. */
export interface DeclaredParty extends RelatedParty { owner_name: string | null; declared_at: Instant }

/** A row of the register of other subsidies (GET /subsidies). */
export interface Subsidy {
  id: Id
  uscc: string
  /** The registered organisation with this USCC, if any. */
  org_id: Id | null
  org_name: string | null
  scheme: string
  reference: string
  amount: Money
  year: number
  /** The import the row last came from; null for rows imported before imports were recorded. */
  import_id: Id | null
  imported_at: Instant | null
  imported_by: string | null
}
export interface SubsidyQuery { uscc?: string; year?: string; org_id?: Id; after?: Id }
export const RELATIONS = ['shareholder', 'legal_representative', 'affiliate', 'conflict_of_interest'] as const

export interface Provider { id: Id; name: string; uscc: string; region: string; tags?: string[] }
/** A program's provider list (GET /provider-lists): the tag and the programs that ask for it. */
export interface ProviderList { tag: string; programs: { id: string; name: string }[] }

export interface Contract {
  id: Id
  org_id: Id
  provider_id: Id
  contract_no: string
  amount: Money
  signed_on: string
  start_on: string
  end_on: string
  resource_class: string
  project_name: string
  project_level: string
  evidence_document_id: Id | null
  /** Where the compute's chips come from ("" not stated); absent from older servers. */
  chip_origin?: '' | (typeof CHIP_ORIGINS)[number] | string
  /** MaaS or agent development on a filed (备案) generative foundation model; absent from older servers. */
  uses_filed_model?: boolean
  /** What the organisation recorded paying on it (the sum of its payments). */
  paid?: Money
  created_at: Instant
}
/** A payment the organisation made on a contract, proved by a payment_receipt document. */
export interface ContractPayment { id: Id; contract_id: Id; org_id: Id; amount: Money; paid_on: string; document_id: Id; recorded_at: Instant }
/** What a reimbursement or post-use program owes an organisation once approved (no voucher). */
export interface Award {
  id: Id
  application_id: Id
  org_id: Id
  org_name: string
  program_id: string
  contract_id: Id
  contract_no: string
  amount: Money
  status: 'awarded' | 'paid' | 'withdrawn' | string
  bank_reference: string | null
  awarded_at: Instant
  paid_at: Instant | null
}
/**
 * A voucher's redemption (兑付) in an apply_then_redeem program: the organisation paid the
 * provider and asks for floor(rate × invoiced), at most what the voucher has left. Submitting
 * holds the amount on the voucher; an officer pays it by bank transfer or refuses it (the hold
 * goes back).
 */
export interface Redemption {
  id: Id
  voucher_id: Id
  org_id: Id
  org_name: string
  program_id: string
  contract_no: string
  invoice_no: string
  invoiced: Money
  /** The tier's rate as a decimal fraction ("0.20"), as the voucher's; shown with rateLabel ("20%"). */
  rate: string
  amount: Money
  invoice_document_id: Id
  proof_document_id: Id
  status: 'submitted' | 'paid' | 'refused' | string
  reasons: string
  bank_reference: string
  submitted_at: Instant
  decided_at: Instant | null
}
/** POST /vouchers/{id}/redemptions's answer: `duplicate` when an earlier request recorded it (200, not 201). */
export interface RedemptionSubmitted extends Redemption { duplicate?: boolean }
export const REDEMPTION_STATUSES = ['submitted', 'paid', 'refused'] as const
export interface NewRedemption { invoice_no: string; invoiced: Money; invoice_document_id: Id; proof_document_id: Id }
export interface RedemptionQuery { status?: string; voucher_id?: Id; after?: Id }
/** Program modes whose approval makes an award instead of a voucher (docs/workflow.md). */
export const AWARD_MODES = ['reimbursement', 'post_use_subsidy']
export interface NewContract {
  org_id: Id
  provider_id: Id
  contract_no: string
  amount: Money
  signed_on: string
  start_on: string
  end_on: string
  resource_class: string
  /** A major project: its name, its level and a project_evidence document of the organisation. */
  project_name?: string
  project_level?: (typeof PROJECT_LEVELS)[number]
  evidence_document_id?: Id
  /** Sent only when stated (omitted = ""), so an older server is not sent a field it does not know. */
  chip_origin?: (typeof CHIP_ORIGINS)[number]
  /** Sent only when true (omitted = false), for the same reason. */
  uses_filed_model?: true
}
export const CHIP_ORIGINS = ['domestic', 'imported'] as const
export const PROJECT_LEVELS = ['provincial', 'national'] as const

export interface Application {
  id: Id
  org_id: Id
  program_id: string
  contract_id: Id
  status: 'submitted' | 'approved' | 'refused' | 'waitlisted' | string
  quoted: Money
  granted: Money | null
  reasons: string
  created_at: Instant
  voucher_id: Id | null
  /** Set instead of voucher_id when the program pays awards (reimbursement, post-use). */
  award_id?: Id | null
}

export interface SettlementResult {
  id: Id
  voucher_id: Id
  bill_no: string
  bill_amount: Money
  deduction: Money
  customer_pays: Money
  invoiced: Money
  voucher_remaining: Money
  at: Instant
  duplicate: boolean
}

export interface Opinion { expert_id: Id; decision: string; approved_amount: Money; comment: string }
export interface Claim {
  id: Id
  provider_id: Id
  program_id: string
  period: string
  status: 'draft' | 'submitted' | 'under_review' | 'approved' | 'partly_approved' | 'refused' | 'paid' | string
  claimed: Money
  approved: Money | null
  decision_reason: string
  settlements: number
  panel: Id[]
  opinions: Opinion[]
  payout_batch_id: Id | null
}

export interface PayoutBatch {
  id: Id
  program_id: string
  quarter: string
  total: Money
  lines: { claim_id: Id; provider_id: Id; provider_name: string; provider_uscc: string; period: string; amount: Money }[]
}

export interface ReportRow { group: string; issued: Money; used: Money; redeemed: Money; lapsed: Money }
export interface Report { by: string; items: ReportRow[] }

export interface Notice {
  id: Id
  kind: string
  object: string
  text_zh: string
  text_en: string
  created_at: Instant
  read: boolean
}

export interface EnforcementResult {
  id: Id
  org_id: Id
  org_name?: string
  program_id: string
  finding: string
  voucher_clawed_back: Money
  used_to_recover: Money
  repaid: Money
  outstanding: Money
  banned_until: string
  at: Instant
  /** The finding's clawbacks are not yet tallied (a stop came between its two steps); recording
   * the same finding again, or the server's next start, finishes it. */
  tally_pending?: boolean
}

const enc = encodeURIComponent
/**
 * The whole of a paged list (GET /orgs, /contracts, /applications, /claims page by `after`,
 * 50 rows by default): every page, following next_cursor. The other lists are sent whole.
 */
const all = <T>(path: string, query: Record<string, string | undefined> = {}) =>
  fetchAll((after) => get<Page<T>>(path, { ...query, after, limit: PAGE_MAX }))

// Organisations and qualification
export const registerOrg = (o: NewOrg) => post<Org>('/orgs', o)
export const listOrgs = (qualification?: string) => all<Org>('/orgs', { qualification })
export const getOrg = (id: Id) => get<Org>(`/orgs/${id}`)
export const listOrgDocuments = (org: Id) => get<Page<Doc>>(`/orgs/${org}/documents`)
export const uploadOrgDocument = (org: Id, kind: string, file: Blob, filename: string, onProgress?: UploadProgress) =>
  upload<Doc>(`/orgs/${org}/documents`, { kind, filename }, file, onProgress)
export const submitQualification = (org: Id) => post<Org>(`/orgs/${org}/qualification/submit`)
export const reviewDocument = (doc: Id, decision: 'approve' | 'reject', reason?: string) =>
  post<Doc>(`/documents/${doc}/review`, reason ? { decision, reason } : { decision })
export const decideQualification = (org: Id, decision: 'approve' | 'refuse', reason?: string) =>
  post<Org>(`/orgs/${org}/qualification/decision`, reason ? { decision, reason } : { decision })
/** An officer records an organisation class (answered with the organisation). */
export const addOrgClass = (org: Id, cls: string) => post<Org>(`/orgs/${org}/classes`, { class: cls })
export const removeOrgClass = (org: Id, cls: string) => request<Org>('DELETE', `/orgs/${org}/classes/${enc(cls)}`)
export const documentUrl = (doc: Id) => `/api/v1/documents/${doc}/content`

export const listRelatedParties = (owner: string) => get<Page<RelatedParty>>('/related-parties', { owner })
export const declareRelatedParty = (owner: string, relation: string, party: string) =>
  post<RelatedParty>('/related-parties', { owner, relation, party })
/** Every organisation's and provider's declarations, one page (officer, admin, auditor). */
export const listAllRelatedParties = (q: { org_id?: Id; provider_id?: Id; after?: Id } = {}) =>
  get<Page<DeclaredParty>>('/related-parties/all', { ...q })
/** An officer withdraws a declaration found wrong, with a reason (audited). */
export const withdrawRelatedParty = (id: Id, reason: string) =>
  post<{ withdrawn: Id }>(`/related-parties/${id}/withdrawal`, { reason })

// Contracts and applications
export const listProviders = () => get<Page<Provider>>('/providers')
export const listProviderLists = () => get<{ items: ProviderList[] }>('/provider-lists')
export const listProvider = (provider: Id, tag: string) => post<Provider>(`/providers/${provider}/tags`, { tag })
export const unlistProvider = (provider: Id, tag: string) =>
  request<Provider>('DELETE', `/providers/${provider}/tags/${encodeURIComponent(tag)}`)
export const listContracts = () => all<Contract>('/contracts')
export const fileContract = (c: NewContract) => post<Contract>('/contracts', c)
export const listPayments = (contract: Id) => get<Page<ContractPayment>>(`/contracts/${contract}/payments`)
export const recordPayment = (contract: Id, amount: Money, paid_on: string, document_id: Id) =>
  post<ContractPayment>(`/contracts/${contract}/payments`, { amount, paid_on, document_id })
/** One page of awards (officer, admin, auditor: all; an applicant its own). */
export const listAwards = (q: { status?: string; after?: Id } = {}) => get<Page<Award>>('/awards', { ...q })
// The page keeps one key per payout it records, so a retry after a lost answer is not a second one.
export const payAward = (id: Id, amount: Money, reference: string, idempotencyKey: string) =>
  post<Award>(`/awards/${id}/payout`, { amount, reference }, { idempotencyKey })
// Redemptions (apply_then_redeem). The three POSTs move or release money held on the voucher:
// each is sent with the page's key for its intent (lib/intentKeys.ts), so a retry after a lost
// answer replays instead of submitting, paying or refusing twice.
/** One page of redemptions (officer, admin, auditor: all; an applicant its own). */
export const listRedemptions = (q: RedemptionQuery = {}) => get<Page<Redemption>>('/redemptions', { ...q })
/** Every redemption of a voucher (its page). */
export const listVoucherRedemptions = (voucher: Id) =>
  fetchAll((after) => get<Page<Redemption>>('/redemptions', { voucher_id: voucher, after, limit: PAGE_MAX }))
export const getRedemption = (id: Id) => get<Redemption>(`/redemptions/${id}`)
/** The applicant redeems with an invoice and a delivery proof (documents of its organisation, kinds invoice and proof_of_service). */
export const submitRedemption = (voucher: Id, r: NewRedemption, idempotencyKey: string) =>
  post<RedemptionSubmitted>(`/vouchers/${voucher}/redemptions`, r, { idempotencyKey })
/** The officer records the bank transfer: `amount` must be the redemption's. */
export const payRedemption = (id: Id, amount: Money, reference: string, idempotencyKey: string) =>
  post<Redemption>(`/redemptions/${id}/payout`, { amount, reference }, { idempotencyKey })
export const refuseRedemption = (id: Id, reasons: string, idempotencyKey: string) =>
  post<Redemption>(`/redemptions/${id}/refusal`, { reasons }, { idempotencyKey })
export const listApplications = (status?: string) => all<Application>('/applications', { status })
export const apply = (program_id: string, contract_id: Id) => post<Application>('/applications', { program_id, contract_id })
// Money-moving decisions take the page's key for the intent (lib/intentKeys.ts), kept until the
// server answers, so a retry after a lost answer replays instead of deciding twice.
export const decideApplication = (id: Id, decision: 'approve' | 'refuse', reasons: string | undefined, idempotencyKey: string) =>
  post<Application>(`/applications/${id}/decision`, reasons ? { decision, reasons } : { decision }, { idempotencyKey })

// Settlements: the page keeps one key per intent, so a retry after a lost answer is not a second charge.
export const settle = (voucher_id: Id, bill_no: string, amount: Money, idempotencyKey: string) =>
  post<SettlementResult>('/settlements', { voucher_id, bill_no, amount }, { idempotencyKey })

// Claims
export const listClaims = () => all<Claim>('/claims')
export const getClaim = (id: Id) => get<Claim>(`/claims/${id}`)
export const compileClaim = (program_id: string, period: string) => post<Claim>('/claims', { program_id, period })
export const listClaimMaterials = (id: Id) => get<Page<Doc>>(`/claims/${id}/materials`)
export const uploadClaimMaterial = (id: Id, kind: string, file: Blob, filename: string, onProgress?: UploadProgress) =>
  upload<Doc>(`/claims/${id}/materials`, { kind, filename }, file, onProgress)
export const submitClaim = (id: Id) => post<Claim>(`/claims/${id}/submit`)
export const assignPanel = (id: Id, expert_ids: Id[]) => post<Claim>(`/claims/${id}/panel`, { expert_ids })
export const recordOpinion = (id: Id, decision: string, comment: string, approved_amount?: Money) =>
  post<Claim>(`/claims/${id}/opinions`, approved_amount ? { decision, comment, approved_amount } : { decision, comment })
export const decideClaim = (id: Id, reason: string) => post<Claim>(`/claims/${id}/decision`, { reason })
export const claimSummaryUrl = (id: Id) => `/api/v1/claims/${id}/summary.xlsx`

// Payouts, reports, enforcement
export const createPayoutBatch = (program_id: string, quarter: string, idempotencyKey: string) =>
  post<PayoutBatch>('/payout-batches', { program_id, quarter }, { idempotencyKey })
export const getPayoutBatch = (id: Id) => get<PayoutBatch>(`/payout-batches/${id}`)
export const payoutCsvUrl = (id: Id) => `/api/v1/payout-batches/${id}/export.csv`
export const getReport = (program: string, by: string) => get<Report>(`/programs/${enc(program)}/reports`, { by })
export const reportCsvUrl = (program: string, by: string) => `/api/v1/programs/${enc(program)}/reports?by=${enc(by)}&format=csv`
export const enforce = (org: Id, program_id: string, finding: string, idempotencyKey: string) =>
  post<EnforcementResult>(`/orgs/${org}/enforcement`, { program_id, finding }, { idempotencyKey })
export const listEnforcements = () => get<Page<EnforcementResult>>('/enforcements')
// The page keeps one key per repayment it records, so a retry after a lost answer is not a second one.
export const recordRepayment = (id: Id, amount: Money, reference: string, idempotencyKey: string) =>
  post<EnforcementResult>(`/enforcements/${id}/repayments`, { amount, reference }, { idempotencyKey })

// Notices and users
export const listNotices = () => get<Page<Notice>>('/notices')
export const markNoticeRead = (id: Id) => post<unknown>(`/notices/${id}/read`)
/** One page of accounts by role (the officer's panel picker follows it to the end with fetchAll). */
export const listUsers = (role?: string, after?: Id) => get<Page<User>>('/users', { role, after, limit: PAGE_MAX })

// Accounts (src/api/routes_accounts.cc). GET /users is paged like the other lists (after, limit,
// next_cursor) and filtered by role and by text (q) in the username or display name; an
// organisation's admin gets its own organisation's members only.

/** An account as GET /users lists it, and as POST /users, PATCH /users/{id} and …/org-admin answer it. */
export interface Account {
  id: Id
  username: string
  display_name: string
  /** One role per account (an array for the session's shape). */
  roles: Role[]
  org_id: Id | null
  provider_id: Id | null
  org_admin: boolean
  disabled: boolean
  /** Disabled by the platform's admin: its organisation's admin may not enable it (409). */
  disabled_by_platform: boolean
  /** Its password was set by someone else: it changes it at the next sign-in. */
  must_change_password: boolean
  created_at: Instant
}
/**
 * POST /users: an admin creates any account; an organisation's admin invites a member of its
 * own organisation (role applicant, org_id its own). org_id only for an applicant, provider_id
 * only for a provider operator (the server refuses either on another role). The account must
 * change the password at its first sign-in.
 */
export interface NewAccount {
  username: string
  display_name: string
  password: string
  role: Role
  org_id?: Id
  provider_id?: Id
}
/**
 * PATCH /users/{id} (admin): only what is sent changes. Roles change only among admin, officer,
 * expert and auditor; an applicant moves to another organisation (not its admin), an operator
 * to another provider. A change of role, organisation or provider ends the account's sessions
 * and revokes its API keys; 409 on one's own account or an expert on a panel under review.
 */
export interface AccountChange {
  display_name?: string
  role?: Role
  org_id?: Id
  provider_id?: Id
}
/** An API key as listed: never its secret. */
export interface ApiKeyInfo {
  key_id: string
  /** Its owner's label, or null. */
  name: string | null
  created_at: Instant
  revoked: boolean
  /** When it last authenticated (to the minute after a restart), or null if never. */
  last_used_at: Instant | null
}
/** A key just issued: `api_key` is shown this once and never again. */
export interface IssuedApiKey { key_id: string; api_key: string; name: string | null }

export interface AccountQuery { role?: Role; q?: string; after?: Id }
/** One page of accounts (50), by role and text. */
export const listAccounts = (query: AccountQuery = {}) => get<Page<Account>>('/users', { ...query })
export const createAccount = (a: NewAccount) => post<Account>('/users', a)
export const updateAccount = (id: Id, change: AccountChange) => patch<Account>(`/users/${id}`, change)
/** The organisation's admin passes the role on (or the platform's admin): answers the new admin. */
export const passOrgAdmin = (id: Id) => post<Account>(`/users/${id}/org-admin`)
/**
 * Admin, or an organisation's admin for its members: its sessions end and its API keys are
 * refused at once (409 on one's own account; an organisation's admin may not enable a member the
 * platform's admin disabled).
 */
export const disableAccount = (id: Id) => post<{ id: Id; disabled: boolean }>(`/users/${id}/disable`)
export const enableAccount = (id: Id) => post<{ id: Id; disabled: boolean }>(`/users/${id}/enable`)
/** Admin: another account's password (its sessions end; it must change it at the next sign-in). */
export const resetPassword = (id: Id, new_password: string) =>
  post<{ id: Id; password_reset: boolean }>(`/users/${id}/password`, { new_password })
/** Admin, or a provider operator its own; revoked keys too. */
export const listApiKeys = (userId: Id) => get<Page<ApiKeyInfo>>(`/users/${userId}/api-keys`)
export const issueApiKey = (userId: Id, name?: string) =>
  post<IssuedApiKey>(`/users/${userId}/api-keys`, name ? { name } : undefined)
export const revokeApiKey = (userId: Id, keyId: string) => del<{ revoked: boolean }>(`/users/${userId}/api-keys/${enc(keyId)}`)

/** One page of the register (officer, admin, auditor), filtered by USCC, year or organisation. */
export const listSubsidies = (q: SubsidyQuery = {}) =>
  get<Page<Subsidy>>('/subsidies', { ...q })
/**
 * Imports into the register (officer): RFC 4180 CSV with a header row, then
 * uscc,scheme,reference,amount,year per line (a cell with a comma in double quotes); a row with
 * the same uscc, scheme and reference replaces the one imported before. All or nothing: a bad
 * line refuses the whole file, on "line N" or "line N.uscc" / ".amount" / ".year".
 */
export const importSubsidies = (csv: string) =>
  request<{ imported: number }>('POST', '/subsidies/import', { raw: { text: csv, type: 'text/csv; charset=utf-8' } })
