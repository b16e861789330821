// What the console's end-to-end runs (chengdu_flow.e2e.mjs, network.e2e.mjs) share: their
// command line, a fresh `suanli serve` per locale, Debian's chromium through playwright-core,
// the step runner that names the failing step with a screenshot, the page helpers, and the
// money formatting the checks compare against. Each run keeps its own flow, words and figures.
// Plain Node (no test runner) so ctest can call a script and read its exit status.

import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DEMO_PASSWORD = 'suanli-demo-2024'
/** How long any wait may take (ms); raise it on a slow sanitizer build. */
export const TIMEOUT = Number(process.env.SUANLI_E2E_TIMEOUT ?? 30000)

/** `--name value` pairs, as tests/CMakeLists.txt passes them (--suanli, --static-dir, --locales). */
function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`)
    out[argv[i].slice(2)] = argv[++i]
  }
  return out
}
const args = parseArgs(process.argv.slice(2))
export const SUANLI = resolve(args.suanli ?? join(REPO, 'build/release/src/cli/suanli'))
export const STATIC = resolve(args['static-dir'] ?? join(REPO, 'web/dist'))
export const LOCALES = (args.locales ?? 'zh-CN,en').split(',')
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
// Screenshots go to docs/screenshots/ only when asked, so a CI run never dirties the tree.
export const SHOTS = process.env.SUANLI_SCREENSHOTS === '1' ? join(REPO, 'docs/screenshots') : mkdtempSync(join(tmpdir(), 'suanli-shots-'))

// ---- Money, in BigInt fen (never a JavaScript number, like the console) --------------------

/** "1234.5" → 123450n */
export const fen = (s) => {
  const [i, f = ''] = s.split('.')
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2))
}
/** 123456789n → "¥1,234,567.89", as the pages show money. */
export function yuan(f) {
  const neg = f < 0n
  const a = neg ? -f : f
  const int = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}¥${int}.${(a % 100n).toString().padStart(2, '0')}`
}
/** 123450n → "1234.50", as typed into a form or written in a CSV. */
export const decimal = (f) => `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`

// ---- Server ---------------------------------------------------------------------------------

/**
 * A fresh `suanli serve --demo` on a free port (read from its "serving on" line) with its own
 * data directory and the demo's manual clock at 2024-03-15 09:00 CST. `stop()` ends it, removes
 * the data, and fails if the server did not exit cleanly (a crash under ASan is a failure).
 */
export async function startServer(prefix = 'suanli-e2e-') {
  const data = mkdtempSync(join(tmpdir(), prefix))
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

// ---- Steps ----------------------------------------------------------------------------------

/** The page and step in progress: what a failure names and screenshots. */
export const current = { page: null, step: '' }
export const log = (s) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`)

export async function step(name, fn) {
  current.step = name
  const t0 = Date.now()
  await fn()
  log(`  ok  ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
}

/** Adds the locale, step and page to a failure and saves a full-page screenshot `<file>`. */
export async function describeFailure(e, locale, file) {
  const where = join(SHOTS, file)
  if (current.page) await current.page.screenshot({ path: where, fullPage: true }).catch(() => undefined)
  e.message = `locale ${locale}, step "${current.step}": ${e.message}\n  page: ${current.page?.url()}\n  screenshot: ${where}`
  return e
}

// ---- Pages ----------------------------------------------------------------------------------

/**
 * Opens pages as separate people: each `open(path)` is a new 1440×900 browser context in the
 * locale (remembered as the console remembers it) and in Los Angeles time, so the pages must
 * show CST whatever the browser zone. `close()` ends them all.
 */
export function pageOpener(browser, base, locale) {
  const contexts = []
  return {
    async open(path) {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'America/Los_Angeles' })
      ctx.setDefaultTimeout(TIMEOUT)
      await ctx.addInitScript((l) => localStorage.setItem('suanli.locale', l), locale)
      contexts.push(ctx)
      const page = await ctx.newPage()
      page.on('pageerror', (e) => log(`  page error: ${e.message}`))
      current.page = page
      await page.goto(base + path)
      return page
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined)
    },
  }
}

/** Signs in from the keyboard on /login (type the name, Tab, the password, Enter); lands on `then`. */
export async function signIn(open, { username, password = DEMO_PASSWORD, then = '/', loginWord }) {
  const page = await open('/login?redirect=' + encodeURIComponent(then))
  await expectText($(page, 'login-submit'), loginWord)
  await input(page, 'username').click()
  await page.keyboard.type(username)
  await page.keyboard.press('Tab')
  await page.keyboard.type(password)
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  return page
}

/** The element the pages mark `data-test="<test>"`. */
export const $ = (page, test) => page.locator(`[data-test="${test}"]`).first()
/** The input or textarea of an Element Plus field marked `data-test` (on the input or around it). */
export const input = (page, test) =>
  page.locator(`input[data-test="${test}"], textarea[data-test="${test}"], [data-test="${test}"] input, [data-test="${test}"] textarea`).first()

export async function fill(page, test, value) {
  await input(page, test).fill(value)
}

/** Opens an Element Plus select and picks the option whose text contains `text`. */
export async function choose(page, test, text) {
  await $(page, test).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** Waits until the locator's text contains every expected piece (pages load and re-render). */
export async function expectText(locator, ...pieces) {
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

/** A screenshot of the zh-CN run only (the docs show the Chinese console). */
export async function shot(page, name, locale, settleMs = 400) {
  if (locale !== 'zh-CN') return
  await page.waitForTimeout(settleMs) // let transitions and charts settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

// ---- The run --------------------------------------------------------------------------------

/**
 * Checks what the run needs, launches headless chromium once, and calls `run(browser, locale)`
 * for each locale in turn (each starts its own server). Exits 1 with the failure on error.
 */
export function main(title, words, run) {
  async function go() {
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
        if (!words[locale]) throw new Error(`unknown locale ${locale}`)
        await run(browser, locale)
      }
    } finally {
      await browser.close()
    }
    log(`${title}: ok (${LOCALES.join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${SHOTS}`)
  }
  go().catch((e) => {
    console.error(`${title} FAILED: ${e.stack ?? e}`)
    process.exit(1)
  })
}
