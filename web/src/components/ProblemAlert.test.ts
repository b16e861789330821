import { describe, expect, it } from 'vitest'
import ProblemAlert from './ProblemAlert.vue'
import { ApiError } from '@/api/errors'
import { mountWith } from '@/test/mount'

const problem = (p: Record<string, unknown>, status = 422) => new ApiError('problem', status, p)

describe('ProblemAlert: problem+json in the user language', () => {
  it('maps a stable code to a localized message, in zh-CN and English, with the field', () => {
    const err = problem({ type: 'about:blank', title: 'Bad', detail: 'contract.fee must be >= 0', code: 106, field: 'contract.fee' })
    const zh = mountWith(ProblemAlert, 'zh-CN', { props: { error: err } })
    expect(zh.text()).toContain('金额不能为负数')
    expect(zh.get('[data-test=problem-field]').text()).toContain('contract.fee')
    expect(zh.get('[data-test=problem-detail]').text()).toContain('contract.fee must be >= 0')
    const en = mountWith(ProblemAlert, 'en', { props: { error: err, fieldLabel: 'Contract fee (CNY)' } })
    expect(en.text()).toContain('An amount cannot be negative')
    expect(en.get('[data-test=problem-field]').text()).toContain('Contract fee (CNY)')
  })

  it('falls back from code to type name to status, then to the server detail', () => {
    const byType = problem({ type: 'https://x/problems/invalid-credentials', title: 'Unauthorized', detail: 'bad password' }, 401)
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: byType } }).text()).toContain('用户名或密码不正确')
    expect(mountWith(ProblemAlert, 'en', { props: { error: byType } }).text()).toContain('Wrong username or password')
    const byStatus = problem({ title: 'Conflict' }, 409)
    expect(mountWith(ProblemAlert, 'en', { props: { error: byStatus } }).text()).toContain('Conflict; reload and try again')
    const unknown = problem({ type: 'https://x/problems/something-new', title: 'Odd', detail: 'the server says why' }, 418)
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: unknown } }).text()).toContain('the server says why')
  })

  it('shows nothing without an error', () => {
    expect(mountWith(ProblemAlert, 'zh-CN', { props: { error: null } }).find('[data-test=problem]').exists()).toBe(false)
  })
})
