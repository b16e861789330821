// Loads a page's data: `data`, `loading`, `error` (for ProblemAlert) and `reload()`.
import { onMounted, ref, type Ref } from 'vue'

export function useLoad<T>(fn: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>
  const loading = ref(true)
  const error = ref<unknown>(null)
  async function reload() {
    loading.value = true
    error.value = null
    try {
      data.value = await fn()
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }
  onMounted(reload)
  return { data, loading, error, reload }
}
