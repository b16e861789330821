// A paged list shown a page at a time with "load more" (the server's `after` cursor): `items`,
// `cursor` (null on the last page), `loading`, `error` (for ProblemAlert), `load()` from the
// start (a new filter) and `load(true)` for the next page. An answer to an older load (the
// filter changed meanwhile) is dropped.
import { ref, type Ref } from 'vue'
import type { Cursor } from '@/api/paging'
import type { Page } from '@/api/types'

export function usePaged<T>(page: (after?: Cursor) => Promise<Page<T>>) {
  const items = ref([]) as Ref<T[]>
  const cursor = ref<Cursor | null>(null)
  const loading = ref(false)
  const error = ref<unknown>(null)
  let generation = 0
  async function load(more = false) {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const p = await page(more ? (cursor.value ?? undefined) : undefined)
      if (mine !== generation) return
      items.value = more ? [...items.value, ...p.items] : p.items
      cursor.value = p.next_cursor ?? null
    } catch (e) {
      if (mine === generation) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  return { items, cursor, loading, error, load }
}
