// A form's shared state for the workflow pages: touched fields, "submit tried", the server's
// last refusal (problem+json), and the message for each form item — the local check while
// typing, else the server's refusal when it names that field.
import { computed, reactive, ref, type ComputedRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { useProblem } from './problem'
import { hasErrors, type Check } from './forms'

export function useForm<K extends string>(checks: ComputedRef<Record<K, Check>>, serverField: (k: K) => string = (k) => k) {
  const { t } = useI18n()
  const touched = reactive({}) as Partial<Record<K, boolean>>
  const tried = ref(false)
  const busy = ref(false)
  const problem = useProblem()
  const messages = computed(() => {
    const out = {} as Record<K, string>
    for (const k of Object.keys(checks.value) as K[]) {
      const c = checks.value[k]
      const local = c && (tried.value || touched[k]) ? t(c.key, c.named ?? {}) : ''
      out[k] = local || problem.fieldError(serverField(k))
    }
    return out
  })
  function touch(k: K) {
    ;(touched as Record<K, boolean>)[k] = true
  }
  /** Runs `action` if the form is valid; a refusal is kept for ProblemAlert and the field. */
  async function submit<T>(action: () => Promise<T>): Promise<T | undefined> {
    tried.value = true
    problem.clear()
    if (hasErrors(checks.value)) return undefined
    busy.value = true
    try {
      return await action()
    } catch (e) {
      problem.set(e)
      return undefined
    } finally {
      busy.value = false
    }
  }
  function reset() {
    tried.value = false
    for (const k of Object.keys(touched) as K[]) delete touched[k]
    problem.clear()
  }
  return { touched, touch, tried, busy, problem, messages, submit, reset }
}
