// Who is logged in. Loaded once from GET /api/v1/session; `can(roles)` decides the menu and the
// route guard. `mustChangePassword`: someone else set the password (an admin's reset or new
// account, an invitation); until it is changed the server answers nothing but the session's own
// routes, so the layout shows only the change-password dialog (passwordChanged() ends that). An admin is no exception: the API refuses admin on officers', providers' and
// experts' steps, so the console lists admin in a page's roles only where the API allows it.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/session'
import { ApiError } from '@/api/errors'
import type { Role, User } from '@/api/types'

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const mustChangePassword = ref(false)
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  const roles = computed<Role[]>(() => user.value?.roles ?? [])
  const loggedIn = computed(() => user.value !== null)

  function can(allowed?: readonly Role[]): boolean {
    if (!user.value) return false
    if (!allowed || allowed.length === 0) return true
    return allowed.some((r) => roles.value.includes(r))
  }

  async function ensureLoaded(): Promise<void> {
    if (loaded.value) return
    loading ??= api
      .currentSession()
      .then((s) => {
        user.value = s.user
        mustChangePassword.value = s.must_change_password === true
      })
      .catch((e) => {
        if (!(e instanceof ApiError && e.status === 401)) console.warn('session probe failed', e)
        user.value = null
      })
      .finally(() => {
        loaded.value = true
        loading = null
      })
    return loading
  }

  async function login(username: string, password: string): Promise<void> {
    const s = await api.login(username, password)
    user.value = s.user
    mustChangePassword.value = s.must_change_password === true
    loaded.value = true
  }

  /** After POST /session/password: the server answers this session's other routes again. */
  function passwordChanged(): void {
    mustChangePassword.value = false
  }

  /**
   * Reads the session again (GET /session): after a change of the user's own powers, e.g. an
   * organisation's admin passing the role on (the server reads them at every request).
   */
  async function refresh(): Promise<void> {
    const s = await api.currentSession()
    user.value = s.user
    mustChangePassword.value = s.must_change_password === true
  }

  async function logout(): Promise<void> {
    try {
      await api.logout()
    } finally {
      user.value = null
      mustChangePassword.value = false
    }
  }

  function forget(): void {
    user.value = null
    mustChangePassword.value = false
    loaded.value = true
  }

  return { user, mustChangePassword, loaded, roles, loggedIn, can, ensureLoaded, login, logout, forget, passwordChanged, refresh }
})
