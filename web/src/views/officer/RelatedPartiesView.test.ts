import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import RelatedPartiesView from './RelatedPartiesView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const org = { id: 3, name: '成都甲智能科技有限公司', uscc: '91510100MA6CGUGA1W' }
/** The server: org/3 declared two parties; each withdrawal answers from `answers` in turn. */
function serve(answers: { status: number; body: unknown }[]) {
  let parties = [
    { id: 5, owner: 'org/3', relation: 'shareholder', party: '成都智算中心' },
    { id: 6, owner: 'org/3', relation: 'affiliate', party: '甲控股' },
  ]
  return stubFetch((url, init) => {
    if (init?.method === 'POST') {
      const a = answers.shift()!
      if (a.status === 200) parties = parties.filter((p) => !url.includes(`/${p.id}/`))
      return a
    }
    if (url.startsWith('/api/v1/orgs')) return { status: 200, body: { items: [org], next_cursor: null } }
    if (url.startsWith('/api/v1/related-parties')) return { status: 200, body: { items: parties, next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

async function openOrg(locale: 'zh-CN' | 'en') {
  const w = mountWith(RelatedPartiesView, locale, {}, 'officer')
  wrapper = w
  await flushPromises()
  await w.get('[data-test=rp-owner]').trigger('click')
  await flushPromises()
  ;[...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('成都甲'))!.click()
  await flushPromises()
  return w
}

const dialogSubmit = async () => {
  const reason = document.querySelector('textarea[data-test=rp-withdraw-reason]') as HTMLTextAreaElement
  reason.form!.dispatchEvent(new Event('submit', { cancelable: true }))
  await flushPromises()
  return reason
}
async function typeReason(text: string) {
  const reason = document.querySelector('textarea[data-test=rp-withdraw-reason]') as HTMLTextAreaElement
  reason.value = text
  reason.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('RelatedPartiesView (officer)', () => {
  it("reads an organisation's declarations and withdraws one with a reason", async () => {
    const calls = serve([{ status: 200, body: { withdrawn: 5 } }])
    const w = await openOrg('zh-CN')
    expect(calls.some((c) => c.url === '/api/v1/related-parties?owner=org%2F3')).toBe(true)
    expect(w.get('[data-test=rp-table]').text()).toContain('成都智算中心')
    await w.get('[data-test=rp-withdraw-5]').trigger('click')
    await flushPromises()
    expect(document.querySelector('[data-test=rp-withdraw-what]')!.textContent).toContain('股东:成都智算中心')
    // No reason: refused on its field, nothing sent.
    const reason = await dialogSubmit()
    await new Promise((r) => setTimeout(r, 150))
    expect(reason.closest('.el-form-item')!.querySelector('.el-form-item__error')?.textContent).toContain('必填')
    expect(calls.filter((c) => c.init?.method === 'POST')).toEqual([])
    await typeReason('股权已于 2023 年转让,申报有误')
    await dialogSubmit()
    const post = calls.find((c) => c.init?.method === 'POST')!
    expect(post.url).toBe('/api/v1/related-parties/5/withdrawal')
    expect(JSON.parse(String(post.init.body))).toEqual({ reason: '股权已于 2023 年转让,申报有误' })
    expect(w.get('[data-test=rp-table]').text()).not.toContain('成都智算中心')
    expect(w.get('[data-test=rp-table]').text()).toContain('甲控股')
  })

  it("shows the server's refusal in the dialog", async () => {
    serve([{ status: 404, body: { type: 'https://suanli.dev/problems/not_found', title: 'not_found', status: 404, detail: 'no related_party 6', code: 204, field: 'related_party_id' } }])
    const w = await openOrg('en')
    await w.get('[data-test=rp-withdraw-6]').trigger('click')
    await flushPromises()
    await typeReason('duplicate')
    await dialogSubmit()
    const alert = document.querySelector('.el-dialog [data-test=problem]')!.textContent!
    expect(alert).toContain('Not found')
    expect(alert).toContain('no related_party 6')
  })
})
