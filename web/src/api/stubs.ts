// Typed stubs for the parts of /api/v1 whose shapes are not settled yet (orgs, documents,
// contracts, applications, settlements, claims, panels, payouts, enforcement, notices,
// reports). Each throws ApiError kind 'not_implemented' ("not yet"); the placeholder pages call
// them, so wiring a page up later is: write the body here, keep the signature.

import { notYet } from './errors'
import type { Instant, Money, Page } from './types'

export interface Org { id: string; name: string; uscc: string; type: string; region: string; status: string }
export interface OrgDocument { id: string; kind: string; name: string; uploaded_at: Instant; status: string }
export interface Contract { id: string; provider: string; fee: Money; signed_on: string; status: string }
export interface Application { id: string; program_id: string; contract_id: string; amount: Money; status: string; at: Instant }
export interface Settlement { id: string; bill_no: string; voucher_id: string; bill_amount: Money; deduction: Money; at: Instant }
export interface Claim { id: string; provider_id: string; amount: Money; status: string; submitted_at: Instant }
export interface QueueItem { id: string; kind: 'qualification' | 'application' | 'claim'; subject: string; at: Instant; status: string }
export interface Panel { id: string; claim_id: string; experts: string[]; status: string }
export interface Report { key: string; label: string; amount: Money; count: number }

export const listOrgs = async (): Promise<Page<Org>> => notYet('GET /orgs')
export const listDocuments = async (): Promise<Page<OrgDocument>> => notYet('GET /documents')
export const listContracts = async (): Promise<Page<Contract>> => notYet('GET /contracts')
export const listApplications = async (): Promise<Page<Application>> => notYet('GET /applications')
export const listSettlements = async (): Promise<Page<Settlement>> => notYet('GET /settlements')
export const listClaims = async (): Promise<Page<Claim>> => notYet('GET /claims')
export const listQueue = async (): Promise<Page<QueueItem>> => notYet('GET /queues')
export const listPanels = async (): Promise<Page<Panel>> => notYet('GET /panels')
export const listAssignedClaims = async (): Promise<Page<Claim>> => notYet('GET /claims?assigned=me')
export const listReports = async (): Promise<Page<Report>> => notYet('GET /reports')
export const listPayouts = async (): Promise<Page<Claim>> => notYet('GET /payouts')
export const listNotices = async (): Promise<Page<{ id: string; title: string; at: Instant }>> => notYet('GET /notices')
