// The job submission form: its model (what people type), the checks run on every keystroke
// (each an i18n key, or null) and the POST /jobs body. The form's keys are the request's own
// field names (src/api/routes_jobs.cc), so a server refusal naming `field` lands on the same
// form item. The limits are the server's: units 1–100,000; names, frameworks and regions at
// most 24 bytes of UTF-8 (routing::ShortName); versions up to three numbers 0–1023; time limit
// 1 s–30 days; max_price ≥ 0 with at most two decimals; the script starts with #! and is at
// most 64 KiB. The deadline is typed in China Standard Time and sent as …+08:00.
import type { Check } from './forms'
import { parseMoneyInput } from './money'
import type { JobRequest } from '@/api/network'

export const RESOURCE_TYPES = ['npu', 'dcu', 'gpu', 'cpu'] as const
export const UNITS_MAX = 100_000
export const SHORT_NAME_BYTES_MAX = 24
export const TIME_LIMIT_MIN_MAX = 30 * 24 * 60
export const SCRIPT_BYTES_MAX = 64 * 1024

export interface JobForm {
  name: string
  resource_type: string
  units: string
  framework: string
  framework_version_min: string
  /** Minutes as typed; sent as time_limit_s (× 60). */
  time_limit_s: string
  data_region: string
  max_price: string
  domestic_only: boolean
  /** "YYYY-MM-DD HH:mm" in China Standard Time, or empty. */
  deadline: string
  voucher_id: number | ''
  script: string
}

export type JobField = Exclude<keyof JobForm, 'domestic_only' | 'voucher_id'>

export const DEFAULT_SCRIPT = '#!/bin/bash\nsrun python train.py\n'

export function emptyJobForm(): JobForm {
  return {
    name: '', resource_type: '', units: '', framework: '', framework_version_min: '', time_limit_s: '60',
    data_region: '', max_price: '', domestic_only: false, deadline: '', voucher_id: '', script: DEFAULT_SCRIPT,
  }
}

const bytes = (s: string) => new TextEncoder().encode(s).length
const DEADLINE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/
const VERSION = /^\d{1,4}(\.\d{1,4}){0,2}$/

function shortName(v: string, required = false): Check {
  if (!v.trim()) return required ? { key: 'validation.required' } : null
  return bytes(v.trim()) > SHORT_NAME_BYTES_MAX ? { key: 'net.job.v.tooLong', named: { n: SHORT_NAME_BYTES_MAX } } : null
}

function wholeNumber(v: string, min: number, max: number, key: string): Check {
  const s = v.trim()
  if (!s) return { key: 'validation.required' }
  if (!/^\d+$/.test(s)) return { key: 'net.job.v.integer' }
  const n = Number(s)
  return n < min || n > max ? { key, named: { min, max } } : null
}

export function deadlineValid(v: string): boolean {
  const m = DEADLINE.exec(v.trim())
  if (!m) return false
  const [, y, mo, d, h, mi] = m.map(Number)
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi
}

/** Every field's check; the page shows a field's message once it is touched or submit was tried. */
export function jobChecks(f: JobForm): Record<JobField, Check> {
  const version = f.framework_version_min.trim()
  const price = f.max_price.trim()
  let priceCheck: Check = null
  if (price) {
    const p = parseMoneyInput(price)
    priceCheck = p.ok ? null : { key: `validation.money.${p.error}` }
  }
  const script = f.script
  return {
    name: f.name.trim() && bytes(f.name.trim()) > 128 ? { key: 'net.job.v.tooLong', named: { n: 128 } } : null,
    resource_type: f.resource_type ? shortName(f.resource_type) : { key: 'validation.required' },
    units: wholeNumber(f.units, 1, UNITS_MAX, 'net.job.v.unitsRange'),
    framework: shortName(f.framework),
    framework_version_min: !version
      ? null
      : !f.framework.trim()
        ? { key: 'net.job.v.versionNeedsFramework' }
        : VERSION.test(version) && version.split('.').every((p) => Number(p) <= 1023)
          ? null
          : { key: 'net.job.v.version' },
    time_limit_s: wholeNumber(f.time_limit_s, 1, TIME_LIMIT_MIN_MAX, 'net.job.v.timeRange'),
    data_region: shortName(f.data_region),
    max_price: priceCheck,
    deadline: !f.deadline.trim() || deadlineValid(f.deadline) ? null : { key: 'net.job.v.deadline' },
    script: !script.trim()
      ? { key: 'validation.required' }
      : !script.startsWith('#!')
        ? { key: 'net.job.v.shebang' }
        : bytes(script) > SCRIPT_BYTES_MAX
          ? { key: 'net.job.v.scriptTooLong' }
          : null,
  }
}

/** The POST /jobs body for a valid form; optional fields left empty are not sent. */
export function jobRequest(f: JobForm): JobRequest {
  const r: JobRequest = {
    resource_type: f.resource_type.trim(),
    units: Number(f.units.trim()),
    time_limit_s: Number(f.time_limit_s.trim()) * 60,
    domestic_only: f.domestic_only,
    script: f.script,
  }
  if (f.name.trim()) r.name = f.name.trim()
  if (f.framework.trim()) r.framework = f.framework.trim()
  if (f.framework_version_min.trim()) r.framework_version_min = f.framework_version_min.trim()
  if (f.data_region.trim()) r.data_region = f.data_region.trim()
  if (f.max_price.trim()) {
    const p = parseMoneyInput(f.max_price.trim())
    if (!p.ok) throw new Error('invalid max_price')
    r.max_price = p.value
  }
  if (f.deadline.trim()) r.deadline = f.deadline.trim().replace(' ', 'T') + ':00+08:00'
  if (f.voucher_id !== '') r.voucher_id = f.voucher_id
  return r
}

/**
 * The most the job can cost at a price per unit-hour (fen), as the server computes the job's
 * max_cost (src/workflow/job_routing.h MaxCostFen): units × the time limit Slurm enforces (the
 * seconds rounded up to whole minutes) ÷ 60 minutes, rounded up to the fen.
 */
export function maxCostFen(pricePerUnitHourFen: bigint, units: number, timeLimitS: number): bigint {
  const minutes = BigInt(Math.ceil(timeLimitS / 60))
  const num = pricePerUnitHourFen * BigInt(units) * minutes
  return (num + 59n) / 60n
}
