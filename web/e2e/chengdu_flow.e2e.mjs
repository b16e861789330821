#!/usr/bin/env node
// The whole Chengdu 2024 flow through the console, by clicking and typing, against a real
// `suanli serve` this script starts (fresh data, demo seed, manual clock): a new applicant
// registers and qualifies, an officer reviews, the applicant files a contract and applies, the
// officer approves, a provider posts bills, compiles and submits the quarter's claim with its
// materials, three experts record opinions, the officer decides and creates the payout batch.
// Every amount on screen is checked to the fen against figures computed here from the Chengdu
// rule (voucher = 50 % of the fee, 10,000–1,000,000; each bill: 50 % rounded down to the fen,
// never more than what is left; the panel's decision is the median opinion) — not read back.
// Run once per locale (zh-CN, en), each on its own fresh server.
//
// Usage: node web/e2e/chengdu_flow.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's page screenshots to docs/screenshots/
//   (otherwise to a temporary directory); CHROMIUM overrides /usr/bin/chromium.
// Exit status 0 when every step passed; otherwise the failing step is printed with a screenshot.

import {
  $, choose, current, decimal, describeFailure, DEMO_PASSWORD, expectText, fen, fill, input, log, main, pageOpener, shot,
  signIn as harnessSignIn, startServer, step, TIMEOUT, yuan,
} from './harness.mjs'

// ---- The Chengdu rule, computed here in fen (BigInt) --------------------------------------

const minB = (a, b) => (a < b ? a : b)
const maxB = (a, b) => (a > b ? a : b)
/** Seed 000 §二: 50 % of the contract fee, at least 10,000, at most 1,000,000 (the floor needs a base ≥ 10,000). */
const voucherFor = (fee) => minB(maxB(fee / 2n, 1000000n), 100000000n)
/** Seed 000 §三: each bill 50 %, rounded down to the fen, never more than what is left. */
const deductionFor = (bill, remaining) => minB(bill / 2n, remaining)
const median = (xs) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor((xs.length - 1) / 2)]

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
  'zh-CN': { login: '登录', documents: '资质材料', submitted: '已提交', approved: '已通过', queues: '待办审核', paid: '已拨付', partly: '部分通过', underReview: '评审中' },
  en: { login: 'Log in', documents: 'Documents', submitted: 'Submitted', approved: 'Approved', queues: 'Review queues', paid: 'Paid', partly: 'Partly approved', underReview: 'Under review' },
}

// ---- Server (started by harness.mjs) -------------------------------------------------------

/** Signs in through the API (for the clock and the baseline, never for the flow itself). */
async function apiSession(base, username) {
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  })
  if (!login.ok) throw new Error(`${username} login: ${login.status}`)
  const cookie = /suanli_session=[^;]+/.exec(login.headers.get('set-cookie'))[0]
  const { csrf_token } = await login.json()
  return { Cookie: cookie, 'X-CSRF-Token': csrf_token }
}

/** Moves the simulated clock as admin through the API (the one step the console has no page for). */
async function setClock(base, now) {
  const h = await apiSession(base, 'admin')
  const r = await fetch(`${base}/api/v1/admin/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...h }, body: JSON.stringify({ now }) })
  if (!r.ok) throw new Error(`clock: ${r.status} ${await r.text()}`)
}

/**
 * What the demo seed already put in the Chengdu pool and the provider's report row before the
 * flow (zero today), so the checks below stay "before + what the rule says" if the seed grows.
 */
async function baseline(base) {
  const h = await apiSession(base, 'officer')
  const pool = await (await fetch(`${base}/api/v1/programs/chengdu-2024/pool`, { headers: h })).json()
  const report = await (await fetch(`${base}/api/v1/programs/chengdu-2024/reports?by=provider`, { headers: h })).json()
  const row = report.items.find((r) => r.group === '成都智算中心') ?? { issued: '0.00', used: '0.00', redeemed: '0.00' }
  return {
    pool: { funded: fen(pool.funded), issued: fen(pool.issued), used: fen(pool.used), redeemed: fen(pool.redeemed), remaining: fen(pool.remaining) },
    report: { issued: fen(row.issued), used: fen(row.used), redeemed: fen(row.redeemed) },
  }
}

// ---- Page helpers (the rest are in harness.mjs) --------------------------------------------

async function expectGone(locator) {
  await locator.waitFor({ state: 'detached', timeout: TIMEOUT })
}


// ---- The flow -------------------------------------------------------------------------------

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer('suanli-e2e-')
  log(`locale ${locale}: server at ${server.base}`)
  const base = server.base
  const { open, close } = pageOpener(browser, base, locale)

  /** Signs in from the keyboard: type the name, Tab to the password, Enter. */
  const signIn = (username, password = DEMO_PASSWORD, then = '/') => harnessSignIn(open, { username, password, then, loginWord: W.login })

  async function go(page, path) {
    await page.goto(base + path)
  }

  // Figures of this run, from the rule.
  const fee = fen('300000.00')
  const grant = voucherFor(fee)
  const bills = [['B-001', fen('120000.00')], ['B-002', fen('30000.01')], ['B-003', fen('200000.00')]]
  const opinions = [['expert1', 'approve', null], ['expert2', 'partly', fen('140000.00')], ['expert3', 'partly', fen('145000.00')]]
  const orgName = locale === 'en' ? 'Chengdu E2E Intelligence Co., Ltd.' : '成都端到端智能科技有限公司'
  const orgUscc = uscc('91510100MA6TYE2E1')
  const username = 'e2e-admin'
  const password = 'pass-e2e-admin'
  const contractNo = 'AI-2024-E2E'

  let before
  try {
    before = await baseline(base)
    // Seed 000: the 2024 pool is 10,000,000 (programs/chengdu-2024.toml pool_per_year).
    if (before.pool.funded !== fen('10000000.00')) throw new Error(`pool funded ${yuan(before.pool.funded)}, the program says ¥10,000,000.00`)
    await step('the language switch works both ways; the login page links to registration', async () => {
      const page = await open('/login')
      await expectText($(page, 'login-submit'), W.login)
      const other = locale === 'en' ? 'zh-CN' : 'en'
      const label = { 'zh-CN': '简体中文', en: 'English' }
      await $(page, 'login-lang').locator('label', { hasText: label[other] }).click()
      await expectText($(page, 'login-submit'), WORDS[other].login)
      await $(page, 'login-lang').locator('label', { hasText: label[locale] }).click()
      await expectText($(page, 'login-submit'), W.login)
      await shot(page, 'login', locale)
      await $(page, 'to-register').click()
      await page.waitForURL(/\/register$/)
    })

    await step('a new applicant registers (checks while typing, then the server accepts)', async () => {
      const page = current.page
      await fill(page, 'reg-name', orgName)
      await fill(page, 'reg-uscc', orgUscc.slice(0, 17) + (orgUscc[17] === '0' ? '1' : '0'))
      await expectText(page.locator('.el-form-item', { has: input(page, 'reg-uscc') }), locale === 'en' ? 'check' : '校验位')
      await fill(page, 'reg-uscc', orgUscc)
      await fill(page, 'reg-rep-name', locale === 'en' ? 'Test Rep' : '测试')
      await fill(page, 'reg-rep-id', residentId('51010719850505123'))
      await fill(page, 'reg-revenue', '50,000,000')
      await fill(page, 'reg-username', username)
      await fill(page, 'reg-password', password)
      await fill(page, 'reg-confirm', password)
      await shot(page, 'register', locale)
      await $(page, 'reg-submit').click()
      await expectText($(page, 'register-done'), orgName)
    })

    await step('the applicant uploads the six qualification documents and submits them', async () => {
      const page = await signIn(username, password, '/applicant/documents')
      await expectText(page.locator('.el-menu'), W.documents)
      const pdf = Buffer.from('%PDF-1.4\n% e2e test document\n%%EOF\n')
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
      const kinds = ['business_licence', 'legal_rep_id_scan', 'authenticity_pledge', 'no_violation_pledge', 'credit_report', 'audit_report']
      for (const [i, k] of kinds.entries()) {
        const file = i === 1 ? { name: `${k}.png`, mimeType: 'image/png', buffer: png } : { name: `${k}.pdf`, mimeType: 'application/pdf', buffer: pdf }
        await page.locator(`input[data-test="upload-${k}"]`).setInputFiles(file)
        await expectText($(page, 'documents-table'), file.name)
      }
      await $(page, 'qualification-submit').click()
      await expectText($(page, 'qualification-status'), W.submitted)
      await shot(page, 'applicant-documents', locale)
    })

    await step('the officer reviews each document and approves the qualification', async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/queues')
      await expectText(page.locator('.page-title'), W.queues)
      const card = $(page, `qual-${orgUscc}`)
      await card.waitFor()
      await shot(page, 'officer-queue-qualifications', locale)
      for (const k of ['business_licence', 'legal_rep_id_scan', 'authenticity_pledge', 'no_violation_pledge', 'credit_report', 'audit_report']) {
        await card.locator(`[data-test="doc-approve-${k}"]`).click()
        await expectGone(card.locator(`[data-test="doc-approve-${k}"]`))
      }
      await card.locator('[data-test="qual-approve"]').click()
      await expectGone(card)
    })

    await step('the applicant files a contract and applies; the quote is 50 % of the fee', async () => {
      const page = await signIn(username, password, '/applicant/contracts')
      await choose(page, 'contract-provider', '成都智算中心')
      await fill(page, 'contract-no', contractNo)
      await fill(page, 'contract-amount', decimal(fee))
      await fill(page, 'contract-signed', '2024-03-10')
      await fill(page, 'contract-start', '2024-03-10')
      await fill(page, 'contract-end', '2024-02-01')
      await expectText(page.locator('.el-form-item', { has: input(page, 'contract-end') }), locale === 'en' ? 'end' : '结束')
      await fill(page, 'contract-end', '2024-11-30')
      await $(page, 'contract-submit').click()
      await expectText($(page, 'contract-filed'), contractNo)
      await $(page, `apply-${contractNo}`).click()
      await expectText($(page, 'applied'), yuan(grant))
      await expectText($(page, 'contracts-table'), contractNo, yuan(fee), yuan(grant))
      await shot(page, 'applicant-contracts', locale)
    })

    await step('the officer approves the application (voucher = 50 % of the fee)', async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/queues')
      await page.locator('#tab-applications').click()
      const queue = $(page, 'app-queue')
      await expectText(queue, orgName, contractNo, yuan(fee), yuan(grant))
      await shot(page, 'officer-queue-applications', locale)
      await queue.locator('[data-test^="app-approve-"]').first().click()
      await expectGone(queue.locator('[data-test^="app-approve-"]'))
    })

    let voucherPath = ''
    await step('the applicant sees the voucher: grant, balance, expiry 2024-11-30 24:00', async () => {
      const page = await signIn(username, password, '/applicant/applications')
      await expectText($(page, 'applications-table'), W.approved, yuan(grant))
      await $(page, 'applications-table').locator('a[href^="/vouchers/"]').first().click()
      await page.waitForURL(/\/vouchers\/\d+$/)
      voucherPath = new URL(page.url()).pathname
      await expectText($(page, 'voucher-summary'), yuan(grant), yuan(0n), '2024-11-30 24:00')
      // Its terms, fixed at issue, and the program file version they come from, whose text opens.
      await expectText($(page, 'voucher-terms'), '50%')
      await $(page, 'voucher-program-version').click()
      await page.waitForURL(/\/programs\/chengdu-2024\?version=1$/)
      await expectText($(page, 'version-text'), 'share = "50%"')
      await expectText($(page, 'program-versions'), 'v1')
    })

    // Q2: the provider posts bills; the voucher pays 50 % of each until it is used up.
    await setClock(base, '2024-05-10T10:00:00+08:00')
    let remaining = grant
    const deductions = []
    await step('the provider posts three bills; each deduction and balance matches the rule', async () => {
      const page = await signIn('op-ai', DEMO_PASSWORD, '/provider/settlements')
      await choose(page, 'settle-voucher', orgName)
      await expectText($(page, 'settle-remaining'), yuan(remaining))
      for (const [no, bill] of bills) {
        const d = deductionFor(bill, remaining)
        remaining -= d
        deductions.push(d)
        const keyBefore = await $(page, 'settle-key').innerText()
        await fill(page, 'settle-bill-no', no)
        await fill(page, 'settle-amount', decimal(bill))
        await $(page, 'settle-submit').click()
        const row = $(page, 'settlements-table').locator('.el-table__body tr').first()
        await expectText(row, no, yuan(bill), yuan(d), yuan(bill - d), yuan(remaining))
        await expectText($(page, 'settle-remaining'), yuan(remaining))
        const keyAfter = await $(page, 'settle-key').innerText()
        if (keyAfter === keyBefore) throw new Error('the page must make a new Idempotency-Key for the next bill')
      }
      if (remaining !== 0n) throw new Error(`the bills should use the voucher up, ${yuan(remaining)} left`)
      await expectText($(page, 'settle-deductions'), ...bills.map(([no]) => no), ...deductions.map(yuan))
      await shot(page, 'provider-settlements', locale)
    })

    await step('the applicant sees every deduction and a zero balance', async () => {
      const page = await signIn(username, password, voucherPath)
      await expectText($(page, 'voucher-summary'), yuan(grant), yuan(0n))
      await expectText($(page, 'deductions-table'), ...bills.map(([no]) => no), ...bills.map(([, b]) => yuan(b)), ...deductions.map(yuan))
      await shot(page, 'applicant-voucher', locale)
    })

    // After the quarter: the claim.
    await setClock(base, '2024-07-02T10:00:00+08:00')
    const claimed = deductions.reduce((a, b) => a + b, 0n)
    await step('the provider compiles the 2024Q2 claim, attaches six materials and submits it', async () => {
      const page = await signIn('op-ai', DEMO_PASSWORD, '/provider/claims')
      await fill(page, 'claim-period', '2024Q5')
      await expectText(page.locator('.el-form-item', { has: input(page, 'claim-period') }), '2024Q2')
      await fill(page, 'claim-period', '2024Q2')
      await $(page, 'claim-compile').click()
      const detail = $(page, 'claim-detail')
      await expectText(detail.locator('[data-test="claim-claimed"]'), yuan(claimed))
      await $(page, 'claim-submit').click()
      // The server refuses a claim without its materials; the page says so in the user's language.
      await expectText(page.locator('[data-test="problem"]'), locale === 'en' ? 'A required field is missing' : '缺少必填项')
      const pdf = Buffer.from('%PDF-1.4\n% claim material\n%%EOF\n')
      for (const k of ['application_form', 'summary_table', 'qualification', 'contract', 'invoice', 'proof_of_service']) {
        await detail.locator(`input[data-test="material-upload-${k}"]`).setInputFiles({ name: `${k}.pdf`, mimeType: 'application/pdf', buffer: pdf })
        await detail.locator(`[data-test="material-${k}"]`).waitFor()
      }
      await $(page, 'claim-submit').click()
      await detail.locator('[data-status="submitted"]').waitFor()
      await expectText($(page, 'claims-table'), '2024Q2', yuan(claimed), W.submitted)
      await shot(page, 'provider-claims', locale)
    })

    await step('the officer assigns a panel of three experts (two are refused as too few)', async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/panels')
      await $(page, 'expert-expert1').click()
      await $(page, 'expert-expert2').click()
      await $(page, 'panel-assign').click()
      await expectText(page.locator('.err').first(), locale === 'en' ? 'at least three' : '至少')
      await $(page, 'expert-expert3').click()
      await shot(page, 'officer-claim-panel', locale)
      await $(page, 'panel-assign').click()
      await $(page, 'opinions').waitFor()
    })

    for (const [expert, decision, amount] of opinions) {
      await step(`${expert} records an opinion${amount ? ` of ${yuan(amount)}` : ''}`, async () => {
        const page = await signIn(expert, DEMO_PASSWORD, '/expert/claims')
        await expectText($(page, 'assigned-claimed'), yuan(claimed))
        if (decision === 'partly') {
          await $(page, 'opinion-partly').click()
          await fill(page, 'opinion-amount', decimal(claimed + 1n))
          await fill(page, 'opinion-comment', locale === 'en' ? 'Invoices checked against usage records' : '发票与算力使用记录核对')
          await $(page, 'opinion-submit').click()
          await expectText(page.locator('.el-form-item', { has: input(page, 'opinion-amount') }), locale === 'en' ? 'exceed' : '不能超过')
          await fill(page, 'opinion-amount', decimal(amount))
        } else {
          await fill(page, 'opinion-comment', locale === 'en' ? 'Invoices checked against usage records' : '发票与算力使用记录核对')
        }
        if (expert === 'expert3') await shot(page, 'expert-claims', locale)
        await $(page, 'opinion-submit').click()
        await expectText($(page, 'opinion-recorded'), yuan(amount ?? claimed))
      })
    }

    const approved = median(opinions.map(([, , a]) => a ?? claimed))
    await step(`the officer decides on the median, ${yuan(approved)}`, async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/panels')
      await expectText($(page, 'opinions'), ...opinions.map(([, , a]) => yuan(a ?? claimed)))
      await fill(page, 'claim-decide-reason', locale === 'en' ? 'The median of the panel' : '按专家意见中位数核定')
      await $(page, 'claim-decide').click()
      await expectText($(page, 'decided-claims'), '2024Q2', yuan(claimed), yuan(approved), W.partly)
      await shot(page, 'officer-claim-decided', locale)
    })

    await step('the officer creates the 2024Q2 payout batch; its total and CSV match', async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/payouts')
      await fill(page, 'payout-quarter', '2024Q2')
      await $(page, 'payout-create').click()
      const batch = $(page, 'batch-2024Q2')
      await expectText(batch.locator('[data-test="batch-total"]'), yuan(approved))
      await expectText(batch, '成都智算中心', '2024Q2', yuan(approved))
      const href = await batch.locator('[data-test="batch-csv"]').getAttribute('href')
      const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href)
      if (!csv.includes(decimal(approved)) || !csv.includes('成都智算中心')) throw new Error(`payout CSV: ${csv}`)
      await shot(page, 'officer-payouts', locale)
    })

    await step('the provider sees the claim paid', async () => {
      const page = await signIn('op-ai', DEMO_PASSWORD, '/provider/claims')
      await expectText($(page, 'claims-table'), '2024Q2', yuan(approved), W.paid)
    })

    await step('the pool and the provider report add up', async () => {
      const page = await signIn('officer', DEMO_PASSWORD, '/officer/pool?program=chengdu-2024')
      const p = before.pool
      await expectText($(page, 'pool-funded'), yuan(p.funded))
      await expectText($(page, 'pool-issued'), yuan(p.issued + grant))
      await expectText($(page, 'pool-used'), yuan(p.used + claimed))
      await expectText($(page, 'pool-redeemed'), yuan(p.redeemed + approved))
      await expectText($(page, 'pool-remaining'), yuan(p.remaining - grant))
      await shot(page, 'officer-pool', locale)
      await go(page, '/officer/reports')
      const r = before.report
      await expectText($(page, 'report-table'), '成都智算中心', yuan(r.issued + grant), yuan(r.used + claimed), yuan(r.redeemed + approved))
      await shot(page, 'officer-reports', locale)
    })

    await step('the auditor verifies the audit chain', async () => {
      const page = await signIn('auditor', DEMO_PASSWORD, '/auditor/audit')
      await $(page, 'audit-table').locator('.el-table__body tr').first().waitFor()
      await $(page, 'audit-verify').click()
      await $(page, 'audit-verify-result').waitFor()
      const text = await $(page, 'audit-verify-result').innerText()
      if (!/\d/.test(text)) throw new Error(`verify result: ${text}`)
      await shot(page, 'auditor-audit', locale)
    })

    if (locale === 'zh-CN') {
      await step('screenshots of the rules and the quote pages', async () => {
        const page = await signIn(username, password, '/programs/chengdu-2024')
        await $(page, 'rule-section').waitFor()
        await shot(page, 'program-rules', locale)
        await go(page, '/quote')
        await page.locator('.page-title').waitFor()
        await shot(page, 'quote', locale)
      })
    }
  } catch (e) {
    throw await describeFailure(e, locale, `FAILED-${locale}.png`)
  } finally {
    await close()
    await server.stop()
  }
}

main('console e2e', WORDS, run)
