import { request, setCsrfToken } from './client'
import type { Session } from './types'

/** POST /session: logs in; remembers the CSRF token for later writes. */
export async function login(username: string, password: string): Promise<Session> {
  const s = await request<Session>('POST', '/session', { body: { username, password }, quiet401: true })
  setCsrfToken(s.csrf_token)
  return s
}

/** GET /session: the current session, or ApiError 401 when there is none. */
export async function currentSession(): Promise<Session> {
  const s = await request<Session>('GET', '/session', { quiet401: true })
  setCsrfToken(s.csrf_token)
  return s
}

/** DELETE /session: logs out (the cookie is cleared by the server). */
export async function logout(): Promise<void> {
  try {
    await request<void>('DELETE', '/session', { quiet401: true })
  } finally {
    setCsrfToken(null)
  }
}
