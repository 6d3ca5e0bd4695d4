// Certamen's real-browser checks: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, with axe-core for WCAG 2.2 AA.
//
// `cargo xtask test` starts a fresh `certamen serve --demo` and runs this with
//   CERTAMEN_URL       the server's base URL
//   CERTAMEN_PASSWORD  the demo accounts' password
//   SCREENSHOTS        a folder for the page screenshots (optional)
// Each check prints ok/FAIL; the exit code is the number of failures.

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.CERTAMEN_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.CERTAMEN_PASSWORD;
const SHOTS = process.env.SCREENSHOTS;
// A second server whose exam is delivered adaptively (optional).
const ADAPTIVE = process.env.CERTAMEN_ADAPTIVE_URL;
// The adaptive server's staff account's one-time passkey enrolment code (xtask issues it).
const ADAPTIVE_STAFF_CODE = process.env.CERTAMEN_ADAPTIVE_STAFF_CODE;
// A third server whose every form holds a multiple-answer question and a scenario set.
const EVERY_TYPE = process.env.CERTAMEN_EVERY_TYPE_URL;
// Where the main server writes its mail (.eml files; it has no mail server).
const MAIL_FOLDER = process.env.CERTAMEN_MAIL_FOLDER;

/** The text body of the newest message to `to` in the server's mail folder (waits up to 10 s). */
async function mailTo(to) {
  for (let i = 0; i < 100; i++) {
    const files = (() => { try { return readdirSync(MAIL_FOLDER); } catch { return []; } })()
      .filter((f) => f.endsWith('.eml')).sort().reverse();
    for (const f of files) {
      const raw = readFileSync(`${MAIL_FOLDER}/${f}`, 'utf8');
      const [head, ...rest] = raw.split(/\r?\n\r?\n/);
      if (!head.toLowerCase().includes(to.toLowerCase())) continue;
      const body = rest.join('\n\n');
      const encoding = (head.match(/content-transfer-encoding:\s*(\S+)/i) ?? [])[1]?.toLowerCase();
      if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (encoding === 'quoted-printable') {
        const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8');
      }
      return body;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message to ${to} in ${MAIL_FOLDER}`);
}
const CANDIDATE = 'candidate@demo.certamen.test';
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// The island status line once hydration has run and no answer is chosen yet.
const HYDRATED = /No answer chosen yet\.|Your answer is saved\./;

if (!PASSWORD) {
  console.error('CERTAMEN_PASSWORD is not set: run this through `cargo xtask test`');
  process.exit(2);
}
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

// The server may still be migrating and loading the demo bank.
for (let tries = 0; ; tries++) {
  try {
    if ((await fetch(`${BASE}/healthz`)).ok) break;
  } catch {}
  if (tries > 120) {
    console.error(`no answer from ${BASE}/healthz after 60 s`);
    process.exit(2);
  }
  await new Promise((r) => setTimeout(r, 500));
}

const failures = [];
async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e?.message ?? e).split('\n').join('\n     ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Runs axe on the current page and fails with every WCAG 2.2 AA violation listed. */
async function axeClean(page, label) {
  // Evaluated through DevTools, which the page's Content Security Policy does not govern
  // (an injected <script> would be refused: the pages allow no inline script without their nonce).
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    WCAG_22_AA,
  );
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${label}.png`, fullPage: true });
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert(found.length === 0, `axe found on ${label}:\n${found.join('\n')}`);
}


/** Words of the English interface that a Spanish page must not show. */
const ENGLISH_ONLY = ['Dashboard', 'Sign out', 'Display settings', 'Your ', 'Question ', 'Loading', 'Back to', ' the exam', 'Submit', 'Save ', 'Previous', 'Next', 'Sign in', 'Password', 'Email address', 'Accommodation', 'application'];

async function signIn(page, base = BASE, email = CANDIDATE, password = PASSWORD) {
  await page.goto(`${base}/signin`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main button[type=submit]')]);
}

/** The focused element's role and accessible name, from Chromium's accessibility tree. */
async function focusedControl(p) {
  // A <summary> is the native disclosure button; the snapshot lists it as text.
  const summary = await p.evaluate(() => document.activeElement?.tagName === 'SUMMARY' ? document.activeElement.textContent : null);
  if (summary !== null) return { role: 'disclosure', name: summary.trim() };
  const snap = await p.locator(':focus').ariaSnapshot({ timeout: 2000 }).catch(() => '');
  const m = /^- (\w+)(?: "((?:[^"\\]|\\.)*)")?/.exec(snap.split('\n')[0]?.trim() ?? '');
  return m ? { role: m[1], name: m[2] ?? '' } : { role: '', name: '' };
}

const CONTROL_ROLES = ['link', 'button', 'radio', 'checkbox', 'textbox', 'combobox', 'region', 'group', 'disclosure'];

/** Checks the focused control: a role and a name, and its focus in view, not under anything. */
async function checkFocused(p, where) {
  const c = await focusedControl(p);
  assert(CONTROL_ROLES.includes(c.role), `${where}: the focused element has role "${c.role}"`);
  assert(c.name.trim().length > 0, `${where}: the focused ${c.role} has no accessible name`);
  const seen = await p.evaluate(() => {
    const el = document.activeElement;
    const target = el.matches('input') && el.labels?.length ? el.labels[0] : el;
    const r = target.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= innerHeight) return 'scrolled out of view';
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    return hit && (target.contains(hit) || hit.contains(target) || el.contains(hit)) ? '' : `covered by ${hit?.tagName}.${hit?.className}`;
  });
  assert(seen === '', `${where}: the focused ${c.role} "${c.name}" is ${seen} (WCAG 2.4.11)`);
  return c;
}

/** Presses Tab (checking every control on the way) until `wanted` says the focus is there. */
async function tabTo(p, wanted, where, max = 80) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const c = await checkFocused(p, where);
    if (await wanted(c)) return c;
  }
  throw new Error(`${where}: Tab never reached the control`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run',
  ],
});

try {
  // --- With JavaScript: the islands -------------------------------------------------------
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('response', (r) => r.status() >= 400 && consoleErrors.push(`${r.status()} for ${r.url()}`));

  await check('sign-in page meets WCAG 2.2 AA (axe)', async () => {
    await page.goto(`${BASE}/signin`);
    await axeClean(page, 'signin');
  });
  await check('a slow sign-in says why in a live region and a second press sends nothing (axe)', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    // This server answers at once: hold the sign-in's answer back, as a crowd arriving at
    // 9:00 would, and count what the page sends.
    let posts = 0;
    await p.route('**/auth/signin', async (route) => {
      posts += 1;
      await new Promise((r) => setTimeout(r, 8000));
      await route.continue();
    });
    await p.goto(`${BASE}/signin`);
    const status = p.getByRole('status').filter({ hasText: 'Many candidates are signing in at once' });
    assert((await status.count()) === 0, 'nothing said before a sign-in');
    await p.getByLabel('Email address').fill(CANDIDATE);
    await p.getByLabel('Password').fill(PASSWORD);
    // While the top page navigates, Playwright reads nothing from it; the form's answer goes
    // to a frame instead, so the page can be read while it waits (signin.js is the same).
    await p.evaluate(() => {
      const frame = Object.assign(document.createElement('iframe'), { name: 'held', hidden: true, title: 'held' });
      document.body.append(frame);
      document.querySelector('form[action="/auth/signin"]').target = 'held';
    });
    const answer = p.waitForResponse((r) => r.url().endsWith('/auth/signin'), { timeout: 30000 });
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    const busy = p.getByRole('button', { name: 'Signing in…', exact: true });
    assert((await busy.getAttribute('aria-disabled')) === 'true', 'the busy button says so and is marked disabled');
    // aria-disabled keeps the button pressable (and in the tab order): press it again.
    await busy.click({ force: true });
    await status.waitFor({ timeout: 6000 });
    const said = await status.textContent();
    assert(said.includes('do not press Sign in again') && said.includes('The exam time starts only when you start the exam'),
      `the status line says why, got "${said}"`);
    await axeClean(p, 'signin-waiting');
    await answer;
    assert(posts === 1, `one sign-in sent for two presses, got ${posts}`);
    await p.unroute('**/auth/signin');
    const dashboard = await p.goto(`${BASE}/dashboard`);
    assert(dashboard.url().endsWith('/dashboard') && dashboard.status() === 200, 'the one sign-in signed the candidate in');
    await ctx.close();
  });
  await check('dashboard and instructions meet WCAG 2.2 AA (axe)', async () => {
    await signIn(page);
    await axeClean(page, 'dashboard');
    await page.click('text=Read the instructions and start');
    await page.waitForURL(/\/instructions$/);
    await axeClean(page, 'instructions');
  });

  let itemUrl;
  await check('starting the exam opens question 1 and the answer island hydrates', async () => {
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}\/items\/1$/), page.click('text=Start the exam')]);
    itemUrl = page.url();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
  });

  await check('question page meets WCAG 2.2 AA (axe)', async () => {
    await axeClean(page, 'question-1');
  });

  await check('choosing an option saves it at once, without leaving the page', async () => {
    const saved = page.waitForResponse((r) => r.url().includes('save_answer') && r.request().method() === 'POST');
    await page.click('label[for=option-B]');
    const response = await saved;
    assert(response.ok(), `instant save answered ${response.status()}`);
    await page.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 15000 });
    assert(page.url() === itemUrl, `the page stayed on the question (now ${page.url()})`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/question-1-saved.png`, fullPage: true });
  });

  await check('the instantly saved answer is there after a reload (it reached the server)', async () => {
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.isChecked('#option-B'), 'option B is checked after reload');
  });

  await check('flagging saves at once and survives a reload', async () => {
    const saved = page.waitForResponse((r) => r.url().includes('save_answer'));
    await page.check('#flagged');
    assert((await saved).ok(), 'flag save acknowledged');
    await page.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 15000 });
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.isChecked('#flagged'), 'the flag is still set after reload');
    assert(await page.isChecked('#option-B'), 'the answer is unchanged by flagging');
  });

  await check('a save the server answers "database unavailable" (503) says so and is sent again', async () => {
    // The reply the server gives when its database is out of reach (tests/e2e/outage.rs
    // checks the server side): 503 with the unavailable error's JSON.
    const words = "the exam's database is not answering just now";
    const seen = consoleErrors.length;
    await page.route('**/save_answer*', (route) => route.fulfill({
      status: 503,
      headers: { 'retry-after': '5' },
      contentType: 'application/json',
      body: JSON.stringify({ Unavailable: words }),
    }));
    await page.click('label[for=option-D]');
    const line = page.getByRole('status').filter({ hasText: /database is not answering.*sent again every few seconds/ });
    await line.waitFor({ timeout: 10000 });
    assert(await page.isChecked('#option-D'), 'option D stays selected');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/question-1-unavailable.png`, fullPage: true });
    await page.unroute('**/save_answer*');
    await page.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 10000 });
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.isChecked('#option-D'), 'option D reached the server once the database was back');
    // The browser logs the 503s this check made; any other error still counts below.
    const during = consoleErrors.splice(seen);
    consoleErrors.push(...during.filter((e) => !e.includes('503')));
  });

  await check('a failed instant save says so plainly and keeps the choice', async () => {
    await page.route('**/save_answer*', (route) => route.abort('internetdisconnected'));
    await page.click('label[for=option-C]');
    await page.getByRole('status').filter({ hasText: /^Not saved:/ }).waitFor({ timeout: 5000 });
    assert(await page.isChecked('#option-C'), 'option C stays selected');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/question-1-not-saved.png`, fullPage: true });
    await page.unroute('**/save_answer*');
  });

  await check('when the connection comes back, the failed save is sent again by itself', async () => {
    await page.route('**/save_answer*', (route) => route.abort('internetdisconnected'));
    await page.click('label[for=option-A]');
    // The first save fails at once and the line says so; 5 s was missed once in about ten
    // runs on a busy machine, so allow two retry rounds.
    await page.getByRole('status').filter({ hasText: /sent again every few seconds/ }).waitFor({ timeout: 10000 });
    await page.unroute('**/save_answer*');
    await page.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 10000 });
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.isChecked('#option-A'), 'option A reached the server without pressing anything');
    // Leave the question as the next check expects it: C chosen but not saved.
    await page.route('**/save_answer*', (route) => route.abort('internetdisconnected'));
    await page.click('label[for=option-C]');
    await page.getByRole('status').filter({ hasText: /^Not saved:/ }).waitFor({ timeout: 5000 });
    await page.unroute('**/save_answer*');
  });

  await check('after a failed save, pressing Next saves the choice with the form', async () => {
    await Promise.all([page.waitForURL(/\/items\/2$/), page.click('button.primary[value=next]')]);
    await page.goto(itemUrl);
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.isChecked('#option-C'), 'option C was saved by the form post');
  });

  await check('the countdown counts down in the browser between page loads', async () => {
    const timer = page.getByRole('timer');
    const secondsLeft = async () => Number(await timer.getAttribute('data-seconds-left'));
    const first = await secondsLeft();
    await page.waitForTimeout(2500);
    const second = await secondsLeft();
    assert(first > 60 * 149 && first <= 150 * 60, `a fresh attempt shows about 150 minutes, got ${first}s`);
    const dropped = first - second;
    assert(dropped >= 1 && dropped <= 4, `2.5 s later the timer dropped by 1-4 s, got ${dropped}s`);
  });

  await check('the time can be hidden and shown again, and stays hidden after a reload', async () => {
    const toggle = page.getByRole('button', { name: 'Hide time' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert((await toggle.getAttribute('aria-pressed')) === 'true', 'the toggle says the time is hidden');
    assert(!(await page.getByRole('timer').isVisible()), 'the running time is hidden');
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    await page.locator('.timer-toggle[aria-pressed=true]').waitFor({ timeout: 5000 });
    assert(!(await page.getByRole('timer').isVisible()), 'still hidden after a reload');
    await page.getByRole('button', { name: 'Hide time' }).click();
    assert(await page.getByRole('timer').isVisible(), 'shown again');
  });

  await check('an option struck out with the keyboard is marked, announced by its button and kept after a reload', async () => {
    const strike = page.getByRole('button', { name: 'Strike out option D' });
    await strike.focus();
    const saved = page.waitForResponse((r) => r.url().includes('strike_option'));
    await page.keyboard.press('Enter');
    assert((await saved).ok(), 'the strike reached the server');
    assert(page.url() === itemUrl, 'the page stayed on the question');
    assert((await strike.getAttribute('aria-pressed')) === 'true', 'the button is pressed');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/question-1-struck.png`, fullPage: true });
    await page.reload();
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    assert(await page.locator('.option.struck').count() === 1, 'one option is struck after a reload');
    await axeClean(page, 'question-1-struck');
  });

  await check('the question list opens from the keyboard and jumps to a question', async () => {
    await page.locator('.question-list summary').focus();
    await page.keyboard.press('Enter');
    const five = page.getByRole('button', { name: /^Question 5, / });
    assert(await five.isVisible(), 'the list opened');
    await axeClean(page, 'question-list-open');
    await five.focus();
    await Promise.all([page.waitForURL(/\/items\/5$/), page.keyboard.press('Enter')]);
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    await page.goto(itemUrl);
  });

  await check('Enter on an option goes on as Next does and never strikes an option out', async () => {
    await page.focus('#option-A');
    // Enter in the option group submits the form as Next does (implicit submission).
    await Promise.all([page.waitForURL(/\/items\/2$/), page.keyboard.press('Enter')]);
    const back = await page.request.get(itemUrl);
    const struck = ((await back.text()).match(/aria-pressed="true"/g) ?? []).length;
    assert(struck === 1, `question 1 still has exactly the one option struck before, got ${struck}`);
    await page.goto(itemUrl);
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
  });

  await check('with the answer saved, Next and the question list load their page without posting the form', async () => {
    const posts = [];
    const seen = (r) => { if (r.method() === 'POST' && r.url().includes('/answer')) posts.push(r.url()); };
    page.on('request', seen);
    const acked = page.waitForResponse((r) => r.url().includes('save_answer'));
    await page.click('label[for=option-B]');
    assert((await acked).ok(), 'the choice was saved');
    await page.getByRole('status').filter({ hasText: /^Your answer is saved\./ }).waitFor({ timeout: 5000 });
    await Promise.all([page.waitForURL(/\/items\/2$/), page.click('button.primary[value=next]')]);
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    await page.locator('.question-list summary').click();
    await Promise.all([page.waitForURL(/\/items\/1$/), page.getByRole('button', { name: /^Question 1, answered/ }).click()]);
    page.off('request', seen);
    assert(posts.length === 0, `no form post, got ${posts.join(', ')}`);
    assert(await page.isChecked('#option-B'), 'the saved choice is shown on return');
    await page.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
  });

  await check('no script errors in the console', async () => {
    // The one save the test cut off on purpose logs a network error; nothing else may.
    const unexpected = consoleErrors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'));
    assert(unexpected.length === 0, unexpected.join('\n'));
  });
  await context.close();

  // --- Display modes: every candidate page in each, with axe and a reflow check -------------
  const MODES = [
    { name: 'contrast', cookie: 'contrast.100.0.0' },
    { name: 'dark', cookie: 'dark.100.0.0' },
    { name: 'text-200', cookie: 'standard.200.1.1' },
    { name: 'narrow-320', cookie: 'standard.100.0.0', width: 320 },
    { name: 'narrow-320-text-200', cookie: 'contrast.200.0.0', width: 320 },
    // The interface in Spanish: longer words must still fit at 320 px and 200 %.
    { name: 'spanish', cookie: 'standard.100.0.0.es', lang: 'es' },
    { name: 'spanish-320-text-200', cookie: 'dark.200.0.0.es', width: 320, lang: 'es' },
  ];
  const attemptPath = new URL(itemUrl).pathname.replace(/\/items\/1$/, '');
  for (const mode of MODES) {
    await check(`in display mode ${mode.name}, every candidate page meets WCAG 2.2 AA (axe) and needs no sideways scrolling`, async () => {
      const ctx = await browser.newContext({ viewport: { width: mode.width ?? 1280, height: 800 } });
      await ctx.addCookies([{ name: 'certamen_display', value: mode.cookie, url: BASE }]);
      const p = await ctx.newPage();
      const pages = [
        ['signin', '/signin'],
        ['settings', '/settings/display?return_to=/dashboard'],
        ['register', '/account/new'],
        ['registry', '/registry?q=Dana'],
        ['forgot-password', '/signin/forgot'],
        ['reset-password', '/signin/reset?token=0'],
        ['confirm-account', '/account/confirm?token=0'],
      ];
      const signedIn = [
        ['dashboard', '/dashboard'],
        ['instructions', '/exams/peer-support/instructions'],
        ['question', `${attemptPath}/items/1`],
        ['review', `${attemptPath}/review`],
        ['accommodations', '/accommodations'],
        ['application', '/application'],
        ['change-password', '/settings/password'],
      ];
      const visit = async (label, path) => {
        await p.goto(`${BASE}${path}`);
        await audit(label);
      };
      const audit = async (label) => {
        const theme = await p.evaluate(() => document.documentElement.dataset.theme ?? 'standard');
        assert(theme === mode.cookie.split('.')[0], `${label}: the page took the ${theme} theme`);
        const lang = await p.evaluate(() => document.documentElement.lang);
        assert(lang === (mode.lang ?? 'en'), `${label}: the page is marked ${lang}`);
        if (mode.lang === 'es') {
          // No English left in the page's own words (the data, such as county names and
          // the exam's title, is what it is).
          const english = await p.evaluate((words) => {
            // Parts marked in another language (a question shown in English, the switch to
            // English) are not the interface's words.
            const body = document.body.cloneNode(true);
            body.querySelectorAll('script, style, [lang]:not([lang="es"])').forEach((e) => e.remove());
            const text = body.textContent;
            return words.filter((w) => text.includes(w));
          }, ENGLISH_ONLY);
          assert(english.length === 0, `${label}: English words on a Spanish page: ${english.join(', ')}`);
        }
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `${label}: ${overflow} px of sideways scrolling`);
        // Nothing cut off at the right edge either (a data table may scroll in its own region).
        const cut = await p.evaluate(() => [...document.querySelectorAll('header *, main *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
            && !e.closest('.table-scroll') && getComputedStyle(e).position !== 'absolute')
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5));
        assert(cut.length === 0, `${label}: content past the right edge: ${cut.join(', ')}`);
        await axeClean(p, `${mode.name}-${label}`);
      };
      for (const [label, path] of pages) await visit(label, path);
      await signIn(p);
      for (const [label, path] of signedIn) await visit(label, path);
      // An error page (a plain form post refused): the review form sent without its
      // confirmation, as a browser that ignores `required` would.
      await p.goto(`${BASE}${attemptPath}/review`);
      await Promise.all([
        p.waitForURL(/\/submit$/),
        p.evaluate(() => { const f = document.querySelector('form[action$="/submit"]'); f.noValidate = true; f.submit(); }),
      ]);
      assert((await p.textContent('main')).includes(mode.lang === 'es' ? 'no se envió' : 'was not submitted'), 'the refusal page');
      await audit('error-page');
      await ctx.close();
    });
  }

  await check('a question in Spanish meets WCAG 2.2 AA (axe), marks its language, and switches back to English', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p);
    await p.goto(itemUrl);
    await Promise.all([p.waitForLoadState('load'), p.click('text=Ver las preguntas en español')]);
    await p.locator('legend.stem[lang=es]').waitFor({ timeout: 5000 });
    assert(await p.locator('.option span[lang=es]').count() >= 4, 'the options are marked as Spanish');
    await axeClean(p, 'spanish-question');
    await Promise.all([p.waitForLoadState('load'), p.click('text=Show the questions in English')]);
    await p.locator('legend.stem[lang=en]').waitFor({ timeout: 5000 });
    await ctx.close();
  });

  await check('the display settings form saves a choice and the next page follows it', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${BASE}/signin`);
    await Promise.all([p.waitForURL(/\/settings\/display/), p.click('text=Display settings')]);
    await p.check('#theme-dark');
    await p.check('#size-150');
    await Promise.all([p.waitForURL(/\/signin$/), p.click('text=Save and go back')]);
    const html = await p.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.style.fontSize]);
    assert(html[0] === 'dark' && html[1] === '150%', `the sign-in page is dark at 150 %, got ${html}`);
    await ctx.close();
  });

  // --- Without JavaScript: the same path with plain forms ---------------------------------
  await check('without JavaScript a choice is saved by Next and shown on return', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    await signIn(p);
    await p.goto(itemUrl.replace(/\/items\/1$/, '/items/3'));
    assert(
      (await p.getByRole('status').innerText()).includes('saved when you go to another question'),
      'the page tells a no-JavaScript candidate when the choice is saved',
    );
    await p.click('label[for=option-D]');
    await Promise.all([p.waitForURL(/\/items\/4$/), p.click('button.primary[value=next]')]);
    await p.goto(itemUrl.replace(/\/items\/1$/, '/items/3'));
    assert(await p.isChecked('#option-D'), 'option D was saved');
    await ctx.close();
  });

  await check('keyboard only: a whole practice exam with Tab, Shift+Tab, arrow keys, Space and Enter; focus follows the page order, and every control has a role, a name and a visible focus', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p);
    await tabTo(p, (c) => c.role === 'button' && c.name === 'Start a practice exam', 'dashboard');
    await Promise.all([p.waitForURL(/\/items\/1$/), p.keyboard.press('Enter')]);
    await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    // Question 1: one full Tab cycle in page order, and Shift+Tab comes back the same way.
    const forward = [];
    await p.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 40; i++) {
      await p.keyboard.press('Tab');
      // Past the last control the focus leaves the page (or wraps to the top): one cycle done.
      const index = await p.evaluate(() => document.activeElement === document.body ? -1 : [...document.querySelectorAll('*')].indexOf(document.activeElement));
      if (index < 0 || (forward.length && index <= forward[forward.length - 1].index)) break;
      const c = await checkFocused(p, 'practice question 1');
      forward.push({ ...c, index });
    }
    const names = forward.map((c) => `${c.role}:${c.name}`);
    // A one-answer question's options are one Tab stop (arrow keys move inside the group); a
    // multiple-answer question's checkboxes are one stop each.
    const options = await p.locator('input[name=choice]').count();
    const multiple = (await p.locator('input[name=choice][type=checkbox]').count()) > 0;
    for (const wanted of ['link:Skip to main content', multiple ? 'checkbox:' : 'radio:', 'button:Strike out option A', 'checkbox:Flag this question for review', 'button:Review screen', 'button:Next']) {
      assert(names.some((n) => n.startsWith(wanted)), `Tab reaches ${wanted}; the order was ${names.join(' > ')}`);
    }
    const stops = names.filter((n) => n.startsWith('radio:') || (n.startsWith('checkbox:') && n !== 'checkbox:Flag this question for review')).length;
    assert(stops === (multiple ? options : 1), `the options are ${multiple ? 'one stop each' : 'one Tab stop'}, got ${stops}`);
    // Focus left the page after the last control (Shift+Tab brings it back there) or wrapped
    // to the first one (Shift+Tab goes to the last).
    const left = await p.evaluate(() => document.activeElement === document.body);
    if (!left) await p.keyboard.press('Shift+Tab');
    for (let i = forward.length - 1; i >= 0; i--) {
      await p.keyboard.press('Shift+Tab');
      const c = await checkFocused(p, 'practice question 1, backwards');
      assert(`${c.role}:${c.name}` === names[i], `Shift+Tab goes back in order: expected ${names[i]}, got ${c.role}:${c.name}`);
    }
    // Every question: into the option group, an arrow key (or Space on a checkbox), then Next.
    for (let n = 1; n <= 10; n++) {
      if (n > 1) await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      await p.evaluate(() => document.activeElement?.blur());
      const first = await tabTo(p, (c) => c.role === 'radio' || c.role === 'checkbox' && c.name !== 'Flag this question for review', `practice question ${n}`);
      if (first.role === 'radio') {
        await p.keyboard.press('ArrowDown');
        const now = await focusedControl(p);
        assert(now.role === 'radio' && now.name !== first.name, `question ${n}: the arrow key moves to the next option`);
        assert(await p.evaluate(() => document.activeElement.checked), `question ${n}: the arrow key chooses the option`);
      } else {
        await p.keyboard.press('Space');
        await p.keyboard.press('Tab'); // its strike-out button
        await p.keyboard.press('Tab'); // the next option
        await p.keyboard.press('Space');
      }
      await p.getByRole('status').filter({ hasText: /^Your answer is saved\.$/ }).waitFor({ timeout: 5000 });
      const next = n === 10 ? 'Review answers' : n === 5 ? 'Next (break)' : 'Next';
      await tabTo(p, (c) => c.role === 'button' && c.name === next, `practice question ${n}`);
      await Promise.all([p.waitForURL((u) => !u.pathname.endsWith(`/items/${n}`)), p.keyboard.press('Enter')]);
      if (n === 5) {
        assert(p.url().endsWith('/break'), `after question 5 comes the break, at ${p.url()}`);
        await tabTo(p, (c) => c.role === 'button' && c.name === 'Skip the break and continue', 'practice break');
        await Promise.all([p.waitForURL(/\/items\/6$/), p.keyboard.press('Enter')]);
      }
    }
    assert(p.url().endsWith('/review'), `the last Next leads to the review screen, at ${p.url()}`);
    await tabTo(p, (c) => c.role === 'checkbox', 'practice review');
    await p.keyboard.press('Space');
    await tabTo(p, (c) => c.role === 'button' && c.name === 'Submit exam', 'practice review');
    await Promise.all([p.waitForURL(/\/report$/), p.keyboard.press('Enter')]);
    assert((await p.textContent('h1')) === 'Practice exam result', 'the practice report');
    await axeClean(p, 'practice-report');
    await ctx.close();
  });

  // --- A new candidate: account, accommodation request, the staff decision -----------------
  const newEmail = `new-${Date.now()}@example.org`;
  const newPassword = 'four unrelated words here';
  await check('creating an account shows every mistake beside its field, meets WCAG 2.2 AA (axe), and signs the new candidate in', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${BASE}/signin`);
    await Promise.all([p.waitForURL(/\/account\/new$/), p.click('text=Create a candidate account')]);
    await axeClean(p, 'register');
    await p.fill('#email', 'not an email');
    await p.fill('#date_of_birth', '2015-06-01');
    await Promise.all([p.waitForLoadState('load'), p.click('text=Create account')]);
    const links = await p.locator('.error-summary a').allTextContents();
    assert(links.length === 5, `five problems listed (name, email, password, date of birth, county), got ${links.join(' | ')}`);
    assert(await p.inputValue('#email') === 'not an email', 'what was typed is kept');
    assert(await p.getAttribute('#date_of_birth', 'aria-invalid') === 'true', 'the date field is marked invalid');
    await axeClean(p, 'register-errors');
    // A link in the summary takes the keyboard to its field.
    await p.locator('.error-summary a[href="#county"]').focus();
    await p.keyboard.press('Enter');
    assert(await p.evaluate(() => document.activeElement?.id) === 'county', 'the summary link moves focus to the county field');
    await p.fill('#name', 'Rosa Quintero');
    await p.fill('#email', newEmail);
    await p.fill('#password', newPassword);
    await p.fill('#date_of_birth', '1985-03-09');
    await p.selectOption('#county', 'Humboldt');
    await p.check('#language-es');
    await Promise.all([p.waitForURL(/\/account\/new\?sent=/), p.click('text=Create account')]);
    assert((await p.textContent('h1')).includes('Check your email'), 'the address is confirmed by email first');
    await axeClean(p, 'register-check-mail');
    // The link in the message (Spanish, the language chosen), opened in the same browser.
    const message = await mailTo(newEmail);
    const token = (message.match(/token=([0-9a-f]+)/) ?? [])[1];
    assert(token, `a confirmation link in the message: ${message}`);
    assert(message.includes('Confirme su cuenta') || message.includes('Para terminar de crear'), 'the message is in Spanish');
    await p.goto(`${BASE}/account/confirm?token=${token}`);
    await axeClean(p, 'confirm-account');
    await Promise.all([p.waitForURL(/\/dashboard$/), p.click('text=Confirm and create my account')]);
    assert((await p.textContent('h1')).includes('Rosa Quintero'), 'the new candidate is signed in');
    await ctx.close();
  });

  // The new candidate prefers Spanish: from their first sign-in on a browser that has not
  // chosen a language, the pages are in Spanish. Their application and accommodation request
  // run in Spanish; the staff pages stay English.
  await check('the new candidate applies in Spanish (axe on the form with its errors), staff approve it from the queue (axe), and the exam can start', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, BASE, newEmail, newPassword);
    assert(await p.evaluate(() => document.documentElement.lang) === 'es', 'the preferred language takes over this browser');
    assert((await p.textContent('main')).includes('comenzar el examen una vez que su solicitud sea aprobada'), 'no start before approval');
    await Promise.all([p.waitForURL(/\/application$/), p.click('a:text-is("Solicitar la certificación")')]);
    await axeClean(p, 'application');
    await p.check('#pathway');
    await Promise.all([p.waitForLoadState('load'), p.click('text=Enviar mi solicitud')]);
    const problems = await p.locator('.error-summary a').count();
    assert(problems === 7, `provider, date, lived experience and four statements are missing, got ${problems}`);
    assert(await p.isChecked('#pathway'), 'the chosen pathway is kept');
    await axeClean(p, 'application-errors');
    await p.selectOption('#training_provider', { index: 1 });
    await p.fill('#training_completed_on', '2026-05-20');
    await p.check('#lived_experience');
    for (const id of ['attest_lived_experience', 'attest_code_of_ethics', 'attest_education', 'attest_training']) {
      await p.focus(`#${id}`);
      await p.keyboard.press('Space');
    }
    await Promise.all([p.waitForURL(/sent=1$/), p.click('text=Enviar mi solicitud')]);
    await axeClean(p, 'application-sent');
    const staff = await browser.newContext();
    const s = await staff.newPage();
    await signIn(s, BASE, 'staff@demo.certamen.test');
    await Promise.all([s.waitForURL(/\/staff\/applications$/), s.click('a:text-is("Applications")')]);
    await axeClean(s, 'staff-applications');
    const form = s.locator('form.decision').first();
    await Promise.all([s.waitForURL(/decided=/), form.locator('button[type=submit]').click()]);
    await axeClean(s, 'staff-applications-decided');
    await s.goto(`${BASE}/staff/training-providers`);
    await axeClean(s, 'staff-training-providers');
    await s.goto(`${BASE}/staff/results`);
    await axeClean(s, 'staff-results');
    await s.goto(`${BASE}/staff/certifications`);
    await axeClean(s, 'staff-certifications');
    const adminContext = await browser.newContext();
    const a = await adminContext.newPage();
    await signIn(a, BASE, 'admin@demo.certamen.test');
    await Promise.all([a.waitForURL(/\/admin\/accounts$/), a.click('text=Staff, vendor and administrator accounts')]);
    await axeClean(a, 'admin-accounts');
    await adminContext.close();
    await staff.close();
    await p.goto(`${BASE}/dashboard`);
    assert((await p.textContent('main')).includes('Su solicitud está aprobada'), 'the candidate sees the approval');
    await p.click('text=Leer las instrucciones y comenzar');
    await p.waitForURL(/\/instructions$/);
    assert(await p.isChecked('#language-es'), 'the questions start in the preferred language (Spanish)');
    await ctx.close();
  });

  await check('a candidate asks for an accommodation in Spanish (axe on the form with errors), and staff approve it from the queue (axe)', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, BASE, newEmail, newPassword);
    await Promise.all([p.waitForURL(/\/accommodations$/), p.click('text=Ver o pedir adaptaciones')]);
    await Promise.all([p.waitForLoadState('load'), p.click('text=Enviar la solicitud')]);
    assert(await p.locator('.error-summary a').count() === 3, 'what, why and documentation are missing');
    await axeClean(p, 'accommodations-errors');
    await p.check('#need');
    await p.check('#need-speech');
    await p.fill('#details', 'Reading long questions takes me longer; hearing them helps.');
    await p.fill('#documentation', 'Letter from my counselor, September 2026, recommending extra time and text-to-speech.');
    await Promise.all([p.waitForURL(/sent=1$/), p.click('text=Enviar la solicitud')]);
    await axeClean(p, 'accommodations-sent');
    const staff = await ctx.browser().newContext();
    const s = await staff.newPage();
    await signIn(s, BASE, 'staff@demo.certamen.test');
    await Promise.all([s.waitForURL(/\/staff\/accommodations$/), s.click('text=Accommodation requests')]);
    await axeClean(s, 'staff-accommodations');
    const form = s.locator('form.decision').first();
    await form.locator('input[name=time_percent]').fill('200');
    await form.locator('input[name=speech]').check();
    await Promise.all([s.waitForURL(/decided=/), form.locator('button[type=submit]').click()]);
    await axeClean(s, 'staff-accommodations-decided');
    await p.reload();
    assert((await p.textContent('main')).includes('Aprobadas: tiempo doble (300 minutos)'), 'the candidate sees the decision');
    await staff.close();
    await ctx.close();
  });

  await check('with text-to-speech approved, the question is read aloud in its language (stem, then each option), and can be stopped', async () => {
    const ctx = await browser.newContext();
    // Headless Chromium has no voices: record what would be spoken instead.
    await ctx.addInitScript(() => {
      window.__spoken = [];
      SpeechSynthesis.prototype.speak = function (u) {
        window.__spoken.push({ text: u.text, lang: u.lang });
        if (!window.__hold) setTimeout(() => u.onend && u.onend(new Event('end')), 20);
      };
      SpeechSynthesis.prototype.cancel = function () { window.__cancelled = (window.__cancelled ?? 0) + 1; };
    });
    const p = await ctx.newPage();
    await signIn(p, BASE, 'accommodated@demo.certamen.test');
    await p.goto(`${BASE}/exams/peer-support/instructions`);
    assert((await p.textContent('main')).includes('time and a half (225 minutes)'), 'the instructions name the approved accommodations');
    await Promise.all([p.waitForURL(/\/items\/1$/), p.click('text=Start the exam')]);
    await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    const button = p.getByRole('button', { name: 'Read the question aloud' });
    await button.waitFor({ state: 'visible', timeout: 5000 });
    await axeClean(p, 'question-read-aloud');
    await button.focus();
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => window.__spoken.length >= 5);
    const spoken = await p.evaluate(() => window.__spoken);
    // The form is random: the question may come with a scenario (read first) or a
    // choose-two hint (read after the stem); the options always come last, in letter order.
    const stem = (await p.textContent('legend.stem')).trim();
    const options = await p.locator('#answer-form .option').count();
    const at = spoken.findIndex((u) => u.text === stem);
    assert(at >= 0, `the stem is read: ${spoken.map((u) => u.text).join(' | ')}`);
    const read = spoken.slice(spoken.length - options);
    assert(read.every((u, i) => u.text.startsWith(`Option ${'ABCDE'[i]}: `)), `then each option with its letter: ${spoken.map((u) => u.text).join(' | ')}`);
    assert(spoken.length - options > at, 'the options come after the stem');
    assert(spoken.every((u) => u.lang === 'en-US'), 'in English');
    // After the last option the button offers to read again.
    await p.getByRole('button', { name: 'Read the question aloud' }).waitFor({ timeout: 5000 });
    // While reading, the same button stops it.
    await p.evaluate(() => { window.__hold = true; window.__cancelled = 0; });
    await p.getByRole('button', { name: 'Read the question aloud' }).click();
    const stop = p.getByRole('button', { name: 'Stop reading' });
    assert(await stop.getAttribute('aria-pressed') === 'true', 'the button is pressed while reading');
    await stop.click();
    await p.getByRole('button', { name: 'Read the question aloud' }).waitFor({ timeout: 5000 });
    assert(await p.evaluate(() => window.__cancelled) >= 1, 'stopping cancels the speech');
    await p.evaluate(() => { window.__hold = false; });
    await p.evaluate(() => { window.__spoken = []; });
    await Promise.all([p.waitForLoadState('load'), p.click('text=Ver las preguntas en español')]);
    await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
    // The questions in Spanish under an English interface: the button keeps the page's
    // language, the reading takes the question's.
    await p.getByRole('button', { name: 'Read the question aloud' }).click();
    await p.waitForFunction(() => window.__spoken.length >= 5);
    const es = await p.evaluate(() => window.__spoken);
    assert(es.every((u) => u.lang === 'es-US') && es.some((u) => u.text.startsWith('Opción A: ')), `read in Spanish: ${JSON.stringify(es)}`);
    // The header's switch turns the interface Spanish on this same question, islands included.
    await Promise.all([p.waitForLoadState('load'), p.click('header button:text-is("Español")')]);
    assert(new URL(p.url()).pathname.endsWith('/items/1'), `the switch comes back to the question: ${p.url()}`);
    assert(await p.evaluate(() => document.documentElement.lang) === 'es', 'the page is marked Spanish');
    await p.getByRole('button', { name: 'Leer la pregunta en voz alta' }).waitFor({ timeout: 15000 });
    assert((await p.textContent('.timer-label')).startsWith('Tiempo restante'), 'the countdown speaks Spanish');
    await axeClean(p, 'question-interface-es');
    await Promise.all([p.waitForLoadState('load'), p.click('header button:text-is("English")')]);
    await p.getByRole('button', { name: 'Read the question aloud' }).waitFor({ timeout: 15000 });
    // The same accommodation lets the break be taken from any question, and "not now" keeps it.
    await Promise.all([p.waitForURL(/\/break$/), p.click('button:text-is("Take my break now")')]);
    await axeClean(p, 'break-anytime');
    await Promise.all([p.waitForURL(/\/items\/1$/), p.click('text=Not now: back to the exam')]);
    await p.getByRole('button', { name: 'Take my break now' }).waitFor({ timeout: 5000 });
    await ctx.close();
  });

  // --- Passkeys, with Chromium's virtual authenticator (passkeys need a domain: localhost) -----
  await check('a passkey is added from the settings page (axe), signs in from the sign-in page, and is removed', async () => {
    const LOCAL = BASE.replace('127.0.0.1', 'localhost');
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const cdp = await ctx.newCDPSession(p);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await signIn(p, LOCAL, 'candidate@demo.certamen.test');
    await Promise.all([p.waitForURL(/\/settings\/passkeys$/), p.click('text=Sign in faster and more safely with a passkey')]);
    await p.locator('#passkey-add').waitFor({ state: 'visible', timeout: 5000 });
    await axeClean(p, 'passkeys');
    await p.fill('#passkey-name', 'Test laptop');
    await Promise.all([p.waitForURL(/added=1$/), p.click('button:text-is("Add a passkey")')]);
    assert((await p.textContent('ul.passkeys')).includes('Test laptop'), 'the new passkey is listed');
    await axeClean(p, 'passkeys-added');
    await Promise.all([p.waitForURL(/\/signin$/), p.click('text=Sign out')]);
    // The sign-in's start answers an email without a passkey as it answers one with a passkey.
    const shapes = await p.evaluate(async () => {
      const shape = (v) => Array.isArray(v) ? v.map(shape)
        : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])])) : typeof v;
      const start = async (email) => {
        const r = await fetch('/passkeys/sign-in/start', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
        return [r.status, JSON.stringify(shape(await r.json()))];
      };
      return [await start('candidate@demo.certamen.test'), await start('nobody@example.org'), await start('vendor@demo.certamen.test')];
    });
    assert(shapes[0][0] === 200 && shapes[1][0] === 200 && shapes[2][0] === 200, `every start answers 200: ${JSON.stringify(shapes)}`);
    assert(shapes[0][1] === shapes[1][1] && shapes[1][1] === shapes[2][1], `the same shape with or without a passkey: ${JSON.stringify(shapes)}`);
    await p.fill('#email', 'candidate@demo.certamen.test');
    await Promise.all([p.waitForURL(/\/dashboard$/), p.click('#passkey-sign-in')]);
    assert((await p.textContent('main')).includes('A passkey named “Test laptop” was added'), 'the dashboard tells of the passkey added since the last sign-in');
    await axeClean(p, 'dashboard-account-changes');
    await p.goto(`${LOCAL}/settings/passkeys`);
    const text = await p.textContent('main');
    assert(text.includes('You signed in with a passkey this time.') && text.includes('last used'), 'the sign-in used the passkey');
    await Promise.all([p.waitForURL(/removed=1$/), p.click('button[aria-label="Remove the passkey Test laptop"]')]);
    assert((await p.textContent('main')).includes('You have no passkey yet.'), 'removed');
    await ctx.close();
  });

  // --- The vendor's item bank ----------------------------------------------------------------
  await check('the vendor item bank, a filtered search, an item page and its editor meet WCAG 2.2 AA (axe), and the editor previews as you type', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, BASE, 'vendor@demo.certamen.test');
    await p.goto(`${BASE}/vendor/items`);
    await axeClean(p, 'vendor-bank');
    await p.selectOption('#competency', 'C13');
    await Promise.all([p.waitForURL(/competency=C13/), p.click('text=Find items')]);
    const caption = await p.locator('table.items caption').textContent();
    assert(/ items match$/.test(caption ?? ''), `the results table says how many match, got ${caption}`);
    await axeClean(p, 'vendor-bank-c13');
    await Promise.all([p.waitForURL(/\/vendor\/items\/PS-C13-/), p.locator('table.items a').first().click()]);
    await axeClean(p, 'vendor-item');
    await Promise.all([p.waitForURL(/\/edit$/), p.click('text=Edit this item')]);
    await axeClean(p, 'vendor-edit');
    // The preview follows the typing once the editor island is live.
    await p.waitForTimeout(1500);
    await p.fill('#en-en_stem', 'A stem typed just now');
    await p.locator('.candidate-preview[lang=en] .stem', { hasText: 'A stem typed just now' }).waitFor({ timeout: 5000 });
    // Ticking two key boxes makes it a multiple-answer item in the preview.
    for (const letter of ['A', 'B', 'C', 'D']) await p.setChecked(`#key-${letter}`, letter === 'A' || letter === 'C');
    await p.locator('.candidate-preview[lang=en] .select-hint', { hasText: 'Choose 2 answers.' }).waitFor({ timeout: 5000 });
    const keyed = await p.locator('.candidate-preview[lang=en] .option-preview.key .letter').allTextContents();
    assert(keyed.join(',') === 'A,C', `the preview outlines options A and C, got ${keyed}`);
    if (SHOTS) await p.screenshot({ path: `${SHOTS}/vendor-edit-preview.png`, fullPage: true });
    await ctx.close();
  });

  // --- Every item type: a multiple-answer question and a scenario set ----------------------
  if (EVERY_TYPE) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    let attemptBase;
    const found = { multiple: null, scenario: null };
    // The page in every display mode: axe-clean and no sideways scrolling.
    const auditInModes = async (label) => {
      for (const mode of MODES) {
        await p.context().addCookies([{ name: 'certamen_display', value: mode.cookie, url: EVERY_TYPE }]);
        await p.setViewportSize({ width: mode.width ?? 1280, height: 800 });
        await p.reload();
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `${label} in ${mode.name}: ${overflow} px of sideways scrolling`);
        await axeClean(p, `${mode.name}-${label}`);
      }
      await p.context().clearCookies({ name: 'certamen_display' });
      await p.setViewportSize({ width: 1280, height: 800 });
      await p.reload();
    };
    await check('every form of the every-type bank holds a multiple-answer question and a scenario', async () => {
      await signIn(p, EVERY_TYPE);
      await p.goto(`${EVERY_TYPE}/exams/peer-support/instructions`);
      await Promise.all([p.waitForURL(/\/items\/1$/), p.click('text=Start the exam')]);
      attemptBase = p.url().replace(/\/items\/1$/, '');
      // Read each question's HTML (no need to render): where are the item types?
      for (let n = 1; n <= 120 && !(found.multiple && found.scenario); n++) {
        const html = await (await p.request.get(`${attemptBase}/items/${n}`)).text();
        if (!found.multiple && html.includes('type="checkbox" name="choice"')) found.multiple = n;
        if (!found.scenario && html.includes('id="scenario-heading"')) found.scenario = n;
      }
      assert(found.multiple, 'no multiple-answer question on the form');
      assert(found.scenario, 'no scenario question on the form');
    });
    await check('a multiple-answer question meets WCAG 2.2 AA (axe), takes two choices by keyboard and refuses a third', async () => {
      assert(found.multiple, 'no multiple-answer question to check');
      await p.goto(`${attemptBase}/items/${found.multiple}`);
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      const hint = await p.locator('#select-hint').textContent();
      assert(hint === 'Choose 2 answers.', `the question says how many to choose, got ${hint}`);
      const described = await p.locator('fieldset').first().getAttribute('aria-describedby');
      assert(described === 'select-hint', 'the option group is described by the hint');
      await axeClean(p, 'question-multiple-answer');
      await auditInModes('question-multiple-answer');
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      await p.focus('#option-A');
      await p.keyboard.press('Space');
      await p.getByRole('status').filter({ hasText: 'You have chosen 1 of 2.' }).waitFor({ timeout: 5000 });
      // Tab order is each option, then its strike-out button: Tab twice to the next option.
      await p.keyboard.press('Tab');
      const strikeA = await p.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      assert(strikeA === 'Strike out option A', `after option A comes its strike-out button, got ${strikeA}`);
      await p.keyboard.press('Tab');
      await p.keyboard.press('Space');
      await p.getByRole('status').filter({ hasText: /^Your answer is saved\.$/ }).waitFor({ timeout: 5000 });
      await p.focus('#option-C');
      await p.keyboard.press('Space');
      await p.getByRole('status').filter({ hasText: 'asks for 2 answers' }).waitFor({ timeout: 5000 });
      assert(!(await p.isChecked('#option-C')), 'a third choice stays unticked');
      if (SHOTS) await p.screenshot({ path: `${SHOTS}/question-multiple-answer-limit.png`, fullPage: true });
      await p.reload();
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      assert(await p.isChecked('#option-A') && await p.isChecked('#option-B'), 'both choices were saved');
    });
    await check('a scenario question meets WCAG 2.2 AA (axe) and shows the scenario under its own heading', async () => {
      assert(found.scenario, 'no scenario question to check');
      await p.goto(`${attemptBase}/items/${found.scenario}`);
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      const heading = p.getByRole('heading', { name: 'Scenario' });
      assert(await heading.isVisible(), 'the scenario has a heading');
      await axeClean(p, 'question-scenario');
      await auditInModes('question-scenario');
      assert(errors.length === 0, errors.join('\n'));
    });
    // The break and the linear score report, in every display mode: reached on this server's
    // attempt after the item-type checks (going on from question 60 offers the break).
    await check('the break page (offered and taken) and the linear score report meet WCAG 2.2 AA (axe) in every display mode, with no sideways scrolling', async () => {
      const audit = auditInModes;
      await p.goto(`${attemptBase}/items/60`);
      await Promise.all([p.waitForURL(/\/break$/), p.click('button.primary[value=next]')]);
      await axeClean(p, 'break-offered');
      await audit('break-offered');
      await Promise.all([p.waitForLoadState('load'), p.click('text=Start my break')]);
      assert((await p.textContent('main')).includes('Return to the exam'), 'on the break');
      await axeClean(p, 'break-taken');
      await audit('break-taken');
      await Promise.all([p.waitForURL(/\/items\/61$/), p.click('text=Return to the exam')]);
      await p.goto(`${attemptBase}/review`);
      await p.check('#confirm');
      await Promise.all([p.waitForURL(/\/report$/), p.click('text=Submit exam')]);
      await axeClean(p, 'linear-report');
      await audit('linear-report');
    });
    await check('the score report names the day and its reference, its button opens the print dialog, and it prints without page chrome', async () => {
      await p.reload();
      const facts = await p.textContent('.report-facts');
      assert(/Submitted on\s*[A-Z][a-z]+ \d{1,2}, \d{4}/.test(facts) && /Report reference\s*[0-9a-f]{32}/.test(facts), `the report says when and which: ${facts}`);
      await p.evaluate(() => {
        window.__printed = 0;
        const stub = () => { window.__printed += 1; };
        window.print = stub;
        Window.prototype.print = stub;
      });
      const button = p.getByRole('button', { name: 'Print or save as PDF' });
      await button.waitFor({ state: 'visible', timeout: 15000 });
      await button.click();
      assert(await p.evaluate(() => window.__printed) === 1, 'the button opens the print dialog');
      await p.emulateMedia({ media: 'print' });
      assert(!(await p.locator('.site-header').isVisible()) && !(await button.isVisible()), 'no header or buttons in print');
      if (SHOTS) await p.screenshot({ path: `${SHOTS}/linear-report-print.png`, fullPage: true });
      await p.emulateMedia({ media: 'screen' });
    });
    await ctx.close();
  }

  // --- Without JavaScript: a whole real exam of every item type in the browser --------------
  if (EVERY_TYPE) {
    await check('without JavaScript, a whole 120-question exam of every item type is answered, reviewed and submitted with plain forms', async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const p = await ctx.newPage();
      await signIn(p, EVERY_TYPE, 'accommodated@demo.certamen.test');
      await p.goto(`${EVERY_TYPE}/exams/peer-support/instructions`);
      await Promise.all([p.waitForURL(/\/items\/1$/), p.click('text=Start the exam')]);
      let kinds = { one: 0, two: 0, scenario: 0 };
      for (let n = 1; n <= 120; n++) {
        assert(p.url().endsWith(`/items/${n}`), `at question ${n}, got ${p.url()}`);
        const boxes = await p.locator('input[name=choice][type=checkbox]').count();
        if (await p.locator('#scenario-heading').count()) kinds.scenario++;
        if (boxes > 0) {
          kinds.two++;
          await p.click('label[for=option-A]');
          await p.click('label[for=option-B]');
        } else {
          kinds.one++;
          await p.click('label[for=option-C]');
        }
        await Promise.all([p.waitForLoadState('load'), p.click('button.primary[value=next]')]);
        if (p.url().endsWith('/break')) {
          await Promise.all([p.waitForLoadState('load'), p.click('form:has(input[value=skip]) button')]);
        }
      }
      assert(p.url().endsWith('/review'), `after question 120 comes the review screen, got ${p.url()}`);
      assert(kinds.two > 0 && kinds.scenario > 0, `every item type was answered: ${JSON.stringify(kinds)}`);
      assert((await p.locator('tr.unanswered').count()) === 0, 'every answer reached the server');
      await p.check('#confirm');
      await Promise.all([p.waitForURL(/\/report$/), p.click('text=Submit exam')]);
      assert((await p.textContent('main')).includes('of 120 questions correctly'), 'the report counts all 120');
      await ctx.close();
    });
  }

  // --- Staff statistics on the every-type server, seeded with simulated results ------------
  if (EVERY_TYPE) {
    await check('the staff statistics page (simulated results) meets WCAG 2.2 AA (axe) in every display mode; each chart is an image with a title and a description, beside its data table', async () => {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await signIn(p, EVERY_TYPE, 'staff@demo.certamen.test');
      await p.goto(`${EVERY_TYPE}/staff/statistics`);
      assert((await p.textContent('main')).includes('are simulated'), 'the page says its attempts are simulated');
      const charts = p.getByRole('img');
      const count = await charts.count();
      assert(count >= 8, `a chart for every table, got ${count}`);
      for (let k = 0; k < count; k++) {
        const name = await charts.nth(k).evaluate((e) => e.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
        assert(name.trim().length > 20, `chart ${k} has a title and a description, got "${name}"`);
      }
      assert(await p.getByRole('table', { name: 'Pass rate and mean score by region' }).count() === 1, 'the region chart has its data table');
      await axeClean(p, 'staff-statistics');
      for (const mode of MODES) {
        await ctx.addCookies([{ name: 'certamen_display', value: mode.cookie, url: EVERY_TYPE }]);
        await p.setViewportSize({ width: mode.width ?? 1280, height: 800 });
        await p.reload();
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `staff statistics in ${mode.name}: ${overflow} px of sideways scrolling`);
        await axeClean(p, `${mode.name}-staff-statistics`);
      }
      await ctx.close();
    });
    await check('item health, a rescoring preview and the complaints page meet WCAG 2.2 AA (axe), in standard and high-contrast modes', async () => {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await signIn(p, EVERY_TYPE, 'staff@demo.certamen.test');
      for (const mode of [{ name: 'standard', cookie: 'standard.100.0.0' }, MODES[0], MODES[4]]) {
        await ctx.addCookies([{ name: 'certamen_display', value: mode.cookie, url: EVERY_TYPE }]);
        await p.setViewportSize({ width: mode.width ?? 1280, height: 800 });
        await p.goto(`${EVERY_TYPE}/staff/item-health`);
        assert(await p.getByRole('table', { name: /Every delivered item version/ }).count() === 1, 'the item table');
        await axeClean(p, `${mode.name}-staff-item-health`);
        await p.goto(`${EVERY_TYPE}/staff/rescoring?item=PS-C01-01&version=1&change=drop&reason=Ambiguous`);
        assert((await p.textContent('main')).includes('submitted attempts have it'), 'the preview');
        await axeClean(p, `${mode.name}-staff-rescoring-preview`);
        await p.goto(`${EVERY_TYPE}/staff/complaints`);
        await axeClean(p, `${mode.name}-staff-complaints`);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `complaints in ${mode.name}: ${overflow} px of sideways scrolling`);
      }
      // Four eyes: staff propose an invalidation; the proposals page lists it, without buttons
      // for its proposer and with them for another (here the administrator, who rejects it).
      await ctx.addCookies([{ name: 'certamen_display', value: 'standard.100.0.0', url: EVERY_TYPE }]);
      await p.goto(`${EVERY_TYPE}/staff/results`);
      const first = p.locator('form[action$="/invalidate"]').first();
      await first.locator('xpath=..').locator('summary').click();
      await first.locator('textarea').fill('Browser check: proctor report.');
      await Promise.all([p.waitForURL(/done=proposed-invalidation/), first.locator('button[type=submit]').click()]);
      await p.goto(`${EVERY_TYPE}/staff/proposals`);
      assert((await p.textContent('main')).includes('You proposed this'), 'the proposer cannot approve their own');
      await axeClean(p, 'staff-proposals-own');
      const other = await browser.newContext();
      const a = await other.newPage();
      await signIn(a, EVERY_TYPE, 'admin@demo.certamen.test');
      await a.goto(`${EVERY_TYPE}/staff/proposals`);
      assert((await a.textContent('main')).includes('becomes invalidated'), 'what will change is shown');
      await axeClean(a, 'staff-proposals');
      await Promise.all([a.waitForURL(/done=rejected/), a.click('button:text-is("Reject")')]);
      await other.close();
      await ctx.close();
    });
  }

  // --- An adaptive exam (CAT): forward only, to its score report ---------------------------
  if (ADAPTIVE) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} for ${r.url()}`));
    // The adaptive question and report in every display mode: axe-clean, no sideways scrolling.
    const auditAdaptiveInModes = async (label) => {
      for (const mode of MODES) {
        await p.context().addCookies([{ name: 'certamen_display', value: mode.cookie, url: ADAPTIVE }]);
        await p.setViewportSize({ width: mode.width ?? 1280, height: 800 });
        await p.reload();
        const lang = await p.evaluate(() => document.documentElement.lang);
        assert(lang === (mode.lang ?? 'en'), `${label} in ${mode.name}: the page is marked ${lang}`);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `${label} in ${mode.name}: ${overflow} px of sideways scrolling`);
        await axeClean(p, `${mode.name}-${label}`);
        if (SHOTS) await p.screenshot({ path: `${SHOTS}/${mode.name}-${label}.png`, fullPage: true });
      }
      await p.context().clearCookies({ name: 'certamen_display' });
      await p.setViewportSize({ width: 1280, height: 800 });
      await p.reload();
    };
    await check('a stolen staff password cannot enrol a passkey (the attack of issue 30); the administrator\'s one-time code can, and only then do the staff pages open (virtual authenticator)', async () => {
      const LOCAL = ADAPTIVE.replace('127.0.0.1', 'localhost');
      const ctx = await browser.newContext();
      const s = await ctx.newPage();
      const cdp = await ctx.newCDPSession(s);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      // The thief signs in with the password and tries to add a passkey of their own.
      await signIn(s, LOCAL, 'staff@demo.certamen.test');
      assert((await s.textContent('main')).includes('Sign in with a passkey for the staff pages'), 'the dashboard says so');
      await axeClean(s, 'staff-dashboard-passkey-needed');
      const refused = await s.goto(`${LOCAL}/staff/results`);
      assert(refused.status() === 403, `a password sign-in is refused the staff pages, got ${refused.status()}`);
      await s.goto(`${LOCAL}/dashboard`);
      await Promise.all([s.waitForURL(/\/settings\/passkeys$/), s.getByRole('link', { name: 'Add a passkey' }).click()]);
      await s.locator('#passkey-add').waitFor({ state: 'visible', timeout: 5000 });
      await axeClean(s, 'passkeys-enrolment-code');
      await s.getByRole('textbox', { name: 'Enrolment code' }).fill('AAAA-AAAA-AAAA-AAAA');
      await s.getByRole('textbox', { name: 'A name to recognise it by' }).fill('Thief laptop');
      await s.getByRole('button', { name: 'Add a passkey' }).click();
      await s.getByRole('status').filter({ hasText: 'This enrolment code is not valid for your account' }).waitFor({ timeout: 15000 });
      // Straight at the server, without a code: refused too.
      const direct = await s.evaluate(async () => (await fetch('/passkeys/register/start', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Thief' }) })).status);
      assert(direct === 403, `registration without a code answers 403, got ${direct}`);
      const still = await s.goto(`${LOCAL}/staff/results`);
      assert(still.status() === 403, `no passkey was added, the console stays closed, got ${still.status()}`);
      await s.goto(`${LOCAL}/dashboard`);
      await Promise.all([s.waitForURL(/\/signin$/), s.click('text=Sign out')]);
      // The owner, with the code the administrator gave them.
      assert(ADAPTIVE_STAFF_CODE, 'xtask passes the staff account\'s enrolment code');
      await signIn(s, LOCAL, 'staff@demo.certamen.test');
      await s.goto(`${LOCAL}/settings/passkeys`);
      await s.locator('#passkey-add').waitFor({ state: 'visible', timeout: 5000 });
      await s.getByRole('textbox', { name: 'Enrolment code' }).fill(ADAPTIVE_STAFF_CODE);
      await s.getByRole('textbox', { name: 'A name to recognise it by' }).fill('Staff laptop');
      await Promise.all([s.waitForURL(/added=1$/), s.getByRole('button', { name: 'Add a passkey' }).click()]);
      await Promise.all([s.waitForURL(/\/signin$/), s.click('text=Sign out')]);
      await s.fill('#email', 'staff@demo.certamen.test');
      await Promise.all([s.waitForURL(/\/dashboard$/), s.click('#passkey-sign-in')]);
      const opened = await s.goto(`${LOCAL}/staff/results`);
      assert(opened.status() === 200, `after a passkey sign-in the staff pages open, got ${opened.status()}`);
      await ctx.close();
    });
    await check('adaptive question page hydrates, offers no way back, and meets WCAG 2.2 AA (axe)', async () => {
      await signIn(p, ADAPTIVE);
      await p.goto(`${ADAPTIVE}/exams/peer-support/instructions`);
      await Promise.all([p.waitForURL(/\/items\/1$/), p.click('text=Start the exam')]);
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      assert((await p.locator('button[value=prev], button[value=review], #flagged').count()) === 0,
        'no Previous, Review or flag on an adaptive question');
      await axeClean(p, 'adaptive-question-1');
      await auditAdaptiveInModes('adaptive-question-1');
    });
    await check('an adaptive exam answered with the keyboard (Space chooses, Enter confirms) reaches its report, which meets WCAG 2.2 AA (axe)', async () => {
      for (let n = 1; n <= 41 && !p.url().endsWith('/report'); n++) {
        // Focus the first option and choose it with Space, then confirm with Enter.
        await p.focus('#option-A');
        await p.keyboard.press('Space');
        await p.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 15000 });
        await p.focus('button.primary[value=next]');
        await Promise.all([p.waitForURL((u) => !u.pathname.endsWith(`/items/${n}`)), p.keyboard.press('Enter')]);
        if (!p.url().endsWith('/report')) {
          await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
        }
      }
      assert(p.url().endsWith('/report'), `the exam ended at its report, now at ${p.url()}`);
      assert((await p.textContent('main')).includes('Your scaled score is'), 'the report gives the scaled score');
      await axeClean(p, 'adaptive-report');
      await auditAdaptiveInModes('adaptive-report');
      assert(errors.length === 0, errors.join('\n'));
    });
    await check('the practice exam on the adaptive exam goes forward only, like the real one, to a scaled report (axe)', async () => {
      await p.goto(`${ADAPTIVE}/dashboard`);
      await Promise.all([p.waitForURL(/\/items\/1$/), p.getByRole('button', { name: 'Start a practice exam' }).click()]);
      await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
      assert((await p.textContent('main')).includes('each question is chosen from your answers'), 'the practice says it is adaptive');
      assert((await p.locator('button[value=prev], button[value=review], #flagged').count()) === 0,
        'no Previous, Review or flag on an adaptive practice question');
      await axeClean(p, 'adaptive-practice-question-1');
      for (let n = 1; n <= 11 && !p.url().endsWith('/report'); n++) {
        if (p.url().endsWith('/break')) {
          await Promise.all([p.waitForURL(/\/items\/\d+$/), p.getByRole('button', { name: 'Skip the break and continue' }).click()]);
        }
        await p.getByRole('status').filter({ hasText: HYDRATED }).waitFor({ timeout: 15000 });
        await p.focus('#option-A');
        await p.keyboard.press('Space');
        await p.getByRole('status').filter({ hasText: 'Your answer is saved.' }).waitFor({ timeout: 15000 });
        await p.focus('button.primary[value=next]');
        await Promise.all([p.waitForURL((u) => !u.pathname.endsWith(`/items/${n}`)), p.keyboard.press('Enter')]);
      }
      assert(p.url().endsWith('/report'), `the practice ended at its report, now at ${p.url()}`);
      const text = await p.textContent('main');
      assert(text.includes('Practice exam result') && text.includes('Your scaled score is'), 'a practice report on the scale');
      await axeClean(p, 'adaptive-practice-report');
      assert(errors.length === 0, errors.join('\n'));
    });
    await ctx.close();
  }
} finally {
  await browser.close();
}

console.log(failures.length === 0 ? 'browser checks: all passed' : `browser checks: ${failures.length} failed`);
process.exit(failures.length);
