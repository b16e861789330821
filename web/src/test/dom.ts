// What the tests of dialogs need from the document itself: Element Plus teleports dialogs,
// select menus and confirmation boxes to <body>, out of the mounted wrapper's reach.
import { flushPromises } from '@vue/test-utils'
import { expect } from 'vitest'

const settle = async (ms = 0) => {
  await flushPromises()
  if (ms) await new Promise((r) => setTimeout(r, ms))
  await flushPromises()
}

/** The input marked `data-test` (on the input itself, or on the component around it). */
export function field(test: string): HTMLInputElement {
  const el = document.querySelector<HTMLElement>(`[data-test="${test}"]`)
  expect(el, `[data-test=${test}]`).toBeTruthy()
  const input = el instanceof HTMLInputElement ? el : el!.querySelector('input')
  expect(input, `input of [data-test=${test}]`).toBeTruthy()
  return input as HTMLInputElement
}

/** Types `value` into the input marked `data-test`, as a person would (an input event). */
export async function typeInto(test: string, value: string) {
  const input = field(test)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await settle()
}

/** The message under the form item holding `data-test` ('' for none); Element Plus debounces it. */
export async function itemError(test: string): Promise<string> {
  await settle(150)
  return field(test).closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}

/** Presses the element marked `data-test` wherever it is in the document. */
export async function press(test: string) {
  const el = document.querySelector<HTMLElement>(`[data-test="${test}"]`)
  expect(el, `[data-test=${test}]`).toBeTruthy()
  el!.click()
  await settle()
}

/** Submits the form holding the input marked `data-test` (Enter in the form). */
export async function submitForm(test: string) {
  field(test).form!.dispatchEvent(new Event('submit', { cancelable: true }))
  await settle()
}

/** Opens the select marked `data-test` and picks the visible option whose text contains `label`. */
export async function pick(test: string, label: string) {
  const select = document.querySelector<HTMLElement>(`[data-test="${test}"]`)
  expect(select, `[data-test=${test}]`).toBeTruthy()
  ;(select!.querySelector('.el-select__wrapper') as HTMLElement | null ?? select!).click()
  await settle()
  const options = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].filter((e) => e.textContent?.includes(label))
  expect(options.length, `option ${label}`).toBeGreaterThan(0)
  options[options.length - 1].click()
  await settle()
}

/** Waits for Element Plus's confirmation box, presses a button, and answers the box's text. */
export async function answerConfirm(which: 'confirm' | 'cancel'): Promise<string> {
  for (let i = 0; i < 50 && !document.querySelector('.el-message-box'); i++) await new Promise((r) => setTimeout(r, 20))
  const box = document.querySelector<HTMLElement>('.el-message-box')
  expect(box, 'a confirmation box').not.toBeNull()
  const text = box!.textContent ?? ''
  const buttons = box!.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')
  ;(which === 'confirm' ? buttons[buttons.length - 1] : buttons[0]).click()
  await settle(50)
  // The box leaves the document after its transition; the next one must not find this one.
  for (let i = 0; i < 50 && document.querySelector('.el-message-box'); i++) await new Promise((r) => setTimeout(r, 20))
  document.querySelectorAll('.el-overlay.is-message-box').forEach((e) => e.remove())
  return text
}

/** The text of the visible dialog marked `data-test`, or '' when it is closed. */
export function dialogText(test: string): string {
  const d = document.querySelector<HTMLElement>(`[data-test="${test}"]`)
  if (!d) return ''
  const overlay = d.closest<HTMLElement>('.el-overlay')
  if (overlay && overlay.style.display === 'none') return ''
  return d.textContent ?? ''
}

/** The last success or warning message shown (ElMessage). */
export const lastMessage = () => [...document.querySelectorAll('.el-message')].map((e) => e.textContent ?? '').pop() ?? ''

/** The calls that write (not GET), as [method, url, JSON body or null]. */
export const writes = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.init?.method && c.init.method !== 'GET')
    .map((c) => [c.init.method, c.url, c.init.body ? JSON.parse(String(c.init.body)) : null])
