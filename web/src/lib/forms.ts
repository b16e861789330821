// Validation for the workflow forms, run on every keystroke: each returns an i18n key (with
// its named values) or null. Kept apart from the pages so Vitest checks them directly.
import { parseMoneyInput } from './money'
import { isQuarter, residentIdError, usccError } from './codes'
import { isValidDate } from './time'

export interface Problem { key: string; named?: Record<string, unknown> }
export type Check = Problem | null

export const required = (v: string): Check => (v.trim() ? null : { key: 'validation.required' })

export function money(v: string, opts: { required?: boolean; positive?: boolean } = { required: true, positive: true }): Check {
  if (!v.trim()) return opts.required ? { key: 'validation.money.empty' } : null
  const p = parseMoneyInput(v)
  if (!p.ok) return { key: `validation.money.${p.error}` }
  if (opts.positive !== false && p.fen <= 0n) return { key: 'validation.positive' }
  return null
}

/** The decimal string to send for a valid money input ("1,234.5" → "1234.50"). */
export function moneyValue(v: string): string {
  const p = parseMoneyInput(v)
  if (!p.ok) throw new Error('invalid money input')
  return p.value
}

export const uscc = (v: string): Check => {
  if (!v.trim()) return { key: 'validation.required' }
  const e = usccError(v.trim().toUpperCase())
  return e ? { key: `validation.uscc.${e}` } : null
}

export const residentId = (v: string): Check => {
  if (!v.trim()) return { key: 'validation.required' }
  const e = residentIdError(v.trim().toUpperCase())
  return e ? { key: `validation.residentId.${e}` } : null
}

export const username = (v: string): Check => {
  if (!v) return { key: 'validation.required' }
  if (v.length < 3 || v.length > 64) return { key: 'validation.username.length' }
  return /^[a-z0-9._@-]+$/.test(v) ? null : { key: 'validation.username.chars' }
}

/** Bytes of `v` in UTF-8, as the server counts a password's or a name's length (一 is 3). */
export const utf8Bytes = (v: string): number => new TextEncoder().encode(v).length

/** 8 to 1,024 bytes in UTF-8, as the server counts (security/password.h): 3 汉字 are 9 bytes. */
export const password = (v: string): Check => {
  const n = utf8Bytes(v)
  if (n < 8) return { key: 'validation.password' }
  return n > 1024 ? { key: 'validation.maxBytes', named: { max: 1024 } } : null
}

/** A display name: 1 to 128 bytes (users.cc InsertUser). */
export const displayName = (v: string): Check => {
  if (!v.trim()) return { key: 'validation.required' }
  return utf8Bytes(v.trim()) > 128 ? { key: 'validation.maxBytes', named: { max: 128 } } : null
}

export const date = (v: string): Check => {
  if (!v.trim()) return { key: 'validation.required' }
  return isValidDate(v.trim()) ? null : { key: 'validation.date' }
}

export const quarter = (v: string): Check => (isQuarter(v.trim()) ? null : { key: 'validation.quarter' })

/** The form's errors: only for touched fields, or all of them once submit was tried. */
export function visible<K extends string>(errors: Record<K, Check>, touched: Partial<Record<K, boolean>>, tried: boolean) {
  const out = {} as Record<K, Check>
  for (const k of Object.keys(errors) as K[]) out[k] = tried || touched[k] ? errors[k] : null
  return out
}

export const hasErrors = (errors: Record<string, Check>): boolean => Object.values(errors).some((e) => e !== null)

/**
 * An API key's name: optional; at most 64 bytes in UTF-8 and no control characters, as the
 * server checks (api_keys.cc). Blank is "no name" (it is trimmed before sending).
 */
export const API_KEY_NAME_BYTES_MAX = 64
export const apiKeyName = (v: string): Check => {
  const s = v.trim()
  if (!s) return null
  if (utf8Bytes(s) > API_KEY_NAME_BYTES_MAX) return { key: 'validation.maxBytes', named: { max: API_KEY_NAME_BYTES_MAX } }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s) ? { key: 'validation.noControl' } : null
}
