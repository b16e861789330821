import { get, post } from './client'
import type { AuditEntry, AuditFilter, AuditReconcile, AuditVerify, Page } from './types'

/** One page of the log: entries with seq > after_seq (the server pages by after_seq; next_cursor is the next after_seq). */
export const listAudit = (f: AuditFilter = {}) =>
  get<Page<AuditEntry>>('/audit', { after_seq: f.after_seq, actor: f.actor, action: f.action })
export const verifyAudit = () => post<AuditVerify>('/audit/verify')
export const reconcileLedger = () => post<AuditReconcile>('/audit/reconcile')
