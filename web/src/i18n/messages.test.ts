import { describe, expect, it } from 'vitest'
import { makeI18n, LOCALES } from './index'
import zh from './zh-CN'

/** Every message key, dotted ("validation.username.chars"). */
function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('messages', () => {
  // vue-i18n compiles a message when it is first shown: a bare @ (linked message), { or | in
  // the text throws then, on that page only. Compile every one of them here.
  it.each(LOCALES)('every %s message compiles', (locale) => {
    const i18n = makeI18n(locale)
    const broken: string[] = []
    for (const k of keys(zh)) {
      try {
        i18n.global.t(k, { name: 'x', n: 1, max: 1, amount: '1', username: 'x', key: 'k', org: 'o' })
      } catch (e) {
        broken.push(`${k}: ${String(e).split('\n')[0]}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('the username rule shows its @', () => {
    expect(makeI18n('zh-CN').global.t('validation.username.chars')).toBe('只能使用小写字母、数字和 . _ - @')
    expect(makeI18n('en').global.t('validation.username.chars')).toBe('Lower-case letters, digits and . _ - @ only')
  })
})
