import { describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { mayOpen, NAV_ITEMS } from './nav'
import { makeRouter } from './index'
import { useSessionStore } from '@/stores/session'
import { stubFetch } from '@/test/mount'
import type { Role, User } from '@/api/types'

/** The pages a role may open, as the side menu and the guard decide (`extra`: org_admin). */
function pagesFor(role: Role, extra: Partial<User> = {}): string[] {
  const pinia = createPinia()
  setActivePinia(pinia)
  const s = useSessionStore()
  s.user = { id: 1, username: role, display_name: role, roles: [role], ...extra }
  return NAV_ITEMS.filter((i) => !i.public && mayOpen(s, i)).map((i) => i.name).sort()
}

describe('pages by role match the API access rules (src/api/routes_*.cc)', () => {
  it('admin: not the officer, provider or expert steps the API refuses it; read pages, centers and jobs it may use', () => {
    expect(pagesFor('admin')).toEqual([
      'admin-users', 'auditor-audit', 'home', 'jobs', 'notices', 'officer-awards', 'officer-enforcement', 'officer-org-classes', 'officer-payouts', 'officer-pool',
      'officer-redemptions', 'officer-related-parties', 'officer-reports', 'officer-subsidies', 'programs', 'provider-centers', 'vouchers',
    ])
  })
  it('auditor: pool, reports, payout batches, awards and redemptions, the related-party and subsidy registers, organisation classes, the audit log and the accounts (read)', () => {
    expect(pagesFor('auditor')).toEqual([
      'admin-users', 'auditor-audit', 'home', 'jobs', 'notices', 'officer-awards', 'officer-enforcement', 'officer-org-classes', 'officer-payouts', 'officer-pool',
      'officer-redemptions', 'officer-related-parties', 'officer-reports', 'officer-subsidies', 'programs', 'vouchers',
    ])
  })
  it('applicant: its organisation, documents, contracts, applications and its own awards and redemptions', () => {
    expect(pagesFor('applicant')).toEqual(expect.arrayContaining([
      'applicant-applications', 'applicant-awards', 'applicant-contracts', 'applicant-documents', 'applicant-org', 'applicant-redemptions',
    ]))
    expect(pagesFor('applicant')).not.toContain('officer-awards')
    expect(pagesFor('applicant')).not.toContain('officer-redemptions')
    expect(pagesFor('applicant')).not.toContain('admin-users')
  })
  it('members: only an organisation\'s admin (GET /users answers it its members; other applicants 403)', () => {
    expect(pagesFor('applicant')).not.toContain('applicant-members')
    expect(pagesFor('applicant', { org_admin: false })).not.toContain('applicant-members')
    expect(pagesFor('applicant', { org_admin: true })).toContain('applicant-members')
    // org_admin belongs to applicants: no other role gets the page by it.
    expect(pagesFor('officer', { org_admin: true })).not.toContain('applicant-members')
    expect(pagesFor('admin', { org_admin: true })).not.toContain('applicant-members')
  })
  it('accounts: admin, officer and auditor (GET /users); API keys: the provider operator its own', () => {
    expect(pagesFor('officer')).toContain('admin-users')
    for (const r of ['provider', 'expert', 'applicant'] as const) expect(pagesFor(r)).not.toContain('admin-users')
    expect(pagesFor('provider')).toContain('provider-api-keys')
    for (const r of ['admin', 'officer', 'auditor', 'expert', 'applicant'] as const) expect(pagesFor(r)).not.toContain('provider-api-keys')
  })
  it('officer: the audit log too; expert: notices (panel.assigned) and their panels\' vouchers', () => {
    expect(pagesFor('officer')).toContain('auditor-audit')
    expect(pagesFor('officer')).toContain('officer-redemptions')
    expect(pagesFor('officer')).toContain('officer-org-classes')
    expect(pagesFor('officer')).not.toContain('applicant-redemptions')
    expect(pagesFor('officer')).not.toContain('provider-centers')
    expect(pagesFor('expert')).toEqual(['expert-claims', 'expert-conflicts', 'home', 'notices', 'programs', 'vouchers'])
    expect(pagesFor('provider')).toEqual([
      'home', 'notices', 'programs', 'provider-api-keys', 'provider-bills', 'provider-centers', 'provider-claims', 'provider-settlements', 'vouchers',
    ])
  })
  it('the guard sends an admin away from the application queue', async () => {
    stubFetch(() => ({ status: 200, body: { user: { id: 1, username: 'admin', display_name: '管理员', roles: ['admin'] }, csrf_token: 't' } }))
    const pinia = createPinia()
    const router = makeRouter(pinia, createMemoryHistory())
    await router.push('/officer/queues')
    expect(router.currentRoute.value.name).toBe('forbidden')
    await router.push('/officer/pool')
    expect(router.currentRoute.value.name).toBe('officer-pool')
  })
  it('the guard lets an organisation\'s admin onto /applicant/members and sends another applicant away', async () => {
    for (const [org_admin, lands] of [[true, 'applicant-members'], [false, 'forbidden']] as const) {
      stubFetch(() => ({ status: 200, body: { user: { id: 7, username: 'a', display_name: 'a', roles: ['applicant'], org_id: 4, org_admin }, csrf_token: 't' } }))
      const router = makeRouter(createPinia(), createMemoryHistory())
      await router.push('/applicant/members')
      expect(router.currentRoute.value.name).toBe(lands)
      await router.push('/applicant/org')
      expect(router.currentRoute.value.name).toBe('applicant-org')
    }
  })
  it('the session probe keeps must_change_password, and a sign-out forgets it', async () => {
    stubFetch(() => ({ status: 200, body: { user: { id: 9, username: 'cd-member', display_name: 'm', roles: ['applicant'], org_id: 4 }, csrf_token: 't', must_change_password: true } }))
    const pinia = createPinia()
    setActivePinia(pinia)
    const session = useSessionStore()
    await session.ensureLoaded()
    expect(session.mustChangePassword).toBe(true)
    await session.logout()
    expect(session.mustChangePassword).toBe(false)
  })
})
