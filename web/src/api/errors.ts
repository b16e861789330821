// ApiError: every failure of a call to /api/v1, one typed shape. A server refusal carries the
// RFC 9457 problem+json body ({type,title,status,detail,code,field}); a failure to reach the
// server, and a page whose API is not built yet, are ApiErrors too, so a page handles one type.

export type ApiErrorKind = 'problem' | 'network' | 'not_implemented'

export interface ProblemDetails {
  type?: string
  title?: string
  status?: number
  detail?: string
  /** Stable number from src/core/result.h (ErrorCode), e.g. 103 unknown_field. */
  code?: number
  /** Dotted path of the offending field, e.g. "contract.fee". */
  field?: string
  [extension: string]: unknown
}

/**
 * The server's error codes and their names, as src/core/result.h and result.cc define them;
 * the problem's type is https://suanli.dev/problems/<name> and its title is the name too.
 */
export const PROBLEM_NAMES: Readonly<Record<number, string>> = {
  100: 'parse_error', 101: 'missing_field', 102: 'wrong_type', 103: 'unknown_field', 104: 'out_of_range',
  105: 'overflow', 106: 'negative_amount', 107: 'invalid_code', 108: 'invalid_date', 109: 'contradiction',
  200: 'io_error', 201: 'io_uncertain', 202: 'read_only', 203: 'conflict', 204: 'not_found',
  300: 'unauthenticated', 301: 'forbidden', 302: 'state_conflict', 303: 'not_eligible', 304: 'banned',
  305: 'expired', 306: 'exceeds_limit', 307: 'idempotency_conflict', 308: 'duplicate', 309: 'too_large',
  310: 'rate_limited', 311: 'unsupported_type',
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail: string
  readonly code?: number
  readonly field?: string
  readonly problem: ProblemDetails

  constructor(kind: ApiErrorKind, status: number, problem: ProblemDetails) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.kind = kind
    this.status = status
    this.type = problem.type ?? 'about:blank'
    this.title = problem.title ?? ''
    this.detail = problem.detail ?? ''
    this.code = typeof problem.code === 'number' ? problem.code : undefined
    this.field = typeof problem.field === 'string' && problem.field !== '' ? problem.field : undefined
    this.problem = problem
  }

  /**
   * The last path segment of `type`, the stable name the console maps to a message:
   * "https://suanli.example/problems/unknown-field" → "unknown_field"; "about:blank" → "".
   */
  get typeName(): string {
    if (this.type === 'about:blank') return ''
    const seg = this.type.split(/[/#:]/).filter(Boolean).pop() ?? ''
    return seg.replace(/-/g, '_')
  }
}

/** Reads a failed Response into an ApiError (problem+json, plain JSON or text bodies). */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  let problem: ProblemDetails = { status: res.status, title: res.statusText }
  const text = await res.text().catch(() => '')
  if (text) {
    try {
      const body = JSON.parse(text) as unknown
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const b = body as Record<string, unknown>
        // The CLI's error shape ({error, code, field, message}) is accepted too.
        problem = {
          ...b,
          type: (b.type as string) ?? (typeof b.error === 'string' ? b.error : undefined),
          title: (b.title as string) ?? res.statusText,
          detail: (b.detail as string) ?? (b.message as string),
          status: typeof b.status === 'number' ? b.status : res.status,
        }
      }
    } catch {
      problem.detail = text.slice(0, 500)
    }
  }
  return new ApiError('problem', res.status, problem)
}

export function notYet(what: string): never {
  throw new ApiError('not_implemented', 501, {
    type: 'not_implemented',
    title: 'Not implemented',
    detail: `${what}: the console's API binding is not written yet`,
  })
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}
