import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ChangePasswordDialog from './ChangePasswordDialog.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { field, itemError, lastMessage, submitForm, typeInto, writes } from '@/test/dom'
import { setUnauthorizedHandler } from '@/api/client'
import { useSessionStore } from '@/stores/session'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  setUnauthorizedHandler(null)
  document.body.innerHTML = ''
})

const problem = (status: number, name: string, field: string, detail: string) =>
  ({ status, body: { type: `https://suanli.dev/problems/${name}`, title: name, status, detail, field } })

async function open(locale: 'zh-CN' | 'en') {
  const w = mountWith(ChangePasswordDialog, locale, { props: { modelValue: true } }, 'applicant')
  wrapper = w
  await flushPromises()
  return w
}

describe('ChangePasswordDialog', () => {
  it('checks while typing as the server counts (UTF-8 bytes), sends nothing while wrong, then posts and closes', async () => {
    const calls = stubFetch(() => ({ status: 200, body: { password_changed: true } }))
    const w = await open('zh-CN')
    await submitForm('pw-current')
    expect(await itemError('pw-current')).toBe('必填')
    // 密码a is 3 characters but 7 bytes: too short for the server.
    await typeInto('pw-current', 'old-pass-2024')
    await typeInto('pw-new', '密码a')
    expect(await itemError('pw-new')).toBe('密码至少 8 个字节(一个汉字占 3 字节)')
    await typeInto('pw-new', 'old-pass-2024')
    expect(await itemError('pw-new')).toBe('新密码不能与当前密码相同')
    // 密码甲 is 3 characters and 9 bytes: enough.
    await typeInto('pw-new', '密码甲')
    expect(await itemError('pw-new')).toBe('')
    await typeInto('pw-confirm', '密码乙')
    expect(await itemError('pw-confirm')).toBe('两次输入的密码不一致')
    await submitForm('pw-current')
    expect(writes(calls)).toEqual([])
    await typeInto('pw-confirm', '密码甲')
    await submitForm('pw-current')
    expect(writes(calls)).toEqual([['POST', '/api/v1/session/password', { current_password: 'old-pass-2024', new_password: '密码甲' }]])
    expect(new Headers(calls[0].init.headers).get('Idempotency-Key')).toBeNull()
    expect(lastMessage()).toContain('密码已修改')
    expect(w.emitted('update:modelValue')).toEqual([[false]])
  })

  it('a wrong current password (403 on current_password) lands on its field and does not sign out', async () => {
    const calls = stubFetch(() => problem(403, 'forbidden', 'current_password', 'the current password is wrong'))
    const signedOut = vi.fn()
    setUnauthorizedHandler(signedOut)
    const w = await open('zh-CN')
    await typeInto('pw-current', 'not-my-password')
    await typeInto('pw-new', 'a-new-pass-phrase')
    await typeInto('pw-confirm', 'a-new-pass-phrase')
    await submitForm('pw-current')
    expect(calls).toHaveLength(1)
    expect(await itemError('pw-current')).toBe('当前密码不正确')
    expect(await itemError('pw-new')).toBe('')
    const alert = document.querySelector('[data-test=problem]')!.textContent ?? ''
    expect(alert).toContain('当前密码')
    expect(alert).toContain('the current password is wrong')
    expect(signedOut).not.toHaveBeenCalled()
    expect(useSessionStore().user?.username).toBe('demo-applicant')
    expect(w.emitted('update:modelValue')).toBeUndefined()
  })

  it('the server\'s other refusals in English: same as current on new_password, too many attempts', async () => {
    let answer = problem(422, 'contradiction', 'new_password', 'the same as the current one')
    stubFetch(() => answer)
    await open('en')
    await typeInto('pw-current', 'pass-one-2024')
    await typeInto('pw-new', 'pass-two-2024')
    await typeInto('pw-confirm', 'pass-two-2024')
    await submitForm('pw-current')
    expect(await itemError('pw-new')).toBe('The new password must differ from the current one')
    answer = problem(429, 'rate_limited', '', 'too many failed attempts; retry in 60 s')
    await submitForm('pw-current')
    const alert = document.querySelector('[data-test=problem]')!.textContent ?? ''
    expect(alert).toContain('Too many requests; wait a moment')
    expect(alert).toContain('retry in 60 s')
    expect(await itemError('pw-new')).toBe('')
  })

  it('clears what was typed when it closes', async () => {
    stubFetch(() => ({ status: 200, body: {} }))
    const w = await open('en')
    await typeInto('pw-current', 'secret-typed')
    await w.setProps({ modelValue: false })
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect(field('pw-current').value).toBe('')
  })

  it('forced (someone else set the password): cannot be closed or cancelled, offers to sign out, and changed lifts the hold', async () => {
    stubFetch(() => ({ status: 200, body: { password_changed: true } }))
    const w = mountWith(ChangePasswordDialog, 'zh-CN', { props: { modelValue: true, forced: true } }, 'officer')
    wrapper = w
    const session = useSessionStore()
    session.mustChangePassword = true
    await flushPromises()
    expect(document.querySelector('[data-test=pw-forced]')!.textContent).toContain('当前密码由管理员设置')
    expect(document.querySelector('[data-test=password-dialog] .el-dialog__headerbtn')).toBeNull()
    expect(document.querySelector('[data-test=pw-cancel]')).toBeNull()
    ;(document.querySelector('[data-test=pw-sign-out]') as HTMLElement).click()
    await flushPromises()
    expect(w.emitted('sign-out')).toHaveLength(1)
    expect(w.emitted('update:modelValue')).toBeUndefined()
    await typeInto('pw-current', 'set-by-admin-1')
    await typeInto('pw-new', 'only-mine-2024')
    await typeInto('pw-confirm', 'only-mine-2024')
    await submitForm('pw-current')
    expect(session.mustChangePassword).toBe(false)
    expect(w.emitted('update:modelValue')).toEqual([[false]])
  })
})
