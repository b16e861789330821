// One Idempotency-Key per intent on a money-moving step (approve or refuse an application,
// create a payout batch, record a finding, reverse a settlement): the key is made at the first
// press and kept until the server answers, so pressing again after a lost answer (a network
// failure, a timeout) replays the first request instead of deciding or paying twice. Once the
// server has answered — done, or a refusal — the intent is over and the next press is new.
import { reactive } from 'vue'
import { newIdempotencyKey } from '@/api/client'
import { ApiError } from '@/api/errors'

/**
 * True when the server gave a definite refusal (a 4xx problem): nothing was done, so the next
 * press is a new intent. Not for a network failure, a 5xx (a gateway's timeout, or the
 * server's io_uncertain: the step may have been done) nor "a request under this key is still
 * in progress" (409 state_conflict on Idempotency-Key): those keep the key, so a retry replays.
 */
export function answered(e: unknown): boolean {
  if (!(e instanceof ApiError) || e.kind !== 'problem') return false
  if (e.status >= 500) return false
  return !(e.status === 409 && e.field === 'Idempotency-Key' && e.typeName === 'state_conflict')
}

export function useIntentKeys() {
  const keys = new Map<string, string>()
  /** The intents with a request in flight: a page disables their buttons. */
  const inFlight = reactive<Record<string, boolean>>({})

  /** The key for an intent: the same one until the server has answered it. */
  function keyFor(intent: string): string {
    let k = keys.get(intent)
    if (!k) {
      k = newIdempotencyKey()
      keys.set(intent, k)
    }
    return k
  }

  /**
   * Sends `fn(key)` for the intent, unless one is in flight already (then resolves undefined
   * without sending). Keeps the key when the server was not reached; forgets it once it answered.
   */
  async function run<T>(intent: string, fn: (key: string) => Promise<T>): Promise<T | undefined> {
    if (inFlight[intent]) return undefined
    inFlight[intent] = true
    try {
      const out = await fn(keyFor(intent))
      keys.delete(intent)
      return out
    } catch (e) {
      if (answered(e)) keys.delete(intent)
      throw e
    } finally {
      delete inFlight[intent]
    }
  }

  const busy = (prefix: string) => Object.keys(inFlight).some((k) => k === prefix || k.startsWith(prefix + '/'))

  return { keyFor, run, inFlight, busy }
}
