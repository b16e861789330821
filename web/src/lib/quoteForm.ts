// The quote form's model, its validation (run on every keystroke) and its conversion into a
// quote case (docs/case-schema.md). Error values are i18n keys; paths are the case's own field
// paths ("contract.fee", "settlements[1].bill"), the same ones the server names in `field`, so
// client and server errors land on the same form item.

import { parseMoneyInput } from './money'
import { usccError } from './codes'
import { isValidDate } from './time'
import type { OrgType, QuoteCase, ResourceClass } from '@/api/types'

export interface QuoteForm {
  program: string
  /** "YYYY-MM-DD HH:mm" in China Standard Time. */
  as_of: string
  org_name: string
  uscc: string
  org_type: OrgType
  region: string
  revenue: string
  industry: string
  granted_this_year: string
  provider_name: string
  contract_id: string
  fee: string
  signed_on: string
  start: string
  end: string
  resource_class: ResourceClass
  chip_origin: '' | 'domestic' | 'imported'
  paid: string
  bills: { bill: string; on: string }[]
}

export function emptyQuoteForm(program = '', asOf = ''): QuoteForm {
  return {
    program, as_of: asOf, org_name: '', uscc: '', org_type: 'enterprise', region: '', revenue: '', industry: '',
    granted_this_year: '', provider_name: '', contract_id: '', fee: '', signed_on: '', start: '', end: '',
    resource_class: 'intelligent_compute', chip_origin: '', paid: '', bills: [],
  }
}

/** The Chengdu example of docs/case-schema.md (contract 20,000 → voucher 10,000). */
export function chengduExample(): QuoteForm {
  return {
    program: 'chengdu-2024', as_of: '2024-03-15 10:00', org_name: '成都示例科技有限公司', uscc: '91510100MA61R1234W',
    org_type: 'enterprise', region: '成都', revenue: '12000000.00', industry: 'artificial_intelligence',
    granted_this_year: '0.00', provider_name: '成都智算中心', contract_id: 'CD-2024-001', fee: '20000.00',
    signed_on: '2024-03-01', start: '2024-03-01', end: '2024-11-30', resource_class: 'intelligent_compute',
    chip_origin: 'domestic', paid: '',
    bills: [{ bill: '8000.00', on: '' }, { bill: '8000.00', on: '' }, { bill: '8000.00', on: '2024-06-30' }],
  }
}

const AS_OF = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$/

export type QuoteErrors = Record<string, string>

/**
 * Validates the form. A field with something typed in is checked at once (format, decimals,
 * checksum); an empty required field is reported only once `submitted` is true, so a fresh
 * form is not all red.
 */
export function validateQuoteForm(f: QuoteForm, submitted: boolean): QuoteErrors {
  const e: QuoteErrors = {}
  const required = (path: string, v: string) => {
    if (submitted && v.trim() === '') e[path] = 'validation.required'
  }
  const money = (path: string, v: string, req = false) => {
    if (v.trim() === '') return req ? required(path, v) : undefined
    const r = parseMoneyInput(v)
    if (!r.ok) e[path] = `validation.money.${r.error}`
  }
  const date = (path: string, v: string, req = false) => {
    if (v.trim() === '') return req ? required(path, v) : undefined
    if (!isValidDate(v.trim())) e[path] = 'validation.date'
  }

  if (submitted && !f.program) e.program = 'validation.programRequired'
  if (f.as_of.trim() === '') required('as_of', f.as_of)
  else {
    const m = AS_OF.exec(f.as_of.trim())
    if (!m || !isValidDate(m[1]) || +m[2] > 23 || +m[3] > 59) e.as_of = 'validation.date'
  }
  const uscc = f.uscc.trim().toUpperCase()
  if (uscc !== '') {
    const u = usccError(uscc)
    if (u) e['organisation.uscc'] = `validation.uscc.${u}`
  } else if (f.org_type !== 'individual' && f.org_type !== 'maker') {
    required('organisation.uscc', uscc)
  }
  money('organisation.prior_year_revenue', f.revenue)
  money('history.org_granted_this_year', f.granted_this_year)
  required('provider.name', f.provider_name)
  required('contract.id', f.contract_id)
  money('contract.fee', f.fee, true)
  date('contract.signed_on', f.signed_on, true)
  date('contract.start', f.start)
  date('contract.end', f.end)
  if (!e['contract.start'] && !e['contract.end'] && f.start && f.end && f.end < f.start) {
    e['contract.end'] = 'validation.endBeforeStart'
  }
  money('contract.paid', f.paid)
  f.bills.forEach((b, i) => {
    money(`settlements[${i}].bill`, b.bill, true)
    date(`settlements[${i}].on`, b.on)
  })
  return e
}

const money = (v: string) => {
  const r = parseMoneyInput(v)
  if (!r.ok) throw new Error(`invalid amount ${v}`)
  return r.value
}
const opt = (v: string) => (v.trim() === '' ? undefined : v.trim())

/** The case to POST; call only when validateQuoteForm(f, true) is empty. */
export function toQuoteCase(f: QuoteForm): QuoteCase {
  const m = AS_OF.exec(f.as_of.trim())!
  const c: QuoteCase = {
    as_of: `${m[1]}T${m[2]}:${m[3]}:00+08:00`,
    organisation: {
      name: opt(f.org_name),
      uscc: opt(f.uscc.toUpperCase()),
      type: f.org_type,
      region: opt(f.region),
      prior_year_revenue: opt(f.revenue) && money(f.revenue),
      industry: opt(f.industry),
    },
    provider: { name: f.provider_name.trim() },
    contract: {
      id: f.contract_id.trim(),
      fee: money(f.fee),
      signed_on: f.signed_on.trim(),
      start: opt(f.start),
      end: opt(f.end),
      resource_class: f.resource_class,
      chip_origin: f.chip_origin || undefined,
      paid: opt(f.paid) && money(f.paid),
    },
    settlements: f.bills.map((b) => ({ bill: money(b.bill), on: opt(b.on) })),
  }
  if (opt(f.granted_this_year)) c.history = { org_granted_this_year: money(f.granted_this_year) }
  return JSON.parse(JSON.stringify(c)) as QuoteCase // drops undefined fields: the parser is strict
}
