// "Today" as the server counts it. The platform's clock can differ from the browser's (the
// demo's manual clock runs in 2024 while browsers live later), and "in force today" prices and
// the default utilisation range must follow the server's day, not the visitor's. GET /clock is
// public; its answer is shared by every page for a minute, then the next page to ask asks again
// (a console left open over midnight, or across an operator's move of the demo's manual clock,
// would otherwise keep yesterday's day until reloaded); the refs keep the old day until the new
// answer. If the call fails, the browser's CST day stands in (and the next page to ask tries the
// server again).
import { ref, type Ref } from 'vue'
import { getClock } from '@/api/network'
import { formatDateCst, nowIsoCst } from '@/lib/time'

const today = ref<string | null>(null)
/** The server's instant when /clock answered (`now`, ISO 8601 +08:00). */
const now = ref<string | null>(null)
let pending: Promise<string> | null = null
/** When `pending` was asked (Date.now()). */
let askedAt = 0
/** How long an answer is shared before the next caller asks again. */
export const SERVER_DAY_FRESH_MS = 60_000

/** The server's CST day ("2024-03-15"); the browser's CST day if GET /clock fails. */
export function serverToday(): Promise<string> {
  if (pending && Date.now() - askedAt >= SERVER_DAY_FRESH_MS) pending = null
  if (!pending) askedAt = Date.now()
  pending ??= getClock()
    .then((c) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c?.today ?? '')) throw new Error(`GET /clock: no today in ${JSON.stringify(c)}`)
      today.value = c.today
      now.value = typeof c.now === 'string' && c.now ? c.now : `${c.today}T00:00:00+08:00`
      return c.today
    })
    .catch(() => {
      pending = null // not cached: a later page asks the server again
      const fallback = formatDateCst(Date.now())
      today.value ??= fallback
      now.value ??= nowIsoCst(Date.now())
      return fallback
    })
  return pending
}

/**
 * For a component: `today` is null until known, then the server's day (or the fallback);
 * `ready` resolves to it. The first caller starts the request; later ones share it.
 */
export function useServerDay(): { today: Readonly<Ref<string | null>>; now: Readonly<Ref<string | null>>; ready: Promise<string> } {
  return { today, now, ready: serverToday() }
}

/** Forgets the cached day (tests; a page that knows the clock moved). */
export function resetServerDay(): void {
  today.value = null
  now.value = null
  pending = null
}
