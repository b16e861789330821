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
    if (url.startsWith('/api/v1/related-parties/all')) return { status: 200, body: { items: [], next_cursor: null } }
    if (url.startsWith('/api/v1/related-parties')) return { status: 200, body: { items: parties, next_cursor: null } }
    return { status: 200, body: { items: [], next_cursor: null } }
  })
}

/** Clicks the option containing `text` in a select's dropdown (each select's is in document.body, named by its popper-class). */
async function pickOption(popper: string, text: string) {
  ;[...document.body.querySelectorAll<HTMLElement>(`.${popper} .el-select-dropdown__item`)].find((o) => o.textContent?.includes(text))!.click()
  await flushPromises()
}

async function byOwnerTab(w: VueWrapper) {
  await w.get('#tab-owner').trigger('click')
  await flushPromises()
}

async function openOrg(locale: 'zh-CN' | 'en') {
  const w = mountWith(RelatedPartiesView, locale, {}, 'officer')
  wrapper = w
  await flushPromises()
  await byOwnerTab(w)
  await pickOption('rp-owner-popper', '成都甲')
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
  it('lists every owner\'s declarations with names, filters by owner, pages on, and opens one owner', async () => {
    const all = [
      { id: 5, owner: 'org/3', owner_name: org.name, relation: 'shareholder', party: '成都智算中心', declared_at: '2024-03-15T09:30:00+08:00' },
      { id: 7, owner: 'provider/2', owner_name: '成都智算中心', relation: 'affiliate', party: '乙控股', declared_at: '2024-03-16T10:00:00+08:00' },
      { id: 9, owner: 'org/3', owner_name: org.name, relation: 'affiliate', party: '甲控股', declared_at: '2024-03-17T11:00:00+08:00' },
    ]
    const calls = stubFetch((url) => {
      if (url.startsWith('/api/v1/orgs')) return { status: 200, body: { items: [org], next_cursor: null } }
      if (url.startsWith('/api/v1/providers')) return { status: 200, body: { items: [{ id: 2, name: '成都智算中心', uscc: '91510100MA6CA00021', region: '成都', tags: [] }], next_cursor: null } }
      if (url.startsWith('/api/v1/related-parties/all')) {
        const q = new URL(url, 'http://x').searchParams
        const after = Number(q.get('after') ?? 0)
        const rows = all.filter((r) => r.id > after && (!q.get('org_id') || r.owner === `org/${q.get('org_id')}`)).slice(0, 2)
        return { status: 200, body: { items: rows, next_cursor: rows.length === 2 ? rows[1].id : null } }
      }
      return { status: 200, body: { items: all.filter((r) => url.includes(encodeURIComponent(r.owner))), next_cursor: null } }
    })
    const w = mountWith(RelatedPartiesView, 'zh-CN', {}, 'officer')
    wrapper = w
    await flushPromises()
    const listed = () => calls.filter((c) => c.url.startsWith('/api/v1/related-parties/all')).map((c) => c.url)
    expect(listed()).toEqual(['/api/v1/related-parties/all'])
    let rows = w.findAll('[data-test=rp-all-table] tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('成都甲智能科技有限公司')
    expect(rows[0].text()).toContain('股东')
    expect(rows[0].text()).toContain('2024-03-15 09:30')
    expect(rows[1].text()).toContain('算力供给方')
    await w.get('[data-test=rp-all-more]').trigger('click')
    await flushPromises()
    expect(listed()[1]).toBe('/api/v1/related-parties/all?after=7')
    expect(w.findAll('[data-test=rp-all-table] tbody tr')).toHaveLength(3)

    // Only organisation 3's.
    await pickOption('rp-all-filter-popper', '成都甲')
    expect(listed()[2]).toBe('/api/v1/related-parties/all?org_id=3')
    rows = w.findAll('[data-test=rp-all-table] tbody tr')
    expect(rows.map((r) => r.text().includes('成都甲智能科技有限公司'))).toEqual([true, true])

    // Opening an owner shows its declarations where an officer can withdraw them.
    await w.get('[data-test=rp-all-open-9]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url === '/api/v1/related-parties?owner=org%2F3')).toBe(true)
    expect(w.find('[data-test=rp-withdraw-9]').exists()).toBe(true)
  })

  it('lets an auditor read declarations but not declare or withdraw', async () => {
    serve([])
    const w = mountWith(RelatedPartiesView, 'en', {}, 'auditor')
    wrapper = w
    await flushPromises()
    expect(w.get('[data-test=rp-all-table]').text()).toContain('No related party declared.')
    await byOwnerTab(w)
    await pickOption('rp-owner-popper', '成都甲')
    expect(w.get('[data-test=rp-table]').text()).toContain('甲控股')
    expect(w.find('[data-test=rp-submit]').exists()).toBe(false)
    expect(w.find('[data-test=rp-withdraw-5]').exists()).toBe(false)
  })
})
