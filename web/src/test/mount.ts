// Mounts a component with the console's plugins (Element Plus, i18n in a given language, Pinia).
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import type { Component } from 'vue'
import { makeI18n, type Locale } from '@/i18n'
import type { Role, User } from '@/api/types'
import { useSessionStore } from '@/stores/session'

/**
 * `as`: the logged-in user (the session store's user) or just their role, for pages that show
 * parts by role or read the user's organisation; without it nobody is logged in.
 */
export function mountWith<C extends Component>(comp: C, locale: Locale, options: ComponentMountingOptions<C> = {}, as?: Role | User) {
  const i18n = makeI18n(locale)
  const pinia = createPinia()
  if (as) {
    setActivePinia(pinia)
    useSessionStore(pinia).user = typeof as === 'string' ? { id: 1, username: `demo-${as}`, display_name: as, roles: [as] } : as
  }
  return mount(comp, {
    ...options,
    attachTo: document.body,
    global: { ...(options.global ?? {}), plugins: [ElementPlus, i18n, pinia, ...(options.global?.plugins ?? [])] },
  } as ComponentMountingOptions<C>)
}

/** A fetch stub answering one canned response; records each request. */
export function stubFetch(respond: (url: string, init: RequestInit) => { status: number; body: unknown; type?: string }) {
  const calls: { url: string; init: RequestInit }[] = []
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    const r = respond(url, init)
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status: r.status,
      headers: { 'Content-Type': r.type ?? (r.status >= 400 ? 'application/problem+json' : 'application/json') },
    })
  }) as typeof fetch
  return calls
}
