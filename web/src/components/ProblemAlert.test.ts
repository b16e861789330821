import { describe, expect, it } from 'vitest'
import ProblemAlert from './ProblemAlert.vue'
import { ApiError, PROBLEM_NAMES } from '@/api/errors'
import { mountWith } from '@/test/mount'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'

/** A problem exactly as src/http/problem.cc writes it: type https://suanli.dev/problems/<name>, title = name. */
const problem = (status: number, code: number, detail: string, field?: string) => {
  const name = PROBLEM_NAMES[code]
  return new ApiError('problem', status, { type: `https://suanli.dev/problems/${name}`, title: name, status, detail, code, ...(field ? { field } : {}) })
}

describe('ProblemAlert: problem+json in the user language', () => {
  it('maps the problem to a localized message, in zh-CN and English, with the field', () => {
    const err = problem(422, 106, 'contract.fee must be >= 0', 'contract.fee')
    const zhw = mountWith(ProblemAlert, 'zh-CN', { props: { error: err } })
    expect(zhw.text()).toContain('金额不能为负数')
    expect(zhw.get('[data-test=problem-field]').text()).toContain('contract.fee')
    expect(zhw.get('[data-test=problem-detail]').text()).toContain('contract.fee must be >= 0')
    const enw = mountWith(ProblemAlert, 'en', { props: { error: err, fieldLabel: 'Contract fee (CNY)' } })
    expect(enw.text()).toContain('An amount cannot be negative')
    expect(enw.get('[data-test=problem-field]').text()).toContain('Contract fee (CNY)')
  })

  it('says "wrong username or password" for the login form\'s 401 (code 300), not "session expired"', () => {
    const err = problem(401, 300, 'wrong username or password')
    const login = mountWith(ProblemAlert, 'zh-CN', { props: { error: err, context: 'login' } }).text()
    expect(login).toContain('用户名或密码不正确')
    expect(login).not.toContain('登录已失效')
    expect(mountWith(ProblemAlert, 'en', { props: { error: err, context: 'login' } }).text()).toContain('Wrong username or password')
    // Elsewhere the same problem means there is no (longer a) session.
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: problem(401, 300, 'sign in first') } }).text()).toContain('尚未登录或登录已失效')
  })

  it('tells a missing CSRF token (403 forbidden on X-CSRF-Token) from a role the route refuses', () => {
    const csrf = problem(403, 301, 'missing or wrong CSRF token', 'X-CSRF-Token')
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: csrf } }).text()).toContain('页面已过期,请刷新后重试')
    const role = problem(403, 301, 'the role admin may not decide an application')
    expect(mountWith(ProblemAlert, 'en', { props: { error: role } }).text()).toContain('You are not allowed to do this')
  })

  it('has a message for every problem the server sends, and none for names it never sends', () => {
    const sent = [...Object.values(PROBLEM_NAMES), 'network', 'not_implemented'].sort()
    expect(Object.keys(zh.errors.type).sort()).toEqual(sent)
    expect(Object.keys(en.errors.type).sort()).toEqual(sent)
  })

  it('falls back from the name to the status, then to the server detail', () => {
    const byStatus = new ApiError('problem', 409, { title: 'Conflict' })
    expect(mountWith(ProblemAlert, 'en', { props: { error: byStatus } }).text()).toContain('Conflict; reload and try again')
    const byCode = new ApiError('problem', 409, { error: 'exceeds_limit', code: 306 }) // the CLI's shape: a code, no type
    expect(mountWith(ProblemAlert, 'en', { props: { error: byCode } }).text()).toContain('Above the balance or limit')
    const unknown = new ApiError('problem', 418, { type: 'https://x/problems/something-new', title: 'Odd', detail: 'the server says why' })
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: unknown } }).text()).toContain('the server says why')
  })

  it('shows nothing without an error', () => {
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: null } }).find('[data-test=problem]').exists()).toBe(false)
  })
})
