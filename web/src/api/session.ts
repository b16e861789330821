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

/**
 * POST /session/password: the signed-in user's own password, the current one first. Other
 * sessions end, this one goes on. A wrong current password is 403 on `current_password` (not
 * 401: the session is fine); too short 422 on `new_password`; the same as the current one 422
 * contradiction; 429 after repeated wrong ones.
 */
export const changePassword = (current_password: string, new_password: string) =>
  request<{ password_changed: boolean }>('POST', '/session/password', { body: { current_password, new_password } })
