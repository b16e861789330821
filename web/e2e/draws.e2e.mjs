#!/usr/bin/env node
// Nanjing's experience-voucher draw through the console, against a real `suanli serve --demo`
// this script starts (its demo opens this week's draw, 2024-03-11, with 成都示例大学 entered). In
// each language (zh-CN, en), on its own server:
//   1. demo-applicant on /programs/nanjing-experience sees the draw open and itself not entered,
//      enters it (报名 / Enter), and is then shown as entered; the API counts 2 entrants;
//   2. the officer on the same page: a Tuesday is refused on the week field before anything is
//      sent; next week's draw (2024-03-18) is opened and listed; this week's is run after the
//      confirmation: the result shows the revealed seed — whose SHA-256 is the digest shown since
//      the opening —, both winners with 96 hours each, 2,208 hours short, and the replay command;
//      the entrant file the page links has the SHA-256 it shows, and `suanli draw` on it with that
//      seed prints the same winners;
//   3. demo-applicant sees 中签 96 小时 / Won 96 h and its experience voucher, activates it (激活 /
//      Activate, after the confirmation) and sees it 使用中 / In use with its one-time account
//      exp-<id> on nj-ai (the demo's simulated 南京智能计算中心) and 96.00 card-hours left.
//
// Usage: node web/e2e/draws.e2e.mjs [--suanli PATH] [--static-dir DIR] [--locales zh-CN,en]
//   SUANLI_SCREENSHOTS=1 writes the zh-CN run's screenshots (draws-applicant, draws-officer) to
//   docs/screenshots/; otherwise to a temporary directory.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  $, describeFailure, expectText, fill, log, main, pageOpener, REPO, shot, signIn as harnessSignIn,
  startServer, step, SUANLI,
} from './harness.mjs'

const WORDS = {
  'zh-CN': {
    login: '登录', title: '体验券抽签', open: '报名中', drawn: '已开奖', notEntered: '未报名', entered: '已报名',
    notMonday: '请选择周一', runYes: '确定开奖', won: '中签 96 小时', short: '短缺 2208 小时', mine: '本单位的体验券',
    toActivate: '待激活', activateYes: '激活', active: '使用中',
  },
  en: {
    login: 'Log in', title: 'Experience voucher draws', open: 'Open for entries', drawn: 'Drawn', notEntered: 'Not entered',
    entered: 'Entered', notMonday: 'Pick a Monday', runYes: 'Run it', won: 'Won 96 h', short: '2208 h short',
    mine: "My organisation's experience vouchers", toActivate: 'To activate', activateYes: 'Activate', active: 'In use',
  },
}
const PAGE = '/programs/nanjing-experience'
const sha256 = (s) => createHash('sha256').update(s).digest('hex')

async function run(browser, locale) {
  const W = WORDS[locale]
  const server = await startServer('suanli-e2e-draws-')
  log(`locale ${locale}: server at ${server.base}`)
  const { open, close } = pageOpener(browser, server.base, locale)
  const signIn = (username, then) => harnessSignIn(open, { username, then, loginWord: W.login })
  try {
    let published = ''
    await step('demo-applicant enters this week\'s draw', async () => {
      const page = await signIn('demo-applicant', PAGE)
      await expectText($(page, 'experience-draws'), W.title, '2024-03-11', W.open)
      await expectText($(page, 'mine-1'), W.notEntered)
      await $(page, 'enter-1').click()
      await expectText($(page, 'mine-1'), W.entered)
      const draw = await page.evaluate(async () => (await fetch('/api/v1/draws/1')).json())
      if (draw.entrants !== 2 || draw.entered !== true) throw new Error(`draw 1: ${JSON.stringify(draw)}`)
      published = draw.seed_sha256
      await shot(page, 'draws-applicant', locale)
    })

    await step('the officer opens next week\'s draw and runs this week\'s: seed, winners, replay', async () => {
      const page = await signIn('officer', PAGE)
      await expectText($(page, 'draws-table'), '2024-03-11')
      await fill(page, 'draw-week', '2024-03-19')
      await expectText(page.locator('.open-form'), W.notMonday)
      await fill(page, 'draw-week', '2024-03-18')
      await $(page, 'open-draw').click()
      await expectText($(page, 'draws-table'), '2024-03-18', '2024-03-24')
      await $(page, 'run-1').click()
      const box = page.locator('.el-message-box:visible')
      await box.locator('.el-message-box__btns button', { hasText: W.runYes }).click()
      const result = $(page, 'draw-result')
      await expectText(result, published, W.short)
      const seed = (await $(page, 'draw-seed').innerText()).trim()
      if (sha256(seed) !== published) throw new Error(`seed ${seed} does not hash to ${published}`)
      const winners = await $(page, 'draw-winners').innerText()
      for (const name of ['成都示例科技有限公司', '成都示例大学']) if (!winners.includes(name)) throw new Error(`winners: ${winners}`)
      const replay = (await $(page, 'draw-replay').innerText()).trim()
      if (replay !== `suanli draw --program programs/nanjing-experience.toml --entrants draw-1-entrants.txt --seed ${seed}`) {
        throw new Error(`replay: ${replay}`)
      }
      const href = await $(page, 'draw-entrants').getAttribute('href')
      const file = await page.evaluate(async (u) => (await fetch(u)).text(), href)
      const drawn = await page.evaluate(async () => (await fetch('/api/v1/draws/1')).json())
      if (sha256(file) !== drawn.entrants_sha256 || !(await result.innerText()).includes(drawn.entrants_sha256)) {
        throw new Error(`entrant file ${JSON.stringify(file)} vs ${drawn.entrants_sha256}`)
      }
      const dir = mkdtempSync(join(tmpdir(), 'suanli-e2e-draw-'))
      try {
        writeFileSync(join(dir, 'draw-1-entrants.txt'), file)
        const cli = JSON.parse(execFileSync(SUANLI, ['draw', '--program', join(REPO, 'programs/nanjing-experience.toml'),
          '--entrants', join(dir, 'draw-1-entrants.txt'), '--seed', seed], { encoding: 'utf8' }))
        const same = JSON.stringify(cli.winners.map((w) => [w.entrant, w.hours])) ===
          JSON.stringify(drawn.winners.map((w) => [`org-${w.org_id}`, w.hours]))
        if (!same || cli.shortfall_hours !== 2208) throw new Error(`suanli draw: ${JSON.stringify(cli)} vs ${JSON.stringify(drawn.winners)}`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      await expectText($(page, 'draws-table'), W.drawn)
      await shot(page, 'draws-officer', locale)
    })

    await step('demo-applicant sees what it won', async () => {
      const page = await signIn('demo-applicant', PAGE)
      await expectText($(page, 'mine-1'), W.won)
      await expectText($(page, 'my-experience-vouchers'), W.mine, '2024-03-11', '96')
    })

    await step('demo-applicant activates its voucher: a one-time account on 南京智能计算中心', async () => {
      const page = await signIn('demo-applicant', PAGE)
      const mine = await page.evaluate(async () => (await fetch('/api/v1/experience-vouchers')).json())
      const id = mine.items[0].id
      await expectText($(page, `voucher-status-${id}`), W.toActivate)
      await $(page, `activate-${id}`).click()
      const box = page.locator('.el-message-box:visible')
      await box.locator('.el-message-box__btns button', { hasText: W.activateYes }).click()
      await expectText($(page, `voucher-status-${id}`), W.active)
      await expectText($(page, `voucher-account-${id}`), `exp-${id}`, 'nj-ai')
      await expectText($(page, `voucher-hours-${id}`), '0.00 / 96.00')
      await shot(page, 'draws-activated', locale)
    })
  } catch (e) {
    throw await describeFailure(e, locale, `FAILED-draws-${locale}.png`)
  } finally {
    await close()
    await server.stop()
  }
}

main('console draws e2e', WORDS, run)
