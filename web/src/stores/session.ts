// Who is logged in. Loaded once from GET /api/v1/session; `can(roles)` decides the menu and the
// route guard. An admin is no exception: the API refuses admin on officers', providers' and
// experts' steps, so the console lists admin in a page's roles only where the API allows it.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/session'
import { ApiError } from '@/api/errors'
import type { Role, User } from '@/api/types'

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
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
    loaded.value = true
  }

  async function logout(): Promise<void> {
    try {
      await api.logout()
    } finally {
      user.value = null
    }
  }

  function forget(): void {
    user.value = null
    loaded.value = true
  }

  return { user, loaded, roles, loggedIn, can, ensureLoaded, login, logout, forget }
})
