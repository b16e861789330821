import { describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { NAV_ITEMS } from './nav'
import { makeRouter } from './index'
import { useSessionStore } from '@/stores/session'
import { stubFetch } from '@/test/mount'
import type { Role } from '@/api/types'

/** The pages a role may open, as the side menu and the guard decide. */
function pagesFor(role: Role): string[] {
  const pinia = createPinia()
  setActivePinia(pinia)
  const s = useSessionStore()
  s.user = { id: '1', username: role, display_name: role, roles: [role] }
  return NAV_ITEMS.filter((i) => !i.public && s.can(i.roles)).map((i) => i.name).sort()
}

describe('pages by role match the API access rules (src/api/routes_*.cc)', () => {
  it('admin: not the officer, provider or expert steps the API refuses it; read pages, centers and jobs it may use', () => {
    expect(pagesFor('admin')).toEqual([
      'auditor-audit', 'home', 'jobs', 'notices', 'officer-awards', 'officer-enforcement', 'officer-org-classes', 'officer-payouts', 'officer-pool',
      'officer-redemptions', 'officer-related-parties', 'officer-reports', 'officer-subsidies', 'programs', 'provider-centers', 'vouchers',
    ])
  })
  it('auditor: pool, reports, payout batches, awards and redemptions, the related-party and subsidy registers, organisation classes, and the audit log', () => {
    expect(pagesFor('auditor')).toEqual([
      'auditor-audit', 'home', 'jobs', 'notices', 'officer-awards', 'officer-enforcement', 'officer-org-classes', 'officer-payouts', 'officer-pool',
      'officer-redemptions', 'officer-related-parties', 'officer-reports', 'officer-subsidies', 'programs', 'vouchers',
    ])
  })
  it('applicant: its organisation, documents, contracts, applications and its own awards and redemptions', () => {
    expect(pagesFor('applicant')).toEqual(expect.arrayContaining([
      'applicant-applications', 'applicant-awards', 'applicant-contracts', 'applicant-documents', 'applicant-org', 'applicant-redemptions',
    ]))
    expect(pagesFor('applicant')).not.toContain('officer-awards')
    expect(pagesFor('applicant')).not.toContain('officer-redemptions')
  })
  it('officer: the audit log too; expert: notices (panel.assigned) and their panels\' vouchers', () => {
    expect(pagesFor('officer')).toContain('auditor-audit')
    expect(pagesFor('officer')).toContain('officer-redemptions')
    expect(pagesFor('officer')).toContain('officer-org-classes')
    expect(pagesFor('officer')).not.toContain('applicant-redemptions')
    expect(pagesFor('officer')).not.toContain('provider-centers')
    expect(pagesFor('expert')).toEqual(['expert-claims', 'expert-conflicts', 'home', 'notices', 'programs', 'vouchers'])
    expect(pagesFor('provider')).toEqual([
      'home', 'notices', 'programs', 'provider-bills', 'provider-centers', 'provider-claims', 'provider-settlements', 'vouchers',
    ])
  })
  it('the guard sends an admin away from the application queue', async () => {
    stubFetch(() => ({ status: 200, body: { user: { id: '1', username: 'admin', display_name: '管理员', roles: ['admin'] }, csrf_token: 't' } }))
    const pinia = createPinia()
    const router = makeRouter(pinia, createMemoryHistory())
    await router.push('/officer/queues')
    expect(router.currentRoute.value.name).toBe('forbidden')
    await router.push('/officer/pool')
    expect(router.currentRoute.value.name).toBe('officer-pool')
  })
})
