// Turns any failure into what a person reads, in their language: an ApiError's problem name
// (its type, https://suanli.dev/problems/<name>, or the name of its stable `code` from
// src/core/result.h) is looked up first, then its HTTP status; when none has a message in the
// current language, the server's own `detail` is shown as it is.

import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError, PROBLEM_NAMES } from '@/api/errors'

export interface Translator {
  t: (key: string, named?: Record<string, unknown>) => string
  te: (key: string) => boolean
}

export interface ProblemView {
  /** The localized sentence to show. */
  message: string
  /** The server's detail, when it adds something to the message. */
  detail?: string
  /** Dotted field path the error is about ("contract.fee"). */
  field?: string
  status?: number
  kind?: ApiError['kind']
}

/** Where a failure happened, when that changes what it means (a 401 on the login form is a wrong password). */
export type ProblemContext = 'login'

/**
 * The message keys to try, most specific first: a few cases the server tells apart by field or
 * by where they happen, then the problem's name (its type, or its code's name: the catalogue is
 * keyed by the server's names), then the HTTP status.
 */
export function problemKeys(err: ApiError, context?: ProblemContext): string[] {
  const keys: string[] = []
  const name = err.typeName || (err.code !== undefined ? PROBLEM_NAMES[err.code] ?? '' : '')
  if (context === 'login' && (name === 'unauthenticated' || (!name && err.status === 401))) keys.push('errors.special.wrong_credentials')
  if (name === 'forbidden' && err.field === 'X-CSRF-Token') keys.push('errors.special.csrf')
  if (name === 'state_conflict' && err.field === 'Idempotency-Key') keys.push('errors.special.in_progress')
  // Passwords (POST /session/password, /users, /users/{id}/password): a 403 on
  // current_password is a wrong current password, not a refused role.
  if (name === 'forbidden' && err.field === 'current_password') keys.push('errors.special.wrong_current_password')
  if (name === 'contradiction' && err.field === 'new_password') keys.push('errors.special.same_password')
  if (name === 'out_of_range' && (err.field === 'new_password' || err.field === 'password')) keys.push('errors.special.password_length')
  if (name === 'forbidden' && err.field === 'must_change_password') keys.push('errors.special.must_change_password')
  if (name) keys.push(`errors.type.${name}`)
  if (err.kind !== 'problem') keys.push(`errors.type.${err.kind}`)
  if (err.status) keys.push(`errors.status.${err.status}`)
  return keys
}

export function describeProblem(err: unknown, tr: Translator, context?: ProblemContext): ProblemView {
  if (err instanceof ApiError) {
    const key = problemKeys(err, context).find((k) => tr.te(k))
    if (key) {
      const detail = err.detail && err.detail !== err.title ? err.detail : undefined
      return { message: tr.t(key), detail, field: err.field, status: err.status, kind: err.kind }
    }
    return {
      message: err.detail || err.title || tr.t('errors.unknown'),
      field: err.field,
      status: err.status,
      kind: err.kind,
    }
  }
  if (err instanceof Error && err.message) return { message: err.message }
  return { message: tr.t('errors.unknown') }
}

/**
 * Holds the last failure of a page or form. `fieldError(path)` gives the message for the form
 * item whose prop is `path` (Element Plus `:error`), so a server refusal lands on its field.
 */
export function useProblem() {
  const { t, te } = useI18n()
  const error = ref<unknown>(null)
  const view = computed<ProblemView | null>(() =>
    error.value == null ? null : describeProblem(error.value, { t: (k, n) => (n ? t(k, n) : t(k)), te: (k) => te(k) }),
  )
  return {
    error,
    view,
    set(e: unknown) {
      error.value = e
    },
    clear() {
      error.value = null
    },
    fieldError(path: string): string {
      const v = view.value
      return v && v.field === path ? v.message : ''
    },
  }
}
