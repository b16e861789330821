// Routes, each guarded by the roles in nav.ts: not logged in → /login?redirect=…; logged in
// without the role (or, on an organisation's-admin page, not its admin) → the "not allowed"
// page, which says where to go instead.
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import type { Pinia } from 'pinia'
import { useSessionStore } from '@/stores/session'
import { orgAdminOnly, rolesFor } from './nav'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    roles?: Role[]
    /** Only for an organisation's admin (the session user's org_admin). */
    orgAdmin?: boolean
  }
}

const Layout = () => import('@/layouts/AdminLayout.vue')

const guarded = (name: string, path: string, component: RouteRecordRaw['component'], props?: object): RouteRecordRaw => ({
  path,
  name,
  component: component!,
  meta: { roles: rolesFor(name), ...(orgAdminOnly(name) ? { orgAdmin: true } : {}) },
  props: props ?? false,
})

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
  { path: '/register', name: 'register', component: () => import('@/views/RegisterView.vue'), meta: { public: true } },
  {
    path: '/',
    component: Layout,
    children: [
      guarded('home', '', () => import('@/views/HomeView.vue')),
      guarded('programs', 'programs', () => import('@/views/ProgramsView.vue')),
      { path: 'programs/:id', name: 'program', component: () => import('@/views/ProgramDetailView.vue'), props: true },
      { path: 'catalogue', name: 'catalogue', component: () => import('@/views/network/CatalogueView.vue'), meta: { public: true } },
      { path: 'centers/:id', name: 'center', component: () => import('@/views/network/CenterDetailView.vue'), props: true, meta: { public: true } },
      guarded('jobs', 'jobs', () => import('@/views/network/JobsView.vue')),
      guarded('quote', 'quote', () => import('@/views/QuoteView.vue')),
      guarded('vouchers', 'vouchers', () => import('@/views/VouchersView.vue')),
      {
        path: 'vouchers/:id', name: 'voucher', component: () => import('@/views/VoucherDetailView.vue'), props: true,
        meta: { roles: rolesFor('vouchers') },
      },
      guarded('notices', 'notices', () => import('@/views/NoticesView.vue')),
      guarded('applicant-org', 'applicant/org', () => import('@/views/applicant/OrgView.vue')),
      guarded('applicant-documents', 'applicant/documents', () => import('@/views/applicant/DocumentsView.vue')),
      guarded('applicant-contracts', 'applicant/contracts', () => import('@/views/applicant/ContractsView.vue')),
      guarded('applicant-applications', 'applicant/applications', () => import('@/views/applicant/ApplicationsView.vue')),
      guarded('applicant-members', 'applicant/members', () => import('@/views/applicant/MembersView.vue')),
      guarded('provider-settlements', 'provider/settlements', () => import('@/views/provider/SettlementsView.vue')),
      guarded('provider-claims', 'provider/claims', () => import('@/views/provider/ClaimsView.vue')),
      guarded('provider-centers', 'provider/centers', () => import('@/views/provider/CentersView.vue')),
      guarded('provider-bills', 'provider/bills', () => import('@/views/provider/MeteredBillsView.vue')),
      guarded('provider-api-keys', 'provider/api-keys', () => import('@/views/provider/ApiKeysView.vue')),
      guarded('officer-queues', 'officer/queues', () => import('@/views/officer/QueuesView.vue')),
      guarded('officer-panels', 'officer/panels', () => import('@/views/officer/ClaimReviewView.vue')),
      guarded('officer-pool', 'officer/pool', () => import('@/views/PoolView.vue')),
      guarded('officer-payouts', 'officer/payouts', () => import('@/views/officer/PayoutsView.vue')),
      guarded('officer-reports', 'officer/reports', () => import('@/views/officer/ReportsView.vue')),
      guarded('officer-awards', 'officer/awards', () => import('@/views/officer/AwardsView.vue')),
      guarded('applicant-awards', 'applicant/awards', () => import('@/views/officer/AwardsView.vue')),
      guarded('officer-redemptions', 'officer/redemptions', () => import('@/views/officer/RedemptionsView.vue')),
      guarded('applicant-redemptions', 'applicant/redemptions', () => import('@/views/officer/RedemptionsView.vue')),
      guarded('officer-enforcement', 'officer/enforcement', () => import('@/views/officer/EnforcementView.vue')),
      guarded('officer-related-parties', 'officer/related-parties', () => import('@/views/officer/RelatedPartiesView.vue')),
      guarded('officer-subsidies', 'officer/subsidies', () => import('@/views/officer/SubsidiesView.vue')),
      guarded('officer-provider-lists', 'officer/provider-lists', () => import('@/views/officer/ProviderListsView.vue')),
      guarded('officer-org-classes', 'officer/org-classes', () => import('@/views/officer/OrgClassesView.vue')),
      guarded('expert-conflicts', 'expert/conflicts', () => import('@/views/expert/ConflictsView.vue')),
      guarded('expert-claims', 'expert/claims', () => import('@/views/expert/AssignedClaimsView.vue')),
      guarded('auditor-audit', 'auditor/audit', () => import('@/views/AuditView.vue')),
      guarded('admin-users', 'admin/users', () => import('@/views/admin/AccountsView.vue')),
      { path: 'forbidden', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue') },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
    ],
  },
]

export function makeRouter(pinia: Pinia, history = createWebHistory()): Router {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    const session = useSessionStore(pinia)
    await session.ensureLoaded()
    if (!session.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
    const roles = to.matched.flatMap((r) => r.meta.roles ?? [])
    if (roles.length && !session.can(roles)) return { name: 'forbidden', query: { from: to.fullPath } }
    if (to.matched.some((r) => r.meta.orgAdmin) && !session.user?.org_admin) return { name: 'forbidden', query: { from: to.fullPath } }
    return true
  })
  return router
}
