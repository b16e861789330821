// Paged lists. The server's paged routes (GET /vouchers, /orgs, /contracts, /applications,
// /claims: src/api/route_kit.cc PageFrom) take `after` (the last id seen) and `limit` (1–200,
// default 50) and answer `next_cursor`: the id to pass as `after` for the next page, or null
// on the last one. GET /audit is the same with `after_seq`. A page that needs the whole list
// (a picker, a queue, a lookup by id) follows next_cursor to the end with fetchAll.
import type { Page } from './types'

export type Cursor = string | number

/** The server's largest page (route_kit.cc refuses limit > 200). */
export const PAGE_MAX = 200

/**
 * Every item of a paged list: asks `page(after)` from the start and follows next_cursor until
 * the server says there is no more. A cursor that does not move on is an error, not a loop.
 */
export async function fetchAll<T>(page: (after?: Cursor) => Promise<Page<T>>): Promise<Page<T>> {
  const items: T[] = []
  const seen = new Set<string>()
  let after: Cursor | undefined
  for (;;) {
    const p = await page(after)
    items.push(...p.items)
    const next = p.next_cursor
    if (next === null || next === undefined || next === '') return { items, next_cursor: null }
    if (seen.has(String(next))) throw new Error(`paging: next_cursor ${String(next)} repeated`)
    seen.add(String(next))
    after = next
  }
}
