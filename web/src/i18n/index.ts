// vue-i18n with 简体中文 as the default and English as the second language. The choice is
// remembered in localStorage ('suanli.locale') and also sets <html lang>.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']
export const DEFAULT_LOCALE: Locale = 'zh-CN'
const STORAGE_KEY = 'suanli.locale'

export function savedLocale(): Locale {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY)
    return v === 'en' || v === 'zh-CN' ? v : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export function makeI18n(locale: Locale = savedLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages: { 'zh-CN': zhCN, en },
    missingWarn: false,
    fallbackWarn: false,
  })
}

export type AppI18n = ReturnType<typeof makeI18n>

/** Switches the language (pass the `locale` ref of useI18n() or i18n.global) and remembers it. */
export function applyLocale(current: { value: string }, locale: Locale): void {
  current.value = locale
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  } catch {
    /* private mode: not remembered */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}
