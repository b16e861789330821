// The one door to the server: fetch() against /api/v1 with the session cookie
// (credentials: 'same-origin'), the CSRF token on every non-GET, an Idempotency-Key on
// money-moving POSTs, and problem+json errors turned into ApiError.

import { ApiError, problemFromResponse } from './errors'

export const API_BASE = '/api/v1'

let csrfToken: string | null = null
let onUnauthorized: ((err: ApiError) => void) | null = null

/** Set from the session response; sent as X-CSRF-Token on every non-GET request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}
export function getCsrfToken(): string | null {
  return csrfToken
}

/** Called on a 401 from any call except the session's own (the store sends the user to login). */
export function setUnauthorizedHandler(fn: ((err: ApiError) => void) | null): void {
  onUnauthorized = fn
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** A body sent as it is (a CSV register), with its media type, instead of JSON. */
  raw?: { text: string; type: string }
  /** A POST that moves money: sends a fresh Idempotency-Key so a retry cannot pay twice. */
  moneyMoving?: boolean
  /** Reuse a key (a retry of the same intent). */
  idempotencyKey?: string
  signal?: AbortSignal
  /** Do not call the 401 handler (the session probe itself). */
  quiet401?: boolean
}

export function buildUrl(path: string, query?: Query): string {
  const url = API_BASE + (path.startsWith('/') ? path : '/' + path)
  if (!query) return url
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  }
  const s = qs.toString()
  return s ? `${url}?${s}` : url
}

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID()
}

/** Sends one request; resolves to the parsed JSON body (undefined for 204), or throws ApiError. */
export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' }
  if (opts.raw) headers['Content-Type'] = opts.raw.type
  else if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (method === 'POST' && (opts.moneyMoving || opts.idempotencyKey)) {
    headers['Idempotency-Key'] = opts.idempotencyKey ?? newIdempotencyKey()
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ? opts.raw.text : opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw new ApiError('network', 0, { type: 'network', title: 'Network error', detail: String(e) })
  }
  if (!res.ok) {
    const err = await problemFromResponse(res)
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.(err)
    throw err
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  request<T>('GET', path, { query, signal })
export const post = <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
  request<T>('POST', path, { ...opts, body })
export const patch = <T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
  request<T>('PATCH', path, { ...opts, body })
export const del = <T>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts)

export type UploadProgress = (loaded: number, total: number) => void

/**
 * POSTs a file as the raw body (the server types it by content; `query` carries kind and
 * filename) with XMLHttpRequest, so the page can show upload progress. Same CSRF and error
 * handling as request().
 */
export function upload<T>(path: string, query: Query, file: Blob, onProgress?: UploadProgress): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl(path, query))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () =>
      reject(new ApiError('network', 0, { type: 'network', title: 'Network error', detail: 'upload failed' }))
    xhr.onload = async () => {
      const res = new Response(xhr.responseText || null, {
        status: xhr.status,
        headers: { 'Content-Type': xhr.getResponseHeader('Content-Type') ?? 'application/json' },
      })
      if (!res.ok) {
        const err = await problemFromResponse(res)
        if (res.status === 401) onUnauthorized?.(err)
        reject(err)
        return
      }
      onProgress?.(file.size, file.size)
      resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T)
    }
    xhr.send(file)
  })
}
