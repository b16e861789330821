import { get, post } from './client'
import type { AuditEntry, AuditFilter, AuditVerify, Page } from './types'

export const listAudit = (f: AuditFilter = {}) =>
  get<Page<AuditEntry>>('/audit', { after_seq: f.after_seq, actor: f.actor, action: f.action, cursor: f.cursor })
export const verifyAudit = () => post<AuditVerify>('/audit/verify')
