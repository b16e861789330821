#!/usr/bin/env node
// Apply, then redeem, through the console: Beijing's 人工智能算力券 (programs/beijing.toml, mode
// apply_then_redeem — the voucher is 20 % of the contract fee, the provider deducts nothing, the
// organisation redeems it with an invoice and a delivery proof for floor(20 % × invoiced), at most
// what is left, held from the voucher until an officer pays or refuses it), against a real
// `suanli serve --demo` this script starts. In each language (zh-CN, en), on its own server:
//   setup (API, not the console: the demo has no Beijing organisation) — a compute partner
//   (provider tagged beijing_compute_partner), a Beijing software firm registered (public),
//   qualified, with a ¥1,000,000.00 contract and its approved voucher of ¥200,000.00; and a
//   Chengdu voucher of the demo applicant (a provider-deducted one, for contrast);
//   1. the Beijing applicant sees its voucher redeemed by the organisation, held ¥0.00, and
//      申请兑付 / Redeem; the Chengdu demo applicant's voucher says the provider deducts and offers
//      no Redeem;
//   2. the applicant redeems invoice FP-2024-001 of ¥600,000.00, uploading the invoice and the
//      delivery proof (PDFs) in the dialog: the dialog previews ¥120,000.00 as the amount is
//      typed, the server holds it, remaining and held updated;
//   3. the same invoice again with the same figures and documents: the server answers the first
//      (200, duplicate) and the console says it was already submitted, nothing held again; with
//      another amount: the server's detail in the dialog (409 duplicate); the voucher and its
//      redemptions unchanged;
//   4. a second invoice FP-2024-002 of ¥100,000.00 (→ ¥20,000.00), its documents uploaded too;
//   5. the officer on /officer/redemptions pays the first (a typed amount other than the
//      redemption's refused first) and refuses the second with reasons;
//   6. the applicant sees ¥120,000.00 redeemed, held ¥0.00, ¥80,000.00 left, each redemption's
//      state with its bank reference or reasons, also on /applicant/redemptions (no buttons);
//   7. the auditor reads every redemption without pay or refuse buttons.
// Every amount is computed here in BigInt fen from the program's rule, never read back.
//
// Usage: node web/e2e/redemption.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's screenshots to docs/screenshots/
//   (applicant-voucher-redeem, officer-redemptions); otherwise to a temporary directory.

import {
  $, choose, decimal, describeFailure, DEMO_PASSWORD, expectText, fen, fill, input, log, main, pageOpener, shot,
  signIn as harnessSignIn, startServer, step, TIMEOUT, yuan,
} from './harness.mjs'

// ---- The Beijing rule, in fen (BigInt) -----------------------------------------------------

/** programs/beijing.toml [[grant.tiers]]: rate = "20%" of the contract fee (and of each invoice). */
const RATE = 20n
/** floor(20 % × amount) to the fen. */
const twentyPercent = (f) => (f * RATE) / 100n
/** A redemption: floor(20 % × invoiced), at most what the voucher has left. */
const redemptionFor = (invoiced, left) => (twentyPercent(invoiced) < left ? twentyPercent(invoiced) : left)
/** Seed 000 (Chengdu): 50 % of the fee, for the contrast voucher. */
const chengduVoucherFor = (f) => f / 2n

// ---- Valid codes for test data (GB 32100 and GB 11643 check characters) --------------------

function uscc(body17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  let s = 0
  for (let i = 0; i < 17; i++) s += chars.indexOf(body17[i]) * w[i]
  return body17 + chars[(31 - (s % 31)) % 31]
}
function residentId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * w[i]
  return body17 + '10X98765432'[s % 11]
}

// ---- The words the test looks for in each language -----------------------------------------

const WORDS = {
  'zh-CN': {
    login: '登录', grant: '发放额度', balance: '余额', byOrg: '单位凭票兑付', byProvider: '供给方结算抵扣', held: '冻结中', redeemed: '已兑付', redeem: '申请兑付',
    submitted: '已提交', paid: '已拨付', refused: '未通过', duplicate: '已存在相同的记录', detail: '服务器说明', wholeAmount: '须按应兑付额全额拨付',
    refusedOk: '已不予通过', paidOk: '拨付已登记', myRedemptions: '算力券兑付', reasons: '发票抬头与合同主体不一致',
    preview: '预计兑付', already: '该发票已提交过兑付申请',
  },
  en: {
    login: 'Log in', grant: 'Granted', balance: 'Balance', byOrg: 'The organisation', byProvider: 'Provider deducts', held: 'Held', redeemed: 'Redeemed', redeem: 'Redeem',
    submitted: 'Submitted', paid: 'Paid', refused: 'Refused', duplicate: 'This already exists', detail: "Server's explanation", wholeAmount: 'The redemption is paid whole',
    refusedOk: 'Refused; the hold went back', paidOk: 'Payout recorded', myRedemptions: 'Voucher redemptions', reasons: 'The invoice names another buyer than the contract',
    preview: 'Expected redemption', already: 'This invoice was already submitted',
  },
}

// ---- Setup through the API (never the flow itself) -----------------------------------------

const PDF = (what) => Buffer.from(`%PDF-1.4\n% ${what}\n%%EOF\n`)

/** A signed-in API client (cookie + CSRF token), for the setup and the checks behind the pages. */
async function apiSession(base, username, password = DEMO_PASSWORD) {
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  })
  if (!login.ok) throw new Error(`${username} login: ${login.status} ${await login.text()}`)
  const cookie = /suanli_session=[^;]+/.exec(login.headers.get('set-cookie'))[0]
  const { csrf_token, user } = await login.json()
  async function call(method, path, body, { idem = false, raw = null } = {}) {
    const headers = { Cookie: cookie, 'X-CSRF-Token': csrf_token }
    if (idem) headers['Idempotency-Key'] = crypto.randomUUID()
    let payload
    if (raw) {
      headers['Content-Type'] = 'application/pdf'
      payload = raw
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const r = await fetch(base + path, { method, headers, body: payload })
    const text = await r.text()
    if (!r.ok) throw new Error(`${username}: ${method} ${path}: ${r.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
  return { user, call }
}

const QUALIFICATION = ['business_licence', 'legal_rep_id_scan', 'authenticity_pledge', 'no_violation_pledge', 'credit_report', 'audit_report']

/** The six qualification documents uploaded and approved, then the qualification. */
async function qualify(app, officer) {
  const orgId = app.user.org_id
  for (const k of QUALIFICATION) {
    const d = await app.call('POST', `/api/v1/orgs/${orgId}/documents?kind=${k}&filename=${k}.pdf`, undefined, { raw: PDF(k) })
    await officer.call('POST', `/api/v1/documents/${d.id}/review`, { decision: 'approve' })
  }
  await app.call('POST', `/api/v1/orgs/${orgId}/qualification/submit`)
  await officer.call('POST', `/api/v1/orgs/${orgId}/qualification/decision`, { decision: 'approve' })
}

/**
 * The Beijing organisation with its approved voucher, and a Chengdu voucher of the demo
 * applicant, made through the API as the HTTP test (tests/http/redemptions_test.py) does.
 */
async function setup(base, bj) {
  const admin = await apiSession(base, 'admin')
  const officer = await apiSession(base, 'officer')
  // A compute partner of the 通用人工智能产业创新伙伴计划 (the program's provider list).
  const prov = await admin.call('POST', '/api/v1/providers', { name: bj.providerName, uscc: uscc('91110108MA1BJ0002'), region: '北京' })
  await officer.call('POST', `/api/v1/providers/${prov.id}/tags`, { tag: 'beijing_compute_partner' })
  // Registering an organisation is public.
  const reg = await fetch(`${base}/api/v1/orgs`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      uscc: uscc('91110108MA1BJ0001'), name: bj.orgName, type: 'enterprise', region: '北京', industry: 'software_it_service',
      legal_rep_name: '李北京', legal_rep_id: residentId('11010819800101123'), prior_year_revenue: '8000000.00',
      admin_username: bj.username, admin_password: bj.password,
    }),
  })
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`)
  const app = await apiSession(base, bj.username, bj.password)
  const orgId = app.user.org_id
  await qualify(app, officer)
  const contract = await app.call('POST', '/api/v1/contracts', {
    org_id: orgId, provider_id: prov.id, contract_no: bj.contractNo, amount: decimal(bj.fee),
    signed_on: '2024-03-01', start_on: '2024-03-01', end_on: '2025-02-28', resource_class: 'intelligent_compute',
  })
  const application = await app.call('POST', '/api/v1/applications', { program_id: 'beijing', contract_id: contract.id })
  const decided = await officer.call('POST', `/api/v1/applications/${application.id}/decision`, { decision: 'approve' }, { idem: true })
  if (decided.granted !== decimal(bj.grant)) throw new Error(`Beijing voucher ${decided.granted}, the rule says ${decimal(bj.grant)}`)

  // The demo applicant's Chengdu voucher (provider-deducted) with 成都智算中心.
  const demo = await apiSession(base, 'demo-applicant')
  await qualify(demo, officer)
  const cdProv = (await demo.call('GET', '/api/v1/providers')).items.find((p) => p.name === '成都智算中心')
  if (!cdProv) throw new Error('the demo has no 成都智算中心')
  const cdContract = await demo.call('POST', '/api/v1/contracts', {
    org_id: demo.user.org_id, provider_id: cdProv.id, contract_no: 'CD-E2E-REDEEM', amount: decimal(bj.cdFee),
    signed_on: '2024-03-10', start_on: '2024-03-10', end_on: '2024-11-30', resource_class: 'intelligent_compute',
  })
  const cdApp = await demo.call('POST', '/api/v1/applications', { program_id: 'chengdu-2024', contract_id: cdContract.id })
  const cdDecided = await officer.call('POST', `/api/v1/applications/${cdApp.id}/decision`, { decision: 'approve' }, { idem: true })
  if (cdDecided.granted !== decimal(chengduVoucherFor(bj.cdFee))) throw new Error(`Chengdu voucher ${cdDecided.granted}`)
  return { orgId, voucherId: decided.voucher_id, cdVoucherId: cdDecided.voucher_id, officer, app }
}

// ---- Page helpers (the rest are in harness.mjs) --------------------------------------------

/** Waits until the locator's text no longer contains `piece`. */
async function expectNoText(locator, piece) {
  const deadline = Date.now() + TIMEOUT
  let last = ''
  while (Date.now() < deadline) {
    last = await locator.innerText({ timeout: 1000 }).catch(() => '')
    if (!last.includes(piece)) return
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`expected no ${JSON.stringify(piece)} in the text, found: ${JSON.stringify(last.slice(0, 600))}`)
}
/** Fails if any element matches (after the page has rendered what it waits for). */
async function expectNone(locator, what) {
  const n = await locator.count()
  if (n !== 0) throw new Error(`expected no ${what}, found ${n}`)
}
/** The open dialog (Element Plus teleports dialogs to the body). */
const dialog = (page) => page.locator('.el-dialog:visible').first()
/** The voucher page's figure labelled exactly `label` (its cell in the summary). */
const figure = (page, label) => $(page, 'voucher-summary').locator(`.el-descriptions__label:text-is("${label}") + .el-descriptions__content`).first()
/** The voucher page's granted, redeemed (used), balance and held figures, each in its own cell. */
async function expectFigures(page, W, { grant, used, remaining, held }) {
  await expectText(figure(page, W.grant), yuan(grant))
  await expectText(figure(page, W.redeemed), yuan(used))
  await expectText(figure(page, W.balance), yuan(remaining))
  await expectText($(page, 'voucher-held'), yuan(held))
}
/** The table row holding `text`. */
const row = (table, text) => table.locator('.el-table__body tr', { hasText: text }).first()

// ---- The flow -------------------------------------------------------------------------------

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer('suanli-e2e-redeem-')
  log(`locale ${locale}: server at ${server.base}`)
  const base = server.base
  const { open, close } = pageOpener(browser, base, locale)
  const signIn = (username, then, password = DEMO_PASSWORD) => harnessSignIn(open, { username, password, then, loginWord: W.login })

  // Figures of this run, from the rule.
  const bj = {
    providerName: '北京示例智算中心有限公司', orgName: locale === 'en' ? 'Beijing E2E Software Co., Ltd.' : '北京端到端智能软件有限公司',
    username: 'bj-applicant', password: 'pass-bj-applicant', contractNo: 'BJ-2024-001',
    fee: fen('1000000.00'), cdFee: fen('200000.00'),
  }
  bj.grant = twentyPercent(bj.fee)
  const inv1 = { no: 'FP-2024-001', invoiced: fen('600000.00') }
  const inv2 = { no: 'FP-2024-002', invoiced: fen('100000.00') }
  let left = bj.grant
  inv1.amount = redemptionFor(inv1.invoiced, left)
  if (bj.grant !== fen('200000.00') || inv1.amount !== fen('120000.00')) throw new Error('the figures this run expects')
  const reference = 'BOB-2024-0001'

  try {
    const t0 = Date.now()
    const s = await setup(base, bj)
    log(`  setup through the API: Beijing voucher ${s.voucherId} (${yuan(bj.grant)}), Chengdu voucher ${s.cdVoucherId} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    const voucherPath = `/vouchers/${s.voucherId}`
    /** The voucher and its redemptions as the server has them, compared with what this run expects. */
    async function expectServer(used, held, remaining, count, what) {
      const v = await s.app.call('GET', `/api/v1/vouchers/${s.voucherId}`)
      const n = (await s.app.call('GET', `/api/v1/redemptions?voucher_id=${s.voucherId}`)).items.length
      const got = [fen(v.used), fen(v.held), fen(v.remaining), n]
      const want = [used, held, remaining, count]
      if (got.some((g, i) => g !== want[i])) throw new Error(`${what}: server has used/held/remaining/redemptions ${got.map(String)}, expected ${want.map(String)}`)
    }

    await step('the Beijing applicant sees its voucher redeemed by the organisation, held ¥0.00, and Redeem', async () => {
      const page = await signIn(bj.username, '/vouchers', bj.password)
      const table = $(page, 'vouchers-table')
      await expectText(table, bj.orgName, 'beijing', yuan(bj.grant))
      await expectText($(page, `redeemed-by-org-${s.voucherId}`), W.byOrg)
      await expectText($(page, `held-${s.voucherId}`), W.held, yuan(0n))
      await table.locator(`a[href="${voucherPath}"]`).click()
      await page.waitForURL((u) => u.pathname === voucherPath)
      await expectText($(page, 'voucher-summary'), bj.orgName)
      await expectFigures(page, W, { grant: bj.grant, used: 0n, remaining: left, held: 0n })
      await expectText($(page, 'voucher-redeemed-by'), W.byOrg)
      await expectText($(page, 'redeem'), W.redeem)
      await expectNone(page.locator('[data-test="deductions-table"]'), 'deductions table on a voucher the organisation redeems')
    })

    await step('the Chengdu demo applicant\'s voucher is the provider\'s to deduct: no Redeem', async () => {
      const page = await signIn('demo-applicant', '/vouchers')
      await expectText($(page, 'vouchers-table'), 'chengdu-2024', yuan(chengduVoucherFor(bj.cdFee)), W.byProvider)
      await expectNone(page.locator(`[data-test="redeemed-by-org-${s.cdVoucherId}"]`), 'organisation tag on the Chengdu voucher')
      await page.goto(`${base}/vouchers/${s.cdVoucherId}`)
      await expectText($(page, 'voucher-redeemed-by'), W.byProvider)
      await $(page, 'deductions-table').waitFor()
      await expectNone(page.locator('[data-test="redeem"]'), 'Redeem button on a provider-deducted voucher')
      await expectNone(page.locator('[data-test="voucher-held"]'), 'held on a provider-deducted voucher')
      // Nor does the demo applicant see the Beijing voucher (another organisation's).
      await page.goto(base + voucherPath)
      await page.locator('[data-test="problem"]').waitFor()
      await expectNone(page.locator('[data-test="redeem"]'), 'Redeem button on another organisation\'s voucher')
    })

    let page
    await step(`the applicant redeems ${inv1.no} of ${yuan(inv1.invoiced)}, uploading invoice and proof: ${yuan(inv1.amount)}`, async () => {
      page = await signIn(bj.username, voucherPath, bj.password)
      await $(page, 'redeem').click()
      const dlg = dialog(page)
      await expectText(dlg, yuan(left))
      await fill(page, 'redeem-invoice-no', inv1.no)
      await fill(page, 'redeem-invoiced', decimal(inv1.invoiced))
      // The amount is previewed from the voucher's rate before anything is sent.
      await expectText($(page, 'redeem-preview'), W.preview, yuan(inv1.amount), '20%')
      await page.locator('input[data-test="redeem-invoice-upload"]').setInputFiles({ name: 'invoice-fp-2024-001.pdf', mimeType: 'application/pdf', buffer: PDF('invoice FP-2024-001') })
      await expectText($(page, 'redeem-invoice-doc'), 'invoice-fp-2024-001.pdf')
      await page.locator('input[data-test="redeem-proof-upload"]').setInputFiles({ name: 'delivery-2024-03.pdf', mimeType: 'application/pdf', buffer: PDF('delivery proof 2024-03') })
      await expectText($(page, 'redeem-proof-doc'), 'delivery-2024-03.pdf')
      await shot(page, 'applicant-voucher-redeem', locale)
      await $(page, 'redeem-submit').click()
      await expectText(page.locator('.el-message--success').first(), yuan(inv1.amount), yuan(inv1.invoiced), '20%')
      left -= inv1.amount
      await expectFigures(page, W, { grant: bj.grant, used: 0n, remaining: left, held: inv1.amount })
      await expectText(row($(page, 'redemptions-table'), inv1.no), yuan(inv1.invoiced), '20%', yuan(inv1.amount), W.submitted)
      await expectServer(0n, inv1.amount, left, 1, 'after the first redemption')
    })

    await step('the same invoice again with the same figures: answered as already submitted, nothing held again', async () => {
      await $(page, 'redeem').click()
      await expectText(dialog(page), yuan(left))
      await fill(page, 'redeem-invoice-no', inv1.no)
      await fill(page, 'redeem-invoiced', decimal(inv1.invoiced))
      await choose(page, 'redeem-invoice-doc', 'invoice-fp-2024-001.pdf')
      await choose(page, 'redeem-proof-doc', 'delivery-2024-03.pdf')
      await $(page, 'redeem-submit').click()
      await expectText(page.locator('.el-message--info').first(), W.already, yuan(inv1.amount))
      await dialog(page).waitFor({ state: 'hidden' })
      await expectServer(0n, inv1.amount, left, 1, 'after the replayed invoice')
      await expectFigures(page, W, { grant: bj.grant, used: 0n, remaining: left, held: inv1.amount })
    })

    await step('the same invoice number with another amount: the server\'s detail in the dialog, nothing changed', async () => {
      await $(page, 'redeem').click()
      const dlg = dialog(page)
      await expectText(dlg, yuan(left))
      await fill(page, 'redeem-invoice-no', inv1.no)
      await fill(page, 'redeem-invoiced', decimal(inv2.invoiced))
      // The documents uploaded before are offered.
      await choose(page, 'redeem-invoice-doc', 'invoice-fp-2024-001.pdf')
      await choose(page, 'redeem-proof-doc', 'delivery-2024-03.pdf')
      await $(page, 'redeem-submit').click()
      await expectText(dlg.locator('[data-test="problem"]'), W.duplicate)
      await expectText(dlg.locator('[data-test="problem-detail"]'), W.detail, `invoice ${inv1.no} was already redeemed on this voucher`)
      await expectServer(0n, inv1.amount, left, 1, 'after the duplicate invoice')
      await page.keyboard.press('Escape')
      await dlg.waitFor({ state: 'hidden' })
      await expectFigures(page, W, { grant: bj.grant, used: 0n, remaining: left, held: inv1.amount })
      if ((await $(page, 'redemptions-table').locator('.el-table__body tr').count()) !== 1) throw new Error('the duplicate added a row')
    })

    inv2.amount = redemptionFor(inv2.invoiced, left)
    await step(`a second invoice ${inv2.no} of ${yuan(inv2.invoiced)}: ${yuan(inv2.amount)} held`, async () => {
      await $(page, 'redeem').click()
      await expectText(dialog(page), yuan(left))
      await fill(page, 'redeem-invoice-no', inv2.no)
      await fill(page, 'redeem-invoiced', decimal(inv2.invoiced))
      await expectText($(page, 'redeem-preview'), W.preview, yuan(inv2.amount))
      await page.locator('input[data-test="redeem-invoice-upload"]').setInputFiles({ name: 'invoice-fp-2024-002.pdf', mimeType: 'application/pdf', buffer: PDF('invoice FP-2024-002') })
      await expectText($(page, 'redeem-invoice-doc'), 'invoice-fp-2024-002.pdf')
      await page.locator('input[data-test="redeem-proof-upload"]').setInputFiles({ name: 'delivery-2024-04.pdf', mimeType: 'application/pdf', buffer: PDF('delivery proof 2024-04') })
      await expectText($(page, 'redeem-proof-doc'), 'delivery-2024-04.pdf')
      await $(page, 'redeem-submit').click()
      await expectText(row($(page, 'redemptions-table'), inv2.no), yuan(inv2.invoiced), yuan(inv2.amount), W.submitted)
      left -= inv2.amount
      await expectFigures(page, W, { grant: bj.grant, used: 0n, remaining: left, held: inv1.amount + inv2.amount })
      await expectServer(0n, inv1.amount + inv2.amount, left, 2, 'after the second redemption')
    })

    await step(`the officer pays ${inv1.no} (another typed amount refused first) and refuses ${inv2.no}`, async () => {
      const p = await signIn('officer', '/officer/redemptions')
      const table = $(p, 'redemptions')
      await expectText(row(table, inv1.no), bj.orgName, bj.contractNo, yuan(inv1.invoiced), '20%', yuan(inv1.amount))
      await expectText(row(table, inv2.no), yuan(inv2.invoiced), yuan(inv2.amount))
      await shot(p, 'officer-redemptions', locale)
      await row(table, inv1.no).locator('[data-test^="pay-"]').click()
      const dlg = dialog(p)
      await fill(p, 'pay-amount', decimal(inv1.amount - 1n))
      await fill(p, 'pay-reference', reference)
      await $(p, 'pay-submit').click()
      await expectText(dlg.locator('.el-form-item', { has: input(p, 'pay-amount') }), W.wholeAmount, decimal(inv1.amount))
      await expectServer(0n, inv1.amount + inv2.amount, left, 2, 'after the refused payout amount')
      await fill(p, 'pay-amount', decimal(inv1.amount))
      await $(p, 'pay-submit').click()
      await expectText(p.locator('.el-message--success').first(), W.paidOk)
      await expectNoText(table, inv1.no)
      await row(table, inv2.no).locator('[data-test^="refuse-"]').click()
      await fill(p, 'refuse-reasons', W.reasons)
      await $(p, 'refuse-submit').click()
      await expectText(p.locator('.el-message--success', { hasText: W.refusedOk }).first(), W.refusedOk)
      await expectNoText(table, inv2.no)
      left += inv2.amount
      await expectServer(inv1.amount, 0n, left, 2, 'after the payout and the refusal')
    })

    await step('the applicant sees used, held ¥0.00, remaining and each redemption\'s state', async () => {
      const p = await signIn(bj.username, voucherPath, bj.password)
      await expectFigures(p, W, { grant: bj.grant, used: inv1.amount, remaining: left, held: 0n })
      const table = $(p, 'redemptions-table')
      await expectText(row(table, inv1.no), yuan(inv1.amount), W.paid, reference)
      await expectText(row(table, inv2.no), yuan(inv2.amount), W.refused, W.reasons)
      await $(p, 'redeem').waitFor()
      await p.goto(`${base}/applicant/redemptions`)
      await expectText(p.locator('.page-title'), W.myRedemptions)
      const mine = $(p, 'redemptions')
      await expectText(row(mine, inv1.no), yuan(inv1.amount), W.paid, reference)
      await expectText(row(mine, inv2.no), yuan(inv2.amount), W.refused, W.reasons)
      await expectNone(mine.locator('[data-test^="pay-"], [data-test^="refuse-"]'), 'pay or refuse buttons for the applicant')
    })

    await step('the auditor reads every redemption, without pay or refuse buttons', async () => {
      const p = await signIn('auditor', '/officer/redemptions')
      const table = $(p, 'redemptions')
      await table.waitFor()
      await choose(p, 'redemptions-status', locale === 'en' ? 'All redemptions' : '全部兑付')
      await expectText(row(table, inv1.no), bj.orgName, yuan(inv1.amount), W.paid, reference)
      await expectText(row(table, inv2.no), yuan(inv2.amount), W.refused, W.reasons)
      await expectNone(table.locator('[data-test^="pay-"], [data-test^="refuse-"]'), 'pay or refuse buttons for the auditor')
    })
  } catch (e) {
    throw await describeFailure(e, locale, `FAILED-redemption-${locale}.png`)
  } finally {
    await close()
    await server.stop()
  }
}

main('console redemption e2e', WORDS, run)
