// The compute network part of /api/v1 (docs/network.md, docs/api.md; shapes taken from
// `suanli serve` and src/api/routes_network.cc, routes_jobs.cc, routes_metering.cc): centers,
// their price lists, goods and the catalogue, utilisation, jobs, Slurm accounts, metered bills
// and their settlement, and a claim's reconciliation with metering. Ids are integers.
import { get, patch, post, upload, type UploadProgress } from './client'
import { fetchAll, PAGE_MAX, type Cursor } from './paging'
import type { Instant, Money, Page } from './types'
import type { Id, SettlementResult } from './workflow'

export type CenterKind = 'supercomputing' | 'intelligent'
export type LatencyClass = 'metro' | 'province' | 'national'
export type BillingMode = 'shared' | 'exclusive'

export interface Accelerator { model: string; per_node: number; memory_gb: number; domestic: boolean; gres: string }
export interface Partition {
  name: string
  billing_mode: BillingMode | string
  nodes: number
  cpu_model: string
  cores_per_node: number
  memory_gb_per_node: number
  accelerator?: Accelerator | null
}
export interface Software { name: string; version: string }

/** A center's spec as registered (POST /providers/{id}/centers takes exactly this part). */
export interface CenterSpec {
  name: string
  kind: CenterKind | string
  region: string
  latency_class: LatencyClass | string
  slurm_cluster: string
  partitions: Partition[]
  software: Software[]
}
/** One entry of a center's price list in force on the server's day (per partition and unit). */
export interface PriceInForce { partition: string; unit: PriceUnit | string; price: Money; effective_from: string; billing_weights: string }
export interface Center extends CenterSpec {
  id: Id
  provider_id: Id
  cards: number
  cores: number
  created_at: Instant
  /** Retired by its provider: no new jobs, out of the catalogue; its jobs go on, its usage is still metered. */
  retired_at: Instant | null
  /** The prices in force on the server's day (GET /centers, /centers/{id}, /catalogue). */
  prices_in_force: PriceInForce[]
}
/** PATCH /centers/{id}: how a center is described; not its Slurm cluster or partitions. Fields left out stay. */
export interface CenterEdit { name?: string; kind?: string; region?: string; latency_class?: string; software?: Software[] }

export type PriceUnit = 'card_hour' | 'core_hour' | 'node_hour' | 'billing_hour' | 'gb_month'
export const PRICE_UNITS: readonly PriceUnit[] = ['card_hour', 'core_hour', 'node_hour', 'billing_hour', 'gb_month']
export interface Price {
  id: Id
  center_id: Id
  partition: string
  unit: PriceUnit | string
  price: Money
  effective_from: string
  billing_weights: string
  created_at: Instant
}
export interface NewPrice { partition: string; unit: string; price: Money; effective_from: string; billing_weights?: string }

export type GoodsKind = 'software_licence' | 'dataset' | 'model' | 'service'
export const GOODS_KINDS: readonly GoodsKind[] = ['software_licence', 'dataset', 'model', 'service']
export const CATALOGUE_KINDS = ['compute', ...GOODS_KINDS] as const
export interface Goods {
  id: Id
  provider_id: Id
  provider_name: string
  center_id: Id | null
  kind: GoodsKind | string
  name: string
  description: string
  unit: string
  price: Money
  created_at: Instant
  /** Withdrawn by its provider: out of the catalogue and the default list, still readable by id. */
  withdrawn_at: Instant | null
}
/** PATCH /goods/{id}: any of them. */
export interface GoodsEdit { price?: Money; unit?: string; description?: string }
export interface GoodsFilter { provider_id?: Id; kind?: string; include_withdrawn?: boolean }
export interface NewGoods { provider_id: Id; center_id?: Id; kind: string; name: string; description?: string; unit: string; price: Money }

export interface Catalogue { centers: Center[]; goods: Goods[] }

export interface UtilisationDay {
  day: string
  card_used_s: number
  card_capacity_s: number
  core_used_s: number
  core_capacity_s: number
  jobs: number
  /** Only when money_visible. */
  billed?: Money
}
export interface Utilisation {
  center_id: Id
  days: UtilisationDay[]
  /** The amounts are shown to the center's own operators, officers, admins and auditors only. */
  money_visible: boolean
  /** The center's provider's metered bills settled through vouchers in the range, and what the vouchers paid of them. */
  provider_metered_settled?: Money
  provider_voucher_paid?: Money
}

/** POST /jobs: the request's fields exactly as the server parses them (src/api/routes_jobs.cc). */
export interface JobRequest {
  name?: string
  resource_type: string
  units: number
  framework?: string
  framework_version_min?: string
  time_limit_s?: number
  data_region?: string
  max_price?: Money
  domestic_only?: boolean
  deadline?: Instant
  voucher_id?: Id
  script: string
  user?: string
  working_dir?: string
}
export type Verdict =
  | 'feasible' | 'no_such_resource' | 'not_domestic' | 'framework_missing' | 'insufficient_capacity'
  | 'over_max_price' | 'past_deadline' | 'down'
export interface CenterVerdict {
  center_id: Id
  verdict: Verdict | string
  /** What the organisation pays per unit-hour at this center, in fen (an integer). */
  customer_price_fen_per_unit_hour: number
  score_fen: number
}
export interface Attempt { center_id: Id; code: string; reason: string }
/** A job's request as the server stored it: every field of POST /jobs, those not sent with the platform's defaults. */
export interface JobEcho {
  name: string
  resource_type: string
  units: number
  framework: string
  framework_version_min: string
  time_limit_s: number
  data_region: string
  max_price: Money | null
  domestic_only: boolean
  deadline: Instant | null
  voucher_id: Id | null
  user: string
  working_dir: string
  /** One job (GET /jobs/{id}, the POST and cancel answers) read by its organisation only; GET
   *  /jobs leaves it out. */
  script?: string
  /** In place of `script` when an officer, admin or auditor reads one job: its SHA-256 (hex). */
  script_sha256?: string
}
export interface Job {
  id: Id
  org_id: Id
  resource_type: string
  units: number
  state: string
  center_id: Id | null
  slurm_job_id: string | null
  /** Ranked feasible centers first (best first), then the refused ones with their reason. */
  placement: CenterVerdict[]
  attempts: Attempt[]
  created_at: Instant
  /** null for a job recorded before the server stored requests. */
  request: JobEcho | null
  /** The most the organisation pays for it: its price at the chosen center × units × the time limit in whole minutes, rounded up to the fen. null when unplaced. */
  max_cost: Money | null
}

export interface SlurmAccount { id: Id; center_id: Id; account: string; org_id: Id; contract_id: Id | null; discount_class: string | null }
export interface NewSlurmAccount { account: string; org_id: Id; contract_id?: Id; discount_class?: string }

export interface BillLine {
  center: string
  job_id: string
  kind: string
  revision: number
  day: string
  unit: string
  quantity_unit_s: number
  unit_price: Money
  discount_share: string
  amount: Money
  reason?: string
}
export interface Bill { org_id: Id; contract_id: Id | null; period: string; original: Money; adjustments: Money; total: Money; lines: BillLine[] }

export interface UsageReject { line: number; column: string; kind: string; reason: string }
export interface IngestReport {
  lines: number; ingested: number; billed: number; steps: number; never_ran: number; already: number; rejected: number
  amount: Money; rejects: UsageReject[]
}

// metered_days: the day ranges whose metering makes up `metered` (a metered bill's own days, the
// claim's period for bills posted by hand).
export interface ReconciliationRow { org_id: Id; claimed: Money; metered: Money; metered_days?: string[]; difference: Money; flagged: boolean }
export interface Reconciliation { period: string; claimed: Money; metered: Money; flagged: boolean; rows: ReconciliationRow[] }

// Public: the catalogue and the published offers
export const searchCatalogue = (q?: string, kind?: string) => get<Catalogue>('/catalogue', { q, kind })
export const listCenters = () => get<Page<Center>>('/centers')
export const getCenter = (id: Id) => get<Center>(`/centers/${id}`)
export const listPrices = (id: Id) => get<Page<Price>>(`/centers/${id}/prices`)
/** One page of goods (public); withdrawn ones only with include_withdrawn. */
export const listGoods = (f: GoodsFilter = {}, after?: Cursor, limit = PAGE_MAX) =>
  get<Page<Goods>>('/goods', { provider_id: f.provider_id, kind: f.kind, include_withdrawn: f.include_withdrawn ? 'true' : undefined, after, limit })
export const listAllGoods = (f: GoodsFilter = {}) => fetchAll((after) => listGoods(f, after))
export const getGoods = (id: Id) => get<Goods>(`/goods/${id}`)
export const getUtilisation = (id: Id, from: string, to: string) => get<Utilisation>(`/centers/${id}/utilisation`, { from, to })

// Jobs
export const submitJob = (job: JobRequest) => post<Job>('/jobs', job)
export const listJobs = () => get<Page<Job>>('/jobs')
/** One job, its state refreshed from its center (another organisation's job is 404 to an applicant). */
export const getJob = (id: Id) => get<Job>(`/jobs/${id}`)
/** Cancel a queued or running job on its center (no body); the answer is the job as the center then reports it. Ended or unplaced jobs: 409. */
export const cancelJob = (id: Id) => post<Job>(`/jobs/${id}/cancel`)
/** The states in which a job can still be cancelled (queued or running on its center). */
export const CANCELLABLE_STATES = ['submitted', 'pending', 'running', 'suspended', 'completing', 'requeued'] as const
export const isCancellable = (state: string) => (CANCELLABLE_STATES as readonly string[]).includes(state.toLowerCase())

// The platform's clock (public): the demo's runs in 2024 while browsers live later.
export interface Clock { now: Instant; today: string; manual: boolean }
export const getClock = () => get<Clock>('/clock')

// Providers
export const registerCenter = (providerId: Id, spec: unknown) => post<Center>(`/providers/${providerId}/centers`, spec)
export const addPrice = (centerId: Id, p: NewPrice) => post<Price>(`/centers/${centerId}/prices`, p)
export const addGoods = (g: NewGoods) => post<Goods>('/goods', g)
export const editCenter = (centerId: Id, edit: CenterEdit) => patch<Center>(`/centers/${centerId}`, edit)
/** Soft: no new placements there, out of the catalogue; 409 when already retired. */
export const retireCenter = (centerId: Id, reason?: string) => post<Center>(`/centers/${centerId}/retire`, reason ? { reason } : {})
/** Undoes a retirement: jobs are placed there and the catalogue lists it again; 409 when in service. */
export const reinstateCenter = (centerId: Id, reason?: string) => post<Center>(`/centers/${centerId}/reinstate`, reason ? { reason } : {})
export const editGoods = (goodsId: Id, edit: GoodsEdit) => patch<Goods>(`/goods/${goodsId}`, edit)
/** Soft: out of the catalogue, still readable by id; 409 when already withdrawn. */
export const withdrawGoods = (goodsId: Id, reason?: string) => post<Goods>(`/goods/${goodsId}/withdraw`, reason ? { reason } : {})
export const listAccounts = (centerId: Id) => get<Page<SlurmAccount>>(`/centers/${centerId}/accounts`)
export const mapAccount = (centerId: Id, a: NewSlurmAccount) => post<SlurmAccount>(`/centers/${centerId}/accounts`, a)
/** A `sacct --parsable2` file as the raw body: every line rated and stored, or refused with its line and reason. */
export const ingestUsage = (centerId: Id, file: Blob, onProgress?: UploadProgress) => upload<IngestReport>(`/centers/${centerId}/usage`, {}, file, onProgress)
export interface UsagePull {
  center_id: Id; pages: number; records: number; ingested: number; already: number; rejected: number; amount: Money; cursor: string; more: boolean
}
/** Pull the center's new usage through its Slurm connection now (the server also does so every --usage-interval). */
export const pullUsage = (centerId: Id) => post<UsagePull>(`/centers/${centerId}/usage/pull`)
export const listBills = (org_id: Id, period: string) => get<Page<Bill>>('/bills', { org_id, period })
/** Money-moving: the page keeps one key per intent, so a retry after a lost answer is not a second charge. */
export const settleMetered = (org_id: Id, period: string, voucher_id: Id, idempotencyKey: string) =>
  post<SettlementResult>('/bills/settlement', { org_id, period, voucher_id }, { idempotencyKey })

// Claims
export const getReconciliation = (claimId: Id) => get<Reconciliation>(`/claims/${claimId}/reconciliation`)
