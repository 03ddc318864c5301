// End-to-end test of the web UI in a real browser.
//
// Starts `pactum serve` on 127.0.0.1 with a fresh SQLite file, drives
// Debian's Chromium through playwright-core: a convener creates a session
// from the car-purchase example, Buyer and Dealer (each in its own browser
// context, i.e. its own cookies and storage) open their invitation links, see
// their own preferences, exchange offers, ask for the mediator's suggestions
// and agree. Screenshots of every page land in e2e/artifacts/.
//
// Environment: PACTUM_BIN (default target/debug/pactum, built if missing),
// CHROMIUM (default /usr/bin/chromium).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const BIN = process.env.PACTUM_BIN || path.join(ROOT, 'target', 'debug', 'pactum');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
const TIMEOUT = 15_000;

let server;
let serverLog = '';
let baseUrl;
let browser;
let workDir;

/** Starts `pactum serve` on a free port and resolves to its base URL. */
function startServer(db) {
  return new Promise((resolve, reject) => {
    server = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error(`pactum serve did not start:\n${serverLog}`)), 20_000);
    const onData = (chunk) => {
      serverLog += chunk;
      const m = /serving on (http:\/\/[^\s]+)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pactum serve exited with ${code}:\n${serverLog}`));
    });
  });
}

before(async () => {
  if (!existsSync(BIN)) {
    const build = spawnSync('cargo', ['build', '-p', 'pactum-cli'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(build.status, 0, 'cargo build -p pactum-cli failed');
  }
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  workDir = mkdtempSync(path.join(tmpdir(), 'pactum-e2e-'));
  baseUrl = await startServer(path.join(workDir, 'e2e.db'));
  // playwright-core gives the browser a fresh, temporary user-data-dir.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/**
 * A page in its own browser context that records what would be a bug:
 * console errors, uncaught exceptions, failed requests and any URL that
 * carries a token.
 */
async function openContext(name, problems, tokens) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${name}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`${name}: request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('request', (req) => {
    const url = req.url();
    for (const t of tokens) {
      if (t && url.includes(t)) problems.push(`${name}: a token was sent in a URL: ${url.split('/').slice(0, 4).join('/')}/…`);
    }
    if (url.includes('#')) problems.push(`${name}: a fragment reached the network layer`);
  });
  return { context, page };
}

/** Waits until the element matching `selector` has exactly `text` (trimmed). */
async function waitText(page, selector, text) {
  try {
    await page.waitForFunction(
      ([sel, want]) => {
        const el = document.querySelector(sel);
        return !!el && el.textContent.trim() === want;
      },
      [selector, text],
      { timeout: TIMEOUT },
    );
  } catch (e) {
    const got = await page.locator(selector).first().textContent().catch(() => '(missing)');
    throw new Error(`${selector}: expected ${JSON.stringify(text)}, got ${JSON.stringify(got && got.trim())}`, { cause: e });
  }
}

/** Waits until the element matching `selector` contains `text`. */
async function waitContains(page, selector, text) {
  await page.locator(selector).filter({ hasText: text }).first().waitFor();
}

/** Chooses a package in the party page's offer form. */
async function choose(page, pkg) {
  for (const [issue, value] of Object.entries(pkg)) {
    await page.selectOption(`select[data-issue="${issue}"]`, String(value));
  }
}

/** The package shown in a package table under `selector`. */
async function shownPackage(page, selector) {
  return page.$$eval(`${selector} td[data-issue]`, (cells) =>
    Object.fromEntries(cells.map((c) => [c.dataset.issue, c.textContent.trim()])));
}

// Utilities from examples/car-purchase.toml, worked by hand:
//   Buyer  = .55 price + .15 warranty + .10 colour + .20 delivery
//   Dealer = .60 price + .20 warranty + .05 colour + .15 delivery
const OPENING = { price: 19000, warranty: 3, colour: 'black', delivery: 2 };
// Buyer: .55×.9 + .15×1 + .1×1 + .2×.875 = .920; Dealer: .6×.1 + .2×.25 + .05×.5 + .15×.5 = .210
const COUNTER = { price: 22000, warranty: 1, colour: 'silver', delivery: 4 };
// Dealer: .6×.6 + .2×.75 + .05×1 + .15×1 = .710; Buyer: .55×.3 + .15×⅓ + .1×.6 + .2×.625 = .400
const NASH = { price: '20500', warranty: '0', colour: 'black', delivery: '4' };
// Buyer: .55×.675 + 0 + .1×1 + .2×.625 = .596; Dealer: .6×.3 + .2×1 + .05×.5 + .15×1 = .555

test('convener, two parties and the mediator negotiate the car purchase in the browser', async () => {
  const problems = [];
  const tokens = [];

  // ---- the convener creates a session from the built-in example
  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/`);
  await c.selectOption('#example', 'car-purchase');
  await c.waitForFunction(() => document.querySelector('#scenario').value.includes('name = "Car purchase"'));
  await c.fill('#deadline', '6');
  await c.check('#auto-suggest');
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-setup.png'), fullPage: true });
  await c.click('#create');
  await c.locator('[data-testid="invite-link"]').first().waitFor();
  const links = Object.fromEntries(await c.$$eval('[data-testid="invite-link"]', (inputs) =>
    inputs.map((i) => [i.dataset.party, i.value])));
  assert.deepEqual(Object.keys(links), ['Buyer', 'Dealer']);
  const mediatorLink = await c.inputValue('[data-testid="mediator-link"]');
  for (const link of [...Object.values(links), mediatorLink]) {
    const url = new URL(link);
    assert.equal(url.origin, baseUrl);
    assert.equal(url.search, '', 'no token in the query string');
    const fragment = new URLSearchParams(url.hash.slice(1));
    assert.match(fragment.get('session'), /^[0-9a-f]{32}$/);
    assert.match(fragment.get('token'), /^[0-9a-f]{64}$/);
    tokens.push(fragment.get('token'));
  }
  assert.match(new URL(links.Buyer).pathname, /^\/party\.html$/);
  assert.match(new URL(mediatorLink).pathname, /^\/mediator\.html$/);
  // the scenario's observer gets a view-only link to the mediator page
  const viewers = await c.$$eval('[data-testid="viewer-link"]', (inputs) => inputs.map((i) => [i.dataset.party, i.value]));
  assert.deepEqual(viewers.map(([p]) => p), ['Bank']);
  assert.match(new URL(viewers[0][1]).pathname, /^\/mediator\.html$/);
  tokens.push(new URLSearchParams(new URL(viewers[0][1]).hash.slice(1)).get('token'));
  await waitText(c, '[data-testid="turn"]', 'Buyer');
  await waitText(c, '[data-testid="round"]', 'Round 1 of 6');

  // ---- each party opens its own link in its own context
  const buyer = await openContext('buyer', problems, tokens);
  const dealer = await openContext('dealer', problems, tokens);
  const b = buyer.page;
  const d = dealer.page;
  await b.goto(links.Buyer);
  await d.goto(links.Dealer);
  await waitText(b, '#me-party', 'Buyer');
  await waitText(d, '#me-party', 'Dealer');

  // own preferences: weights, value tables, reservation value and red lines
  await waitText(b, '[data-testid="reservation"]', '0.450');
  await waitText(d, '[data-testid="reservation"]', '0.400');
  await waitText(b, '.issue[data-issue="price"] .weight', 'weight 0.55');
  await waitText(d, '.issue[data-issue="price"] .weight', 'weight 0.60');
  assert.equal(await b.locator('.issue[data-issue="price"] tbody tr').count(), 13);
  assert.equal(await b.locator('.issue[data-issue="colour"] tbody tr').count(), 4);
  assert.equal(await b.locator('.issue[data-issue="delivery"] tr.redline').count(), 2, 'Buyer red line on delivery 8, 9');
  // and nothing of the other side's
  const buyerText = await b.textContent('body');
  for (const secret of ['weight 0.60', 'weight 0.05', '0.400']) {
    assert.ok(!buyerText.includes(secret), `Buyer's page shows Dealer's ${secret}`);
  }

  // Dealer opens its preference editor before its first move and saves
  // (numeric issues go back as piecewise-linear functions through the
  // listed values, so every utility below is unchanged); the reservation
  // value is retyped as it was
  await d.click('#edit-prefs summary');
  await d.fill('#edit-reservation', '0.4');
  await d.click('#save-prefs');
  await waitContains(d, '#notice', 'Your preferences are updated');
  await waitText(d, '[data-testid="reservation"]', '0.400');
  await waitText(d, '.issue[data-issue="price"] .weight', 'weight 0.60');

  // Buyer discloses its preferences to the mediator
  await b.click('#disclose');
  await waitContains(b, '#disclosure-state', 'You disclose your preferences to the mediator; not every negotiator does yet.');

  // ---- Buyer opens; the form shows its own utility live
  await waitContains(b, '[data-testid="turn"]', 'Your turn: make the first offer');
  await waitContains(d, '[data-testid="turn"]', 'Waiting for Buyer');
  assert.ok(await d.isDisabled('#send-offer'), 'Dealer cannot offer out of turn');
  await choose(b, OPENING);
  await waitText(b, '#offer-utility', '0.920');
  await b.screenshot({ path: path.join(ARTIFACTS, 'party-buyer-opening.png'), fullPage: true });
  await b.click('#send-offer');

  // Dealer sees the opening with its own utility, below its reservation value
  await waitText(d, '#standing-utility', '0.210');
  await waitContains(d, '#standing-verdict', 'below your reservation value');
  await waitContains(d, '[data-testid="turn"]', 'Your turn');
  await waitText(d, '#standing-by', 'Offered by Buyer in round 1');

  // ---- Dealer counters
  await choose(d, COUNTER);
  await waitText(d, '#offer-utility', '0.710');
  await d.click('#send-offer');
  await waitText(b, '#standing-utility', '0.400');
  await waitText(b, '[data-testid="round"]', 'Round 2 of 6');
  await waitText(c, '[data-testid="moves"]', '2');
  assert.equal(await b.locator('#history tbody tr').count(), 2);

  // ---- the round is complete: the mediator's suggestions arrive unasked
  await waitContains(b, '[data-testid="auto-suggestions"]', 'After round 1');
  await waitContains(b, '[data-testid="nash"] .u', '0.596');

  // ---- Buyer asks the mediator and proposes the Nash package
  await b.click('#ask');
  await b.locator('[data-testid="nash"]').waitFor();
  await waitContains(b, '[data-testid="nash"] .u', '0.596');
  await b.screenshot({ path: path.join(ARTIFACTS, 'party-buyer-suggestions.png'), fullPage: true });
  await b.click('[data-testid="nash"] button');
  await waitText(b, '#offer-utility', '0.596');
  await b.click('#send-offer');

  // ---- Dealer accepts it
  await waitText(d, '#standing-utility', '0.555');
  await d.click('#accept');

  // ---- everyone sees the agreement
  for (const [page, utility] of [[b, '0.596'], [d, '0.555']]) {
    await waitText(page, '[data-testid="status"]', 'Agreement');
    await page.locator('[data-testid="agreement"]').waitFor();
    assert.deepEqual(await shownPackage(page, '[data-testid="agreement"]'), NASH);
    await waitText(page, '#standing-utility', utility);
    assert.ok(await page.isHidden('#compose-card'), 'no offer form after the agreement');
  }
  await waitText(c, '#progress-status [data-testid="status"]', 'Agreement');
  assert.deepEqual(await shownPackage(c, '[data-testid="agreement"]'), NASH);

  // ---- the mediator view: trace and a note instead of the utility space
  const mediator = await openContext('mediator', problems, tokens);
  const m = mediator.page;
  await m.goto(mediatorLink);
  await waitText(m, '[data-testid="status"]', 'Agreement');
  await waitContains(m, '[data-testid="agreement"]', 'price 20500');
  assert.equal(await m.locator('#trace svg').count(), 4, 'one trace per issue');
  assert.equal(await m.locator('#moves tbody tr').count(), 3, 'three offers');
  await m.locator('[data-testid="space-note"]').waitFor();
  await waitContains(m, '[data-testid="disclosure"]', 'Buyer');

  // the observer's view-only link shows the trace too
  const observer = await openContext('observer', problems, tokens);
  await observer.page.goto(viewers[0][1]);
  await waitContains(observer.page, '[data-testid="agreement"]', 'price 20500');
  assert.equal(await observer.page.locator('#trace svg').count(), 4);

  // ---- a wrong token is refused with a readable message
  const stranger = await openContext('stranger', [], []);
  const session = new URLSearchParams(new URL(links.Buyer).hash.slice(1)).get('session');
  await stranger.page.goto(`${baseUrl}/party.html#session=${session}&token=${'0'.repeat(64)}`);
  await waitContains(stranger.page, '#notice', 'does not open a negotiation');

  await c.screenshot({ path: path.join(ARTIFACTS, 'convener.png'), fullPage: true });
  await b.screenshot({ path: path.join(ARTIFACTS, 'party-buyer.png'), fullPage: true });
  await d.screenshot({ path: path.join(ARTIFACTS, 'party-dealer.png'), fullPage: true });
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediator.png'), fullPage: true });

  // Chromium reports the stranger's 401 as a console error; the others must be clean.
  assert.deepEqual(problems, []);
  for (const ctx of [convener, buyer, dealer, mediator, observer, stranger]) await ctx.context.close();
});

const TEXT_SCENARIO = `
name = "Holiday"

[[issues]]
name = "place"
options = ["beach", "city", "mountains"]

[[issues]]
name = "days"
options = ["short", "long"]

[[parties]]
name = "Ann"
weights = { place = 0.5, days = 0.5 }
values.place = { beach = 0.0, city = 0.5, mountains = 1.0 }
values.days = { short = 1.0, long = 0.0 }

[[parties]]
name = "Ben"
weights = { place = 0.5, days = 0.5 }
values.place = { beach = 0.5, city = 0.0, mountains = 1.0 }
values.days = { short = 0.0, long = 1.0 }
`;

test('two parties vote on the mediator\'s single negotiating text in the browser', async () => {
  const problems = [];
  const res = await fetch(`${baseUrl}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario_toml: TEXT_SCENARIO, protocol: 'single_text', deadline_rounds: 2 }),
  });
  assert.equal(res.status, 201);
  const created = await res.json();
  const tokens = created.invitations.map((i) => i.token);
  const link = (i) => `${baseUrl}/party.html#session=${created.session_id}&token=${tokens[i]}`;
  const ann = await openContext('ann', problems, tokens);
  const ben = await openContext('ben', problems, tokens);
  const a = ann.page;
  const b = ben.page;
  await a.goto(link(0));
  await b.goto(link(1));

  // Draft: the middle values; proposal 1 moves place to beach.
  await waitText(a, '[data-testid="draft"]', 'place city · days short');
  await waitText(a, '[data-testid="change"]', 'place beach');
  await waitText(a, '[data-testid="draft-utility"]', '0.750');
  await waitText(b, '[data-testid="draft-utility"]', '0.000');
  assert.ok(await a.isHidden('#compose-card'), 'no offer form in a single-text session');

  // Ann vetoes, Ben accepts: the change is dropped.
  await a.click('#vote-veto');
  await waitContains(a, '[data-testid="turn"]', 'Waiting for the other negotiators');
  await b.click('#vote-accept');
  await waitContains(b, '#notice', 'The change was vetoed.');
  // Proposal 2 (the last) moves place to mountains: both accept.
  await waitText(b, '[data-testid="change"]', 'place mountains');
  await b.click('#vote-accept');
  await waitText(a, '[data-testid="change"]', 'place mountains');
  await a.click('#vote-accept');
  await waitContains(a, '[data-testid="turn"]', 'Agreement reached on the single text');
  await waitContains(b, '[data-testid="turn"]', 'Agreement reached on the single text');
  await waitText(b, '[data-testid="draft"]', 'place mountains · days short');
  await a.screenshot({ path: path.join(ARTIFACTS, 'party-single-text.png'), fullPage: true });

  // The convener's admin view lists the four votes and the agreement.
  const convener = await openContext('convener', problems, [...tokens, created.admin_token]);
  const c = convener.page;
  await c.goto(`${baseUrl}/#session=${created.session_id}&token=${created.admin_token}`);
  await waitText(c, '[data-testid="moves"]', '4');
  await waitContains(c, '[data-testid="agreement"]', 'mountains');
  await waitContains(c, '.log', 'vetoed');

  assert.deepEqual(problems, []);
  for (const ctx of [ann, ben, convener]) await ctx.context.close();
});
