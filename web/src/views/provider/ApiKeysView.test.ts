import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ApiKeysView from './ApiKeysView.vue'
import { mountWith, stubFetch } from '@/test/mount'
import { answerConfirm, field, itemError, lastMessage, press, typeInto, writes } from '@/test/dom'
import type { User } from '@/api/types'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const OPERATOR: User = { id: 5, username: 'op-ai', display_name: '成都智算中心 运营', roles: ['provider'], provider_id: 2 }
const SECRET = 'sk_k2_9f8e7d6c5b4a39281706f5e4d3c2b1a0'

/**
 * The operator's own keys (GET/POST /users/5/api-keys, DELETE …/{key_id}): k1 named and used,
 * a new one named as asked and never used; `issue` answers a POST.
 */
function serve(issue: { status: number; body: unknown } = { status: 201, body: { key_id: 'k2', api_key: SECRET, name: null } }) {
  let keys = [{ key_id: 'k1', name: '计费系统', created_at: '2024-03-10T02:00:00Z', revoked: false, last_used_at: '2024-03-15T01:30:00Z' as string | null }]
  return stubFetch((url, init) => {
    if (url === '/api/v1/users/5/api-keys' && init?.method === 'POST') {
      const name = init.body ? JSON.parse(String(init.body)).name : null
      if (issue.status === 201) keys = [...keys, { key_id: 'k2', name, created_at: '2024-03-15T02:00:00Z', revoked: false, last_used_at: null }]
      return issue.status === 201 ? { ...issue, body: { ...(issue.body as object), name } } : issue
    }
    const m = /^\/api\/v1\/users\/5\/api-keys\/(\w+)$/.exec(url)
    if (m && init?.method === 'DELETE') {
      keys = keys.map((k) => (k.key_id === m[1] ? { ...k, revoked: true } : k))
      return { status: 200, body: { revoked: true } }
    }
    if (url === '/api/v1/users/5/api-keys') return { status: 200, body: { items: keys } }
    return { status: 404, body: {} }
  })
}

async function mountView(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const w = mountWith(ApiKeysView, locale, {}, OPERATOR)
  wrapper = w
  await flushPromises()
  return w
}
const keyRows = (w: VueWrapper) => w.findAll('[data-test=keys-table] .el-table__body tr').map((r) => r.text())

describe('ApiKeysView (a provider operator\'s own keys)', () => {
  it('lists its own keys, issues one shown once with a warning, and forgets it on "I\'ve saved it"', async () => {
    const calls = serve()
    const w = await mountView()
    expect(calls[0].url).toBe('/api/v1/users/5/api-keys')
    expect(keyRows(w)).toEqual([expect.stringContaining('k1')])
    expect(keyRows(w)[0]).toContain('2024-03-10 10:00')
    expect(w.find('[data-test=issued]').exists()).toBe(false)
    await press('key-issue')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/5/api-keys', null]])
    expect(field('issued-key').value).toBe(SECRET)
    expect(field('issued-key').readOnly).toBe(true)
    expect(w.get('[data-test=issued]').text()).toContain('新密钥已签发,请立即复制并妥善保存')
    expect(w.get('[data-test=issued-warning]').text()).toBe('密钥只显示这一次,关闭后无法再次查看;遗失只能吊销后重新签发。')
    // In the server's order, the new one marked; the list itself never carries a secret.
    expect(keyRows(w)).toEqual([expect.stringContaining('k1'), expect.stringContaining('k2')])
    expect(w.findAll('[data-test=keys-table] .el-table__body tr.issued-row').map((r) => r.text())).toEqual([expect.stringContaining('k2')])
    expect(keyRows(w).join()).not.toContain(SECRET)
    await press('issued-saved')
    expect(w.find('[data-test=issued]').exists()).toBe(false)
    expect(w.find('[data-test=keys-table] tr.issued-row').exists()).toBe(false)
    expect(document.body.innerHTML).not.toContain(SECRET)
  })

  it('names a new key and shows each key\'s name and last use; a name too long is refused before sending', async () => {
    const calls = serve()
    const w = await mountView()
    expect(w.get('[data-test=key-name-k1]').text()).toBe('计费系统')
    expect(w.get('[data-test=key-used-k1]').text()).toBe('2024-03-15 09:30')
    await typeInto('key-name', '调度系统调度系统调度系统调度系统调度系统调度系统') // 24 汉字 = 72 bytes
    await press('key-issue')
    expect(await itemError('key-name')).toBe('最多 64 字节(一个汉字占 3 字节)')
    expect(writes(calls)).toEqual([])
    await typeInto('key-name', '  调度系统 ')
    await press('key-issue')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/5/api-keys', { name: '调度系统' }]])
    expect(w.get('[data-test=issued]').text()).toContain('新密钥“调度系统”已签发')
    expect(w.get('[data-test=key-name-k2]').text()).toBe('调度系统')
    expect(w.get('[data-test=key-used-k2]').text()).toBe('从未使用')
    expect(field('key-name').value).toBe('')
  })

  it('the server\'s refusal of a name lands on its field, in English', async () => {
    serve({ status: 422, body: { type: 'https://suanli.dev/problems/out_of_range', title: 'out_of_range', status: 422, field: 'name', detail: '1 to 64 bytes' } })
    const w = await mountView('en')
    expect(w.get('[data-test=key-used-k1]').text()).toBe('2024-03-15 09:30')
    await typeInto('key-name', 'billing')
    await press('key-issue')
    expect(await itemError('key-name')).not.toBe('')
    expect(w.get('[data-test=problem]').text()).toContain('1 to 64 bytes')
    expect(w.find('[data-test=issued]').exists()).toBe(false)
  })

  it('without a clipboard, Copy selects the key and says to press Ctrl+C', async () => {
    serve()
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })
    await mountView('en')
    await press('key-issue')
    await press('issued-copy')
    expect(lastMessage()).toContain('Could not copy: select the key and press Ctrl+C')
    const input = field('issued-key')
    expect(input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0)).toBe(SECRET)
  })

  it('revokes after a confirmation naming the key: it stays listed as revoked, with the secret gone if it was the one shown', async () => {
    const calls = serve()
    const w = await mountView()
    await press('key-issue')
    await press('key-revoke-k2')
    expect(await answerConfirm('cancel')).toContain('吊销密钥 k2')
    expect(writes(calls)).toEqual([['POST', '/api/v1/users/5/api-keys', null]])
    await press('key-revoke-k2')
    expect(await answerConfirm('confirm')).toContain('确定吊销')
    expect(writes(calls)[1]).toEqual(['DELETE', '/api/v1/users/5/api-keys/k2', null])
    expect(w.get('[data-test=key-status-k2]').text()).toBe('已吊销')
    expect(w.find('[data-test=key-revoke-k2]').exists()).toBe(false)
    expect(w.find('[data-test=issued]').exists()).toBe(false)
    expect(w.get('[data-test=key-status-k1]').text()).toBe('有效')
  })

  it('shows a refused issue (409: the account is disabled) with its detail, and no key', async () => {
    serve({ status: 409, body: { type: 'https://suanli.dev/problems/state_conflict', title: 'state_conflict', status: 409, field: 'user_id', detail: 'the account is disabled' } })
    const w = await mountView('en')
    await press('key-issue')
    expect(w.get('[data-test=problem]').text()).toContain('the account is disabled')
    expect(w.find('[data-test=issued]').exists()).toBe(false)
  })
})
