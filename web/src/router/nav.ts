// The console's pages and who may open them: the one table behind the side menu and the
// route guard. Routes without roles are open to every logged-in user. Each page's roles are
// the roles the API lets do what the page is for (src/api/routes_*.cc): no role, admin
// included, sees a page whose every call the server would refuse it. A page some roles may
// only read (payouts, enforcement, audit, accounts) hides its writing parts from them. A page
// for an organisation's admin (its members) also asks the session's user to be one (org_admin).
import type { Role, User } from '@/api/types'

export interface NavItem {
  path: string
  name: string
  /** i18n key of its label. */
  label: string
  roles?: Role[]
  icon?: string
  /** Open without logging in (the catalogue): shown in the menu to everyone. */
  public?: boolean
  /** Only for an organisation's admin (the session user's org_admin), among the roles. */
  orgAdmin?: boolean
}

export interface NavGroup {
  label: string
  roles?: Role[]
  items: NavItem[]
}

export const NAV: NavGroup[] = [
  {
    label: '',
    items: [
      { path: '/', name: 'home', label: 'menu.home', icon: 'HomeFilled' },
      { path: '/programs', name: 'programs', label: 'menu.programs', icon: 'Reading' },
      { path: '/quote', name: 'quote', label: 'menu.quote', icon: 'Coin', roles: ['applicant', 'officer'] },
      // GET /vouchers: any user, each sees the vouchers they may (an expert: the organisations on their panels).
      { path: '/vouchers', name: 'vouchers', label: 'menu.vouchers', icon: 'Tickets', roles: ['applicant', 'officer', 'provider', 'auditor', 'admin', 'expert'] },
      // GET /notices: any user (experts get panel.assigned, officers and others their own).
      { path: '/notices', name: 'notices', label: 'menu.notices', icon: 'Bell' },
    ],
  },
  {
    label: 'menu.network',
    items: [
      { path: '/catalogue', name: 'catalogue', label: 'menu.catalogue', icon: 'Shop', public: true },
      { path: '/jobs', name: 'jobs', label: 'menu.jobs', icon: 'Cpu', roles: ['applicant', 'officer', 'auditor', 'admin'] },
    ],
  },
  {
    label: 'menu.applicant',
    roles: ['applicant'],
    items: [
      { path: '/applicant/org', name: 'applicant-org', label: 'menu.org', roles: ['applicant'], icon: 'OfficeBuilding' },
      { path: '/applicant/documents', name: 'applicant-documents', label: 'menu.documents', roles: ['applicant'], icon: 'Document' },
      { path: '/applicant/contracts', name: 'applicant-contracts', label: 'menu.contracts', roles: ['applicant'], icon: 'Files' },
      { path: '/applicant/applications', name: 'applicant-applications', label: 'menu.applications', roles: ['applicant'], icon: 'EditPen' },
      // GET /awards answers an applicant with its own organisation's awards (the officer's page, read-only).
      { path: '/applicant/awards', name: 'applicant-awards', label: 'menu.awards', roles: ['applicant'], icon: 'Wallet' },
      // GET /redemptions answers an applicant with its own organisation's (the officer's page,
      // without paying or refusing); it redeems from a voucher's page.
      { path: '/applicant/redemptions', name: 'applicant-redemptions', label: 'menu.myRedemptions', roles: ['applicant'], icon: 'Ticket' },
      // GET /users answers an organisation's admin with its members, POST /users invites one
      // (role applicant, its own org_id); any other applicant gets 403.
      { path: '/applicant/members', name: 'applicant-members', label: 'menu.members', roles: ['applicant'], orgAdmin: true, icon: 'User' },
    ],
  },
  {
    label: 'menu.provider',
    roles: ['provider', 'admin'],
    items: [
      { path: '/provider/settlements', name: 'provider-settlements', label: 'menu.settlements', roles: ['provider'], icon: 'Money' },
      { path: '/provider/claims', name: 'provider-claims', label: 'menu.claims', roles: ['provider'], icon: 'Wallet' },
      // POST /providers/{id}/centers, prices, accounts, goods: provider and admin (admin picks the provider).
      { path: '/provider/centers', name: 'provider-centers', label: 'menu.centers', roles: ['provider', 'admin'], icon: 'School' },
      { path: '/provider/bills', name: 'provider-bills', label: 'menu.bills', roles: ['provider'], icon: 'Document' },
      // GET/POST /users/{id}/api-keys, DELETE …/{key_id}: an operator its own (an admin anyone's,
      // from the accounts page).
      { path: '/provider/api-keys', name: 'provider-api-keys', label: 'menu.apiKeys', roles: ['provider'], icon: 'Key' },
    ],
  },
  {
    label: 'menu.officer',
    roles: ['officer', 'admin', 'auditor'],
    items: [
      // Decisions (documents, qualifications, applications, panels, claims): officer only.
      { path: '/officer/queues', name: 'officer-queues', label: 'menu.queues', roles: ['officer'], icon: 'List' },
      { path: '/officer/panels', name: 'officer-panels', label: 'menu.panels', roles: ['officer'], icon: 'UserFilled' },
      // GET pool, reports, payout batches and their CSV, enforcements: officer, admin, auditor.
      { path: '/officer/pool', name: 'officer-pool', label: 'menu.pool', roles: ['officer', 'admin', 'auditor'], icon: 'TrendCharts' },
      { path: '/officer/payouts', name: 'officer-payouts', label: 'menu.payouts', roles: ['officer', 'admin', 'auditor'], icon: 'Money' },
      // GET /awards: officer, admin, auditor; POST /awards/{id}/payout: officer only.
      { path: '/officer/awards', name: 'officer-awards', label: 'menu.awards', roles: ['officer', 'admin', 'auditor'], icon: 'Wallet' },
      // GET /redemptions: officer, admin, auditor; POST /redemptions/{id}/payout and /refusal: officer only.
      { path: '/officer/redemptions', name: 'officer-redemptions', label: 'menu.redemptions', roles: ['officer', 'admin', 'auditor'], icon: 'Ticket' },
      { path: '/officer/reports', name: 'officer-reports', label: 'menu.reports', roles: ['officer', 'admin', 'auditor'], icon: 'DataAnalysis' },
      // GET /related-parties/all: officer, admin, auditor; declaring for an owner and
      // POST /related-parties/{id}/withdrawal: officer only (the page shows them to officers).
      { path: '/officer/related-parties', name: 'officer-related-parties', label: 'menu.relatedParties', roles: ['officer', 'admin', 'auditor'], icon: 'Connection' },
      // POST/DELETE /providers/{id}/tags: officer only.
      { path: '/officer/provider-lists', name: 'officer-provider-lists', label: 'menu.providerLists', roles: ['officer'], icon: 'Collection' },
      // GET /orgs: officer, admin, auditor; POST/DELETE /orgs/{id}/classes: officer only (the
      // page shows the controls to officers).
      { path: '/officer/org-classes', name: 'officer-org-classes', label: 'menu.orgClasses', roles: ['officer', 'admin', 'auditor'], icon: 'PriceTag' },
      // GET /subsidies: officer, admin, auditor; POST /subsidies/import: officer only (the
      // page shows the import to officers).
      { path: '/officer/subsidies', name: 'officer-subsidies', label: 'menu.subsidies', roles: ['officer', 'admin', 'auditor'], icon: 'Upload' },
      { path: '/officer/enforcement', name: 'officer-enforcement', label: 'menu.enforcement', roles: ['officer', 'admin', 'auditor'], icon: 'WarningFilled' },
    ],
  },
  {
    label: 'menu.expert',
    roles: ['expert'],
    items: [
      { path: '/expert/claims', name: 'expert-claims', label: 'menu.assigned', roles: ['expert'], icon: 'Stamp' },
      // POST /related-parties on owner user/<own id>: the expert's conflicts of interest.
      { path: '/expert/conflicts', name: 'expert-conflicts', label: 'menu.conflicts', roles: ['expert'], icon: 'Warning' },
    ],
  },
  {
    label: 'menu.auditor',
    roles: ['auditor', 'admin', 'officer'],
    // GET /audit: auditor, admin, officer; POST /audit/verify: auditor and admin.
    items: [{ path: '/auditor/audit', name: 'auditor-audit', label: 'menu.audit', roles: ['auditor', 'admin', 'officer'], icon: 'Lock' }],
  },
  {
    label: 'menu.admin',
    roles: ['admin', 'officer', 'auditor'],
    // GET /users: admin, officer, auditor; POST /users, /users/{id}/disable, /enable, /password
    // and the API keys of any account: admin only (the page shows those controls to admins).
    items: [{ path: '/admin/users', name: 'admin-users', label: 'menu.users', roles: ['admin', 'officer', 'auditor'], icon: 'Avatar' }],
  },
]

export const NAV_ITEMS: NavItem[] = NAV.flatMap((g) => g.items)
export const rolesFor = (name: string): Role[] | undefined => NAV_ITEMS.find((i) => i.name === name)?.roles
/** Whether the page is only for an organisation's admin (the route guard asks org_admin too). */
export const orgAdminOnly = (name: string): boolean => NAV_ITEMS.find((i) => i.name === name)?.orgAdmin === true

/** Whether the session's user may open the item: one of its roles, and org_admin where it asks. */
export function mayOpen(session: { user: User | null; can: (roles?: readonly Role[]) => boolean }, item: Pick<NavItem, 'roles' | 'orgAdmin'>): boolean {
  return session.can(item.roles) && (!item.orgAdmin || session.user?.org_admin === true)
}
