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
//      the applicant cancels the placed job (still queued or running: the demo's simulated
//      centers run jobs on the server's manual clock, which does not move here) after the
//      confirmation, and its row says cancelled, also after a refresh;
//   3. an officer sees every organisation's jobs;
//   4. the provider sees its center with prices and Slurm accounts, adds a price from the
//      server's next year's first day (2025-01-01: upcoming by the server's day, GET /clock,
//      though long past by the browser's) and
//      then uploads the center's sacct file (three jobs on 03-12..14, ¥36,288.00 at the demo price);
//   5. the center's utilisation page renders its chart for March with those jobs and amount
//      (also by default: the 30 days ending on the server's day), and an idle range says what
//      to do next;
//   6. the provider edits its center's software (the catalogue then finds it by the new one),
//      reprices one of its goods and withdraws another (the catalogue shows the new price and
//      no longer the withdrawn goods);
//   7. the provider retires its center (with a reason, after the confirmation): the card says
//      retired, the catalogue no longer lists it, and an NPU job is then placed nowhere, with no
//      verdict for the retired center.
// Every job row shows what the job asked for and the most it can cost from GET /jobs on a page
// opened afresh (nothing remembered from the form).
// Every price and amount is computed here from the demo's prices in BigInt fen, not read back.
//
// Usage: node web/e2e/network.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's screenshots to docs/screenshots/ (catalogue,
//   center-detail, job-submit, jobs, provider-centers, provider-goods); otherwise to a temporary
//   directory.

import {
  $, choose, decimal, describeFailure, expectText, fen, fill, input, log, main, pageOpener, shot as harnessShot,
  signIn as harnessSignIn, startServer, step, TIMEOUT, yuan,
} from './harness.mjs'

// ---- The demo's prices (src/workflow/demo_network.cc), in fen ------------------------------

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
/**
 * The most a job costs at a price per unit-hour: units × the time limit in whole minutes (the
 * seconds rounded up) ÷ 60, rounded up to the fen (the server's job_routing::MaxCostFen).
 */
const maxCost = (price, units, seconds) => (price * BigInt(units) * BigInt(Math.ceil(seconds / 60)) + 59n) / 60n
/** What a metered line bills: units × seconds / 3600 at the price, rounded up to the fen (whole hours here: exact). */
const billed = (price, units, seconds) => (price * BigInt(units) * BigInt(seconds) + 3599n) / 3600n

const WORDS = {
  'zh-CN': {
    login: '登录', catalogue: '算力目录', domestic: '国产芯片', inForce: '执行中', upcoming: '待生效', placedOn: '已投递到',
    noSuchResource: '没有该类资源', overMax: '超过最高单价', unplaced: '没有算力中心能承接此作业', unitsRange: '数量应在 1–100000 之间',
    feasible: '可承接', loginForUtil: '登录后可查看该中心的利用率', priceAdded: '已新增价格', allJobs: '全部作业', cardHour: '卡时',
    cancelYes: '取消作业', cancelled: '已取消', minutes: '分钟', edit: '编辑', saved: '已保存', retireYes: '退役', retired: '已退役',
    reprice: '调价', withdrawYes: '下架', withdrawn: '已下架', goodsTab: '商品',
  },
  en: {
    login: 'Log in', catalogue: 'Catalogue', domestic: 'Domestic chip', inForce: 'In force', upcoming: 'Upcoming', placedOn: 'Placed on',
    noSuchResource: 'No such resource', overMax: 'Above the max price', unplaced: 'No center can take this job', unitsRange: 'Between 1 and 100000',
    feasible: 'Can take it', loginForUtil: "Log in to see this center's utilisation", priceAdded: 'Price added', allJobs: 'All jobs', cardHour: 'card-hour',
    cancelYes: 'Cancel job', cancelled: 'Cancelled', minutes: 'min', edit: 'Edit', saved: 'saved', retireYes: 'Retire', retired: 'Retired',
    reprice: 'Reprice', withdrawYes: 'Withdraw', withdrawn: 'Withdrawn', goodsTab: 'Goods',
  },
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

/** The message under the form item holding the `test` element. */
const itemError = (page, test) => page.locator(`.el-form-item:has([data-test="${test}"]) .el-form-item__error`).first()

const shot = (page, name, locale) => harnessShot(page, name, locale, 500) // the chart needs a little longer

/** The DCU job's row (placed nowhere) in the jobs table. */
const dcuRowOf = (list) => list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: 'DCU' }).first()

/** Types `reason` into Element Plus's prompt box and presses its confirm button labelled `yes`. */
async function answerPrompt(page, reason, yes) {
  const box = page.locator('.el-message-box')
  await box.locator('.el-message-box__input input').fill(reason)
  await box.locator('.el-message-box__btns .el-button--primary', { hasText: yes }).click()
}

// ---- The flow -------------------------------------------------------------------------------

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer('suanli-e2e-net-')
  log(`locale ${locale}: server at ${server.base}`)
  const base = server.base
  const { open, close } = pageOpener(browser, base, locale)
  const signIn = (username, then) => harnessSignIn(open, { username, then, loginWord: W.login })

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
    // The server's day (the demo's manual clock), which the pages' "today" must follow.
    const { today } = await (await fetch(`${base}/api/v1/clock`)).json()
    if (today !== '2024-03-15') throw new Error(`GET /clock: today ${today}, expected the demo's 2024-03-15`)
    const pa = await pricesInForce(base, centerA, today)
    const pb = await pricesInForce(base, centerB, today)
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
    const usageBilled = usageJobs.reduce((sum, j) => sum + billed(PRICE.npu, j.cards, j.seconds), 0n)

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

    await step('the applicant cancels the placed job, which is still queued or running', async () => {
      const page = await signIn('demo-applicant', '/jobs')
      const list = $(page, 'jobs-table')
      const placedRow = list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: '成都智算中心' }).first()
      const stateTag = placedRow.locator('[data-state]')
      await stateTag.waitFor()
      const before = (await stateTag.getAttribute('data-state')).toLowerCase()
      if (!['submitted', 'pending', 'running', 'suspended', 'completing', 'requeued'].includes(before)) throw new Error(`the placed job is ${before}, not cancellable`)
      const id = (await placedRow.locator('td').nth(1).innerText()).trim()
      // A page opened afresh: what the job asked for and the most it can cost come from GET /jobs.
      await expectText(placedRow.locator('[data-col="name"]'), 'llm-finetune')
      await expectText(placedRow.locator('[data-col="framework"]'), 'PyTorch ≥ 2.1')
      await expectText(placedRow.locator('[data-col="time-limit"]'), `${npuJob.seconds / 60} ${W.minutes}`)
      await expectText(placedRow.locator('[data-col="max-cost"]'), yuan(maxCost(PRICE.npu, npuJob.units, npuJob.seconds)))
      await expectText(dcuRowOf(list).locator('[data-col="name"]'), 'md-sim')
      if ((await dcuRowOf(list).locator('[data-col="max-cost"]').innerText()).trim() !== '—') throw new Error('an unplaced job shows a most-it-can-cost')
      // Only queued or running jobs offer the action: the unplaced DCU job does not.
      const dcuRow = list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: 'DCU' }).first()
      if (await dcuRow.locator('[data-test^="job-cancel-"]').count()) throw new Error('an unplaced job offers Cancel')
      await $(page, `job-cancel-${id}`).click()
      const box = page.locator('.el-message-box')
      await expectText(box, `#${id}`, '成都智算中心')
      await box.locator('.el-message-box__btns .el-button--primary', { hasText: W.cancelYes }).click()
      await expectText(stateTag, W.cancelled)
      if ((await stateTag.getAttribute('data-state')).toLowerCase() !== 'cancelled') throw new Error('the row does not say cancelled')
      await expectText($(page, 'jobs-cancel-done'), `#${id}`)
      if (await $(page, `job-cancel-${id}`).count()) throw new Error('a cancelled job still offers Cancel')
      // The center reports it so from now on.
      await $(page, 'jobs-refresh').click()
      await page.waitForTimeout(300)
      await expectText(list.locator('.el-table__body > tbody > tr.el-table__row').filter({ hasText: '成都智算中心' }).first().locator('[data-state]'), W.cancelled)
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
      // The first day of the server's next year (2025-01-01): after the server's day, long before
      // the browser's. The page calls it upcoming only if it counts days as the server does.
      const later = `${Number(today.slice(0, 4)) + 1}-01-01`
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
      // An applicant sees how busy the center is, not what it billed (the provider's business).
      const applicant = await signIn('demo-applicant', `/centers/${centerB.id}?from=2024-03-01&to=2024-03-15`)
      await $(applicant, 'util-chart').locator('canvas').first().waitFor()
      await expectText($(applicant, 'util-jobs'), String(usageJobs.length))
      if (await $(applicant, 'util-billed').count() !== 0) throw new Error("an applicant was shown the center's billed amount")
      // Its own operator sees the money too.
      const page = await signIn('op-ai', `/centers/${centerB.id}?from=2024-03-01&to=2024-03-15`)
      await expectText($(page, 'center-name'), '成都智算中心')
      await $(page, 'util-chart').locator('canvas').first().waitFor()
      await expectText($(page, 'util-jobs'), String(usageJobs.length))
      await expectText($(page, 'util-billed'), yuan(usageBilled))
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await shot(page, 'center-detail', locale)
      // Without a range, the 30 days ending on the server's day (not the browser's): the same jobs.
      await page.goto(`${base}/centers/${centerB.id}`)
      await page.waitForURL((u) => u.searchParams.get('to') === today)
      await expectText($(page, 'util-billed'), yuan(usageBilled))
      // A range without usage says what to do next instead of an empty chart.
      await page.goto(`${base}/centers/${centerB.id}?from=2024-02-01&to=2024-02-10`)
      await $(page, 'util-empty').waitFor()
    })

    await step('the provider edits its center, reprices one of its goods and withdraws another', async () => {
      const page = await signIn('op-ai', '/provider/centers')
      const card = $(page, `prov-center-${B}`)
      await card.locator('[data-test="center-edit"]').click()
      const software = input(page, 'center-edit-software')
      await software.waitFor()
      await software.fill(`${await software.inputValue()}\nvLLM 0.4.2`)
      await $(page, 'center-edit-save').click()
      await expectText(card.locator('[data-test="center-change-done"]'), '成都智算中心', W.saved)
      const found = await (await fetch(`${base}/api/v1/catalogue?q=vllm`)).json()
      if (found.centers.map((c) => c.name).join() !== '成都智算中心') throw new Error(`the catalogue does not find the new software: ${JSON.stringify(found.centers.map((c) => c.name))}`)

      // Goods: the provider's own, on their tab; reprice the service, withdraw the model.
      const mine = goods.filter((g) => g.provider_id === centerB.provider_id)
      const service = mine.find((g) => g.kind === 'service')
      const model = mine.find((g) => g.kind === 'model')
      if (!service || !model) throw new Error(`the demo's 成都智算中心 goods changed: ${JSON.stringify(mine.map((g) => g.name))}`)
      const newPrice = fen(service.price) - 5_000_00n
      await page.locator('.el-tabs__item', { hasText: W.goodsTab }).click()
      await expectText($(page, 'prov-goods'), service.name, model.name)
      await $(page, `goods-reprice-${service.id}`).click()
      await fill(page, 'goods-edit-price', decimal(newPrice))
      await $(page, 'goods-edit-save').click()
      await expectText($(page, `goods-price-${service.id}`), yuan(newPrice))
      await $(page, `goods-withdraw-${model.id}`).click()
      await expectText(page.locator('.el-message-box'), model.name)
      await answerPrompt(page, 'superseded', W.withdrawYes)
      await expectText($(page, `goods-status-${model.id}`), W.withdrawn)
      await shot(page, 'provider-goods', locale)
      // Logged out, the catalogue shows the new price and no longer the withdrawn goods.
      const cat = await open('/catalogue')
      await expectText($(cat, 'cat-goods'), service.name, `${yuan(newPrice)} / ${service.unit}`)
      await expectNoText($(cat, 'cat-goods'), model.name)
    })

    await step('the provider retires its center: out of the catalogue, and jobs no longer go there', async () => {
      const page = await signIn('op-ai', '/provider/centers')
      const card = $(page, `prov-center-${B}`)
      await card.locator('[data-test="center-retire"]').click()
      await expectText(page.locator('.el-message-box'), '成都智算中心')
      await answerPrompt(page, 'moved to the new campus', W.retireYes)
      await expectText(card.locator('[data-test="prov-center-retired"]'), W.retired)
      if (await card.locator('[data-test="center-retire"]').count()) throw new Error('a retired center still offers Retire')
      const cat = await open('/catalogue')
      await expectText($(cat, 'cat-centers'), '国家超算成都中心')
      await expectNoText($(cat, 'cat-centers'), '成都智算中心')
      // An NPU job now: no center offers NPUs, and the retired one is not even considered.
      const jobs = await signIn('demo-applicant', '/jobs')
      await $(jobs, 'job-form').waitFor()
      await choose(jobs, 'job-resource', 'npu')
      await fill(jobs, 'job-units', '8')
      await fill(jobs, 'job-name', 'after-retirement')
      await $(jobs, 'job-submit').click()
      await expectText($(jobs, 'placement-summary'), W.unplaced)
      const rows = $(jobs, 'placement').locator('[data-test="placement-table"] .el-table__body tr')
      await expectText(rows.filter({ hasText: '国家超算成都中心' }).first(), W.noSuchResource)
      if (await rows.filter({ hasText: '成都智算中心' }).count()) throw new Error('the retired center is still among the verdicts')
    })
  } catch (e) {
    throw await describeFailure(e, locale, `FAILED-network-${locale}.png`)
  } finally {
    await close()
    await server.stop()
  }
}

main('console network e2e', WORDS, run)
