import { describe, expect, it } from 'vitest'
import * as v from './forms'
import { residentIdError } from './codes'

describe('form checks', () => {
  it("an API key's name: optional, at most 64 bytes in UTF-8, no control characters (api_keys.cc)", () => {
    expect(v.apiKeyName('')).toBeNull()
    expect(v.apiKeyName('   ')).toBeNull()
    expect(v.apiKeyName('计费系统 billing')).toBeNull()
    expect(v.apiKeyName('系'.repeat(21) + 'a')).toBeNull() // 64 bytes
    expect(v.apiKeyName('系'.repeat(22))).toEqual({ key: 'validation.maxBytes', named: { max: 64 } }) // 66
    expect(v.apiKeyName('a\tb')).toEqual({ key: 'validation.noControl' })
  })

  it('resident ID: length, characters and the GB 11643 check character', () => {
    expect(residentIdError('510107198505051230')).toBeNull() // check digit 0 (tests/http's generator)
    expect(residentIdError('51010719850505123X')).toBe('check')
    expect(residentIdError('5101071985050512')).toBe('length')
    expect(residentIdError('51010719850505A230')).toBe('character')
    expect(v.residentId('')).toEqual({ key: 'validation.required' })
    expect(v.residentId(' 510107198505051230 ')).toBeNull()
  })

  it('USCC through the shared rule', () => {
    expect(v.uscc('91510100MA6TYT0011')).toBeNull()
    expect(v.uscc('91510100MA6TYT0010')).toEqual({ key: 'validation.uscc.check' })
    expect(v.uscc('91510100ma6tyt0011')).toBeNull() // typed in lower case, sent upper case
  })

  it('money: required, positive, at most two decimals; the value sent is a decimal string', () => {
    expect(v.money('')).toEqual({ key: 'validation.money.empty' })
    expect(v.money('0')).toEqual({ key: 'validation.positive' })
    expect(v.money('1.234')).toEqual({ key: 'validation.money.decimals' })
    expect(v.money('-5')).toEqual({ key: 'validation.money.negative' })
    expect(v.money('', { required: false })).toBeNull()
    expect(v.money('0', { required: false, positive: false })).toBeNull()
    expect(v.moneyValue('¥1,234.5')).toBe('1234.50')
    expect(v.moneyValue('30000.01')).toBe('30000.01')
  })

  it('quarter, date, username, password', () => {
    expect(v.quarter('2024Q2')).toBeNull()
    expect(v.quarter('2024Q5')).toEqual({ key: 'validation.quarter' })
    expect(v.date('2024-02-30')).toEqual({ key: 'validation.date' })
    expect(v.date('2024-02-29')).toBeNull()
    expect(v.username('ab')).toEqual({ key: 'validation.username.length' })
    expect(v.username('Alpha')).toEqual({ key: 'validation.username.chars' })
    expect(v.username('alpha-admin@x.cn')).toBeNull()
    expect(v.password('1234567')).toEqual({ key: 'validation.password' })
  })

  it('counts a password and a display name in UTF-8 bytes, as the server does', () => {
    // 3 汉字 are 9 bytes: enough for the server, though only 3 characters.
    expect(v.utf8Bytes('密码甲')).toBe(9)
    expect(v.password('密码甲')).toBeNull()
    expect(v.password('密码')).toEqual({ key: 'validation.password' }) // 6 bytes
    expect(v.password('12345678')).toBeNull()
    expect(v.password('x'.repeat(1024))).toBeNull()
    expect(v.password('x'.repeat(1022) + '码')).toEqual({ key: 'validation.maxBytes', named: { max: 1024 } })
    expect(v.displayName('  ')).toEqual({ key: 'validation.required' })
    expect(v.displayName('张'.repeat(42))).toBeNull() // 126 bytes
    expect(v.displayName('张'.repeat(43))).toEqual({ key: 'validation.maxBytes', named: { max: 128 } })
  })

  it('shows errors only for touched fields until submit is tried', () => {
    const errors = { a: v.required(''), b: v.required('') }
    expect(v.visible(errors, {}, false)).toEqual({ a: null, b: null })
    expect(v.visible(errors, { a: true }, false)).toEqual({ a: { key: 'validation.required' }, b: null })
    expect(v.visible(errors, {}, true)).toEqual(errors)
    expect(v.hasErrors(errors)).toBe(true)
    expect(v.hasErrors({ a: null })).toBe(false)
  })
})
