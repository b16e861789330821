// The console's pages and who may open them: the one table behind the side menu and the
// route guard. Routes without roles are open to every logged-in user.
import type { Role } from '@/api/types'

export interface NavItem {
  path: string
  name: string
  /** i18n key of its label. */
  label: string
  roles?: Role[]
  icon?: string
  /** Open without logging in (the catalogue): shown in the menu to everyone. */
  public?: boolean
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
      { path: '/vouchers', name: 'vouchers', label: 'menu.vouchers', icon: 'Tickets', roles: ['applicant', 'officer', 'provider', 'auditor'] },
      { path: '/notices', name: 'notices', label: 'menu.notices', icon: 'Bell', roles: ['applicant', 'provider'] },
    ],
  },
  {
    label: 'menu.network',
    items: [
      { path: '/catalogue', name: 'catalogue', label: 'menu.catalogue', icon: 'Shop', public: true },
      { path: '/jobs', name: 'jobs', label: 'menu.jobs', icon: 'Cpu', roles: ['applicant', 'officer', 'auditor'] },
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
    ],
  },
  {
    label: 'menu.provider',
    roles: ['provider'],
    items: [
      { path: '/provider/settlements', name: 'provider-settlements', label: 'menu.settlements', roles: ['provider'], icon: 'Money' },
      { path: '/provider/claims', name: 'provider-claims', label: 'menu.claims', roles: ['provider'], icon: 'Wallet' },
      { path: '/provider/centers', name: 'provider-centers', label: 'menu.centers', roles: ['provider'], icon: 'School' },
      { path: '/provider/bills', name: 'provider-bills', label: 'menu.bills', roles: ['provider'], icon: 'Document' },
    ],
  },
  {
    label: 'menu.officer',
    roles: ['officer'],
    items: [
      { path: '/officer/queues', name: 'officer-queues', label: 'menu.queues', roles: ['officer'], icon: 'List' },
      { path: '/officer/panels', name: 'officer-panels', label: 'menu.panels', roles: ['officer'], icon: 'UserFilled' },
      { path: '/officer/pool', name: 'officer-pool', label: 'menu.pool', roles: ['officer'], icon: 'TrendCharts' },
      { path: '/officer/payouts', name: 'officer-payouts', label: 'menu.payouts', roles: ['officer'], icon: 'Money' },
      { path: '/officer/reports', name: 'officer-reports', label: 'menu.reports', roles: ['officer'], icon: 'DataAnalysis' },
      { path: '/officer/enforcement', name: 'officer-enforcement', label: 'menu.enforcement', roles: ['officer'], icon: 'WarningFilled' },
    ],
  },
  {
    label: 'menu.expert',
    roles: ['expert'],
    items: [{ path: '/expert/claims', name: 'expert-claims', label: 'menu.assigned', roles: ['expert'], icon: 'Stamp' }],
  },
  {
    label: 'menu.auditor',
    roles: ['auditor'],
    items: [{ path: '/auditor/audit', name: 'auditor-audit', label: 'menu.audit', roles: ['auditor'], icon: 'Lock' }],
  },
]

export const NAV_ITEMS: NavItem[] = NAV.flatMap((g) => g.items)
export const rolesFor = (name: string): Role[] | undefined => NAV_ITEMS.find((i) => i.name === name)?.roles
