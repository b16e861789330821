// Turns any failure into what a person reads, in their language: an ApiError's stable `code`
// (src/core/result.h) is looked up first, then its type name, then its HTTP status; when none
// has a message in the current language, the server's own `detail` is shown as it is.

import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from '@/api/errors'

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

export function problemKeys(err: ApiError): string[] {
  const keys: string[] = []
  if (err.code !== undefined) keys.push(`errors.code.${err.code}`)
  if (err.typeName) keys.push(`errors.type.${err.typeName}`)
  if (err.kind !== 'problem') keys.push(`errors.type.${err.kind}`)
  if (err.status) keys.push(`errors.status.${err.status}`)
  return keys
}

export function describeProblem(err: unknown, tr: Translator): ProblemView {
  if (err instanceof ApiError) {
    const key = problemKeys(err).find((k) => tr.te(k))
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
