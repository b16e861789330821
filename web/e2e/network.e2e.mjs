#!/usr/bin/env node
// The compute-network pages through the console, by clicking and typing, against a real
// `suanli serve --demo` this script starts (fresh data, demo network: 国家超算成都中心 with DCU
// card-hours at ¥6.00 and CPU node-hours at ¥8.00, 成都智算中心 with Ascend NPU card-hours at
// ¥12.00, all from 2024-01-01; simulated Slurm connectors; Slurm accounts cd-firm and cd-uni on
// both). In each language (zh-CN, en), on its own fresh server:
//   1. logged out, the catalogue lists both centers with the prices in force and the goods;
//      search and the kind filter narrow it; a center's page shows its partitions (domestic
//      chip tagged) and price list;
//   2. the applicant submits a job (a wrong count flagged while typing first): 8 Ascend NPUs
//      for 60 minutes, domestic only → placed on 成都智算中心 at ¥12.00 a card-hour, at most
//      ¥96.00 over the time limit; 国家超算成都中心 refused for having no NPU; a DCU job under a
//      ¥5.00 ceiling is placed nowhere, with each center's reason; both jobs in the list;
//   3. an officer sees every organisation's jobs;
//   4. the provider sees its center with prices and Slurm accounts, adds a price from next
//      year's first day (shown as upcoming) and
//      then uploads the center's sacct file (three jobs on 03-12..14, ¥36,288.00 at the demo price);
//   5. the center's utilisation page renders its chart for March with those jobs and amount, and
//      an idle range says what to do next.
// Every price and amount is computed here from the demo's prices in BigInt fen, not read back.
//
// Usage: node web/e2e/network.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's screenshots to docs/screenshots/ (catalogue,
//   center-detail, job-submit, jobs, provider-centers); otherwise to a temporary directory.

import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO = resolve(HERE, '..', '..')
const args = parseArgs(process.argv.slice(2))
const SUANLI = resolve(args.suanli ?? join(REPO, 'build/release/src/cli/suanli'))
const STATIC = resolve(args['static-dir'] ?? join(REPO, 'web/dist'))
const LOCALES = (args.locales ?? 'zh-CN,en').split(',')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const SHOTS = process.env.SUANLI_SCREENSHOTS === '1' ? join(REPO, 'docs/screenshots') : mkdtempSync(join(tmpdir(), 'suanli-shots-'))
const DEMO_PASSWORD = 'suanli-demo-2024'
const TIMEOUT = Number(process.env.SUANLI_E2E_TIMEOUT ?? 30000)

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`)
    out[argv[i].slice(2)] = argv[++i]
  }
  return out
}

// ---- The demo's prices (src/workflow/demo_network.cc), in fen ------------------------------

const fen = (s) => {
  const [i, f = ''] = s.split('.')
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2))
}
function yuan(f) {
  const neg = f < 0n
  const a = neg ? -f : f
  const int = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}¥${int}.${(a % 100n).toString().padStart(2, '0')}`
}
/**
 * The prices in force on the server's day (2024-03-15) for each partition of a center, in fen,
 * read from its published price list (the demo's: DCU card-hour ¥6.00, CPU node-hour ¥8.00,
 * Ascend card-hour ¥12.00); the pages must show these, and the job's figures follow from them.
 */
async function pricesInForce(base, center, day = '2024-03-15') {
  const items = (await (await fetch(`${base}/api/v1/centers/${center.id}/prices`)).json()).items
  const out = {}
  for (const p of items.filter((x) => x.effective_from <= day).sort((a, b) => a.effective_from.localeCompare(b.effective_from))) {
    out[p.partition] = fen(p.price)
  }
  return out
}
const decimal = (f) => `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`
/** The most a job costs at a price per unit-hour: units × seconds / 3600, rounded up to the fen. */
const maxCost = (price, units, seconds) => (price * BigInt(units) * BigInt(seconds) + 3599n) / 3600n

const WORDS = {
  'zh-CN': {
    login: '登录', catalogue: '算力目录', domestic: '国产芯片', inForce: '执行中', upcoming: '待生效', placedOn: '已投递到',
    noSuchResource: '没有该类资源', overMax: '超过最高单价', unplaced: '没有算力中心能承接此作业', unitsRange: '数量应在 1–100000 之间',
    feasible: '可承接', loginForUtil: '登录后可查看该中心的利用率', priceAdded: '已新增价格', allJobs: '全部作业', cardHour: '卡时',
  },
  en: {
    login: 'Log in', catalogue: 'Catalogue', domestic: 'Domestic chip', inForce: 'In force', upcoming: 'Upcoming', placedOn: 'Placed on',
    noSuchResource: 'No such resource', overMax: 'Above the max price', unplaced: 'No center can take this job', unitsRange: 'Between 1 and 100000',
    feasible: 'Can take it', loginForUtil: "Log in to see this center's utilisation", priceAdded: 'Price added', allJobs: 'All jobs', cardHour: 'card-hour',
  },
}

// ---- Server ---------------------------------------------------------------------------------

async function startServer() {
  const data = mkdtempSync(join(tmpdir(), 'suanli-e2e-net-'))
  const argv = ['serve', '--data', data, '--programs', join(REPO, 'programs'), '--port', '0', '--demo',
    '--manual-clock', '2024-03-15T09:00:00+08:00', '--fast-password-hashing', '--access-log', 'false', '--static-dir', STATIC]
  const proc = spawn(SUANLI, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stderr.on('data', (d) => (err += d))
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`suanli serve did not start in 120 s:\n${out}\n${err}`)), 120000)
    proc.stdout.on('data', (d) => {
      out += d
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(Number(m[1]))
      }
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`suanli serve exited (${code}):\n${out}\n${err}`))
    })
  })
  proc.stdout.resume()
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((ok) => proc.once('exit', ok))
        proc.kill('SIGTERM')
        const t = setTimeout(() => proc.kill('SIGKILL'), 30000)
        await done
        clearTimeout(t)
      }
      rmSync(data, { recursive: true, force: true })
      if (proc.exitCode !== 0) throw new Error(`suanli serve exited with ${proc.exitCode ?? proc.signalCode}:\n${err.slice(-4000)}`)
    },
  }
}

// ---- Page helpers ---------------------------------------------------------------------------

let current = { page: null, step: '' }
const log = (s) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`)

async function step(name, fn) {
  current.step = name
  const t0 = Date.now()
  await fn()
  log(`  ok  ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
}

const $ = (page, test) => page.locator(`[data-test="${test}"]`).first()
const input = (page, test) =>
  page.locator(`input[data-test="${test}"], textarea[data-test="${test}"], [data-test="${test}"] input, [data-test="${test}"] textarea`).first()

async function fill(page, test, value) {
  await input(page, test).fill(value)
}

/** Opens an Element Plus select and picks the option whose text contains `text`. */
async function choose(page, test, text) {
  await $(page, test).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** Waits until the locator's text contains every expected piece. */
async function expectText(locator, ...pieces) {
  const deadline = Date.now() + TIMEOUT
  let last = ''
  while (Date.now() < deadline) {
    try {
      last = await locator.innerText({ timeout: 1000 })
      if (pieces.every((p) => last.includes(p))) return last
    } catch {
      /* not there yet */
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`expected ${JSON.stringify(pieces)} in the text, found: ${JSON.stringify(last.slice(0, 600))}`)
}

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

/** The message under the form item holding the `test` element. */
const itemError = (page, test) => page.locator(`.el-form-item:has([data-test="${test}"]) .el-form-item__error`).first()

async function shot(page, name, locale) {
  if (locale !== 'zh-CN') return
  await page.waitForTimeout(500) // let transitions and the chart settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

// ---- The flow -------------------------------------------------------------------------------

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer()
  log(`locale ${locale}: server at ${server.base}`)
  const base = server.base
  const contexts = []

  async function open(path) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'America/Los_Angeles' })
    ctx.setDefaultTimeout(TIMEOUT)
    await ctx.addInitScript((l) => localStorage.setItem('suanli.locale', l), locale)
    contexts.push(ctx)
    const page = await ctx.newPage()
    page.on('pageerror', (e) => log(`  page error: ${e.message}`))
    current.page = page
    await page.goto(base + path)
    return page
  }

  async function signIn(username, then) {
    const page = await open('/login?redirect=' + encodeURIComponent(then))
    await expectText($(page, 'login-submit'), W.login)
    await input(page, 'username').click()
    await page.keyboard.type(username)
    await page.keyboard.press('Tab')
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    return page
  }

  const npuJob = { units: 8, seconds: 60 * 60 }
  try {
    // The demo's centers by name; their Slurm cluster names (which the page's test ids and the
    // sacct file's Cluster column use) are read, not assumed.
    const centers = (await (await fetch(`${base}/api/v1/centers`)).json()).items
    const centerA = centers.find((c) => c.name === '国家超算成都中心')
    const centerB = centers.find((c) => c.name === '成都智算中心')
    if (!centerA || !centerB) throw new Error(`the demo network is missing a center: ${JSON.stringify(centers.map((c) => c.name))}`)
    const A = centerA.slurm_cluster
    const B = centerB.slurm_cluster
    const pa = await pricesInForce(base, centerA)
    const pb = await pricesInForce(base, centerB)
    const PRICE = { dcu: pa.dcu, cpuNode: pa.cpu, npu: pb.ascend }
    if (Object.values(PRICE).some((p) => p === undefined)) throw new Error(`demo prices missing: ${JSON.stringify({ pa, pb }, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`)
    log(`  demo prices: dcu ${yuan(PRICE.dcu)}, cpu node ${yuan(PRICE.cpuNode)}, npu ${yuan(PRICE.npu)} per unit-hour`)
    const goods = (await (await fetch(`${base}/api/v1/catalogue`)).json()).goods
    if (goods.length === 0) throw new Error('the demo lists no goods')
    // The center's usage for the utilisation chart: three jobs of cd-firm (no discount class) on
    // 成都智算中心, whole hours so each line is exact: 8 cards × 10 h on 03-12, 64 × 22 h on 03-13,
    // 128 × 12 h on 03-14 (demo: ¥960.00 + ¥16,896.00 + ¥18,432.00 = ¥36,288.00).
    const usageJobs = [
      { id: 9001, cards: 8, nodes: 1, start: '2024-03-12T09:00:00', end: '2024-03-12T19:00:00', seconds: 36000 },
      { id: 9002, cards: 64, nodes: 8, start: '2024-03-13T01:00:00', end: '2024-03-13T23:00:00', seconds: 79200 },
      { id: 9003, cards: 128, nodes: 16, start: '2024-03-14T08:00:00', end: '2024-03-14T20:00:00', seconds: 43200 },
    ]
    const usageBilled = usageJobs.reduce((sum, j) => sum + maxCost(PRICE.npu, j.cards, j.seconds), 0n)

    await step('logged out, the catalogue lists the centers with their prices and the goods', async () => {
      const page = await open('/catalogue')
      const table = $(page, 'cat-centers')
      await expectText(table, '国家超算成都中心', '成都智算中心', 'Ascend 910B', 'Hygon DCU Z100', W.domestic)
      await expectText($(page, `cat-price-${A}-dcu`), yuan(PRICE.dcu))
      await expectText($(page, `cat-price-${A}-cpu`), yuan(PRICE.cpuNode))
      await expectText($(page, `cat-price-${B}-ascend`), yuan(PRICE.npu), W.cardHour)
      await expectText($(page, 'cat-goods'), ...goods.flatMap((g) => [g.name, `${yuan(fen(g.price))} / ${g.unit}`]))
      await expectText($(page, 'layout-login'), W.login)
      await shot(page, 'catalogue', locale)
      // Search narrows both tables; the kind filter hides the centers for goods kinds.
      await fill(page, 'cat-search', 'Ascend')
      await expectNoText(table, '国家超算成都中心')
      await expectText(table, '成都智算中心')
      await fill(page, 'cat-search', '')
      await expectText(table, '国家超算成都中心')
      await choose(page, 'cat-kind', locale === 'en' ? 'Model' : '模型')
      const models = goods.filter((g) => g.kind === 'model')
      const others = goods.filter((g) => g.kind !== 'model')
      await expectText($(page, 'cat-goods'), ...models.map((g) => g.name))
      for (const g of others) await expectNoText($(page, 'cat-goods'), g.name)
      if (await $(page, 'cat-centers').isVisible()) throw new Error('centers still shown for kind=model')
      await choose(page, 'cat-kind', locale === 'en' ? 'All kinds' : '全部类别')
      // A center's page: partitions, the domestic chip, the price list with its effective day.
      await page.locator(`[data-test="cat-center-${B}"]`).click()
      await page.waitForURL((u) => u.pathname === `/centers/${centerB.id}`)
      await expectText($(page, 'center-name'), '成都智算中心')
      await expectText($(page, 'center-partitions'), 'ascend', 'Ascend 910B', 'Kunpeng 920', W.domestic)
      await expectText($(page, 'center-prices'), yuan(PRICE.npu), '2024-01-01', W.inForce)
      await expectText($(page, 'center-software'), 'MindSpore', '2.2')
      await expectText(page.locator('main'), W.loginForUtil)
    })

    await step('the applicant submits an NPU job: placed on 成都智算中心 at the demo price, the other center refused', async () => {
      const page = await signIn('demo-applicant', '/jobs')
      await $(page, 'job-form').waitFor()
      await fill(page, 'job-units', '0')
      await expectText(itemError(page, 'job-units'), W.unitsRange)
      await choose(page, 'job-resource', 'npu')
      await fill(page, 'job-units', String(npuJob.units))
      await choose(page, 'job-framework', 'PyTorch')
      await fill(page, 'job-version', '2.1')
      await fill(page, 'job-time', String(npuJob.seconds / 60))
      await fill(page, 'job-region', '成都')
      await fill(page, 'job-max-price', decimal(PRICE.npu * 2n))
      await $(page, 'job-domestic').click()
      await fill(page, 'job-name', 'llm-finetune')
      await $(page, 'job-submit').click()
      await expectText($(page, 'placement-summary'), W.placedOn, '成都智算中心')
      const rows = $(page, 'placement').locator('[data-test="placement-table"] .el-table__body tr')
      const chosen = rows.filter({ hasText: '成都智算中心' }).first()
      await expectText(chosen, W.feasible, yuan(PRICE.npu), yuan(maxCost(PRICE.npu, npuJob.units, npuJob.seconds)))
      await expectText(rows.filter({ hasText: '国家超算成都中心' }).first(), W.noSuchResource)
      await shot(page, 'job-submit', locale)

      // A DCU job under a ceiling one fen below 国家超算成都中心's DCU price; 成都智算中心 has no DCU.
      await choose(page, 'job-resource', 'dcu')
      await fill(page, 'job-units', '4')
      await fill(page, 'job-max-price', decimal(PRICE.dcu - 1n))
      await $(page, 'job-domestic').click()
      await fill(page, 'job-name', 'md-sim')
      await $(page, 'job-submit').click()
      await expectText($(page, 'placement-summary'), W.unplaced)
      await expectText(rows.filter({ hasText: '国家超算成都中心' }).first(), W.overMax, yuan(PRICE.dcu))
      await expectText(rows.filter({ hasText: '成都智算中心' }).first(), W.noSuchResource)

      // Both jobs in the list; the placed one on its center. Refresh follows the states.
      const list = $(page, 'jobs-table')
      await $(page, 'jobs-refresh').click()
      const placedRow = list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: '成都智算中心' }).first()
      await expectText(placedRow, 'NPU', '× 8')
      const stateTag = placedRow.locator('[data-state]')
      const state = await stateTag.getAttribute('data-state')
      if (!['submitted', 'pending', 'running', 'completing', 'completed'].includes(state.toLowerCase())) throw new Error(`placed job state ${state}`)
      await expectText(list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: 'DCU' }).first(), '—', '× 4')
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await shot(page, 'jobs', locale)
    })

    await step('an officer sees every organisation\'s jobs', async () => {
      const page = await signIn('officer', '/jobs')
      await expectText($(page, 'jobs-table'), '成都示例科技有限公司', '成都智算中心')
      await expectText(page.locator('main'), W.allJobs)
      if (await $(page, 'job-form').count()) throw new Error('officers cannot submit jobs, yet the form is shown')
    })

    await step('the provider sees its center with prices and Slurm accounts and adds a price from a later day', async () => {
      const page = await signIn('op-ai', '/provider/centers')
      const card = $(page, `prov-center-${B}`)
      await expectText(card.locator('[data-test="prov-prices"]'), yuan(PRICE.npu), '2024-01-01', W.inForce)
      await expectText(card.locator('[data-test="prov-accounts"]'), 'cd-firm', 'cd-uni')
      if (await $(page, `prov-center-${A}`).count()) throw new Error("another provider's center is listed")
      await fill(page, 'price-amount', '11.5')
      await fill(page, 'price-from', '2024-13-01')
      await expectText(itemError(page, 'price-from'), locale === 'en' ? 'valid date' : '有效日期')
      // A day after today by both clocks (the demo server's 2024-03-15 and the browser's): the
      // pages call a price "upcoming" by the browser's CST day (no API gives the server's day).
      const later = `${new Date().getUTCFullYear() + 1}-01-01`
      await fill(page, 'price-from', later)
      await $(page, 'price-save').click()
      await expectText(card, W.priceAdded)
      const upcoming = card.locator('[data-test="prov-prices"] .el-table__body tr').filter({ hasText: later }).first()
      await expectText(upcoming, '¥11.50', W.upcoming)
      // The center's sacct file: the three jobs above, each with its batch step (not billed again).
      const sacct = [
        'JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode',
        ...usageJobs.flatMap((j) => {
          const tres = `cpu=${24 * j.cards},gres/npu=${j.cards},mem=200G,node=${j.nodes}`
          const at = `${j.start}|${j.start}|${j.end}|${j.seconds}`
          return [`${j.id}|${B}|cd-firm|alice|ascend|${at}|billing=${j.cards},${tres}|COMPLETED|0:0`, `${j.id}.batch|${B}|cd-firm||ascend|${at}|${tres}|COMPLETED|0:0`]
        }),
      ].join('\n') + '\n'
      await card.locator('[data-test="usage-file"]').setInputFiles({ name: 'sacct.txt', mimeType: 'text/plain', buffer: Buffer.from(sacct) })
      await expectText(card.locator('[data-test="usage-report"]'), yuan(usageBilled))
      // Pulling through the center's (simulated) Slurm connection answers with what it found.
      await card.locator('[data-test="usage-pull"]').click()
      await card.locator('[data-test="usage-pulled"]').waitFor()
      await shot(page, 'provider-centers', locale)
    })

    await step("metered usage shows on the center's utilisation chart", async () => {
      const page = await signIn('demo-applicant', `/centers/${centerB.id}?from=2024-03-01&to=2024-03-15`)
      await expectText($(page, 'center-name'), '成都智算中心')
      await $(page, 'util-chart').locator('canvas').first().waitFor()
      await expectText($(page, 'util-jobs'), String(usageJobs.length))
      await expectText($(page, 'util-billed'), yuan(usageBilled))
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await shot(page, 'center-detail', locale)
      // A range without usage says what to do next instead of an empty chart.
      await page.goto(`${base}/centers/${centerB.id}?from=2024-02-01&to=2024-02-10`)
      await $(page, 'util-empty').waitFor()
    })
  } catch (e) {
    const where = join(SHOTS, `FAILED-network-${locale}.png`)
    if (current.page) await current.page.screenshot({ path: where, fullPage: true }).catch(() => undefined)
    e.message = `locale ${locale}, step "${current.step}": ${e.message}\n  page: ${current.page?.url()}\n  screenshot: ${where}`
    throw e
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined)
    await server.stop()
  }
}

async function main() {
  for (const p of [SUANLI, CHROMIUM, join(STATIC, 'index.html')]) {
    if (!existsSync(p)) throw new Error(`missing ${p} (build suanli, run scripts/install-web.sh)`)
  }
  mkdirSync(SHOTS, { recursive: true })
  const t0 = Date.now()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
  try {
    for (const locale of LOCALES) {
      if (!WORDS[locale]) throw new Error(`unknown locale ${locale}`)
      await run(browser, locale)
    }
  } finally {
    await browser.close()
  }
  log(`console network e2e: ok (${LOCALES.join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${SHOTS}`)
}

main().catch((e) => {
  console.error(`console network e2e FAILED: ${e.stack ?? e}`)
  process.exit(1)
})
