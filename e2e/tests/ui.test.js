// End-to-end test of the web UI in a real browser.
//
// Starts `pactum serve` on 127.0.0.1 with a fresh SQLite file, drives
// Debian's Chromium through playwright-core: a convener creates a session
// from the car-purchase example, Buyer and Dealer (each in its own browser
// context, i.e. its own cookies and storage) open their invitation links, see
// their own preferences, exchange offers, ask for the mediator's suggestions
// and agree. Screenshots of every page land in e2e/artifacts/.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  ARTIFACTS, BIN, choose, openContext as open, shownPackage, startAll, waitContains, waitLive, waitText,
} from '../lib/harness.js';

let baseUrl;
let browser;
let stop;

before(async () => {
  ({ baseUrl, browser, stop } = await startAll());
});

after(async () => {
  if (stop) await stop();
});

const openContext = (name, problems, tokens) => open(browser, name, problems, tokens);

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
  // suggestions may include the fair package, which rests on reservation values
  await c.selectOption('#privacy', 'full');
  await waitContains(c, '#privacy-hint', 'reservation value');
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

  // Nobody gets suggestions before every negotiator's preferences are
  // locked; Buyer locks its own and waits for Dealer
  await waitContains(b, '[data-testid="lock-state"]', 'Suggestions come once every negotiator’s preferences are locked');
  await b.click('#lock-prefs');
  await waitContains(b, '#notice', 'Your preferences are locked');
  await waitContains(b, '[data-testid="lock-state"]', 'Waiting for others to lock theirs: Dealer.');
  assert.ok(await b.isDisabled('#ask'), 'no asking before everyone has locked');
  await b.locator('#edit-prefs-box').waitFor({ state: 'hidden' });

  // Buyer discloses its preferences to the mediator
  await b.click('#disclose');
  // The scenario names no mediator: the convener mediates.
  await waitContains(b, '#disclosure-state', 'You disclose your preferences to the convener, who mediates (the scenario names no mediator); not every negotiator does yet.');

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
  // Preferences are fixed by a lock or a party's first move: the Buyer's
  // editor is gone, the Dealer's is still there.
  await b.locator('#edit-prefs-box').waitFor({ state: 'hidden' });
  await d.locator('#edit-prefs').waitFor({ state: 'visible' });

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
  // each suggestion says what it rests on
  await waitContains(b, '[data-testid="rests-on"]', "every party's reservation value");
  await waitContains(b, '[data-testid="lock-state"]', 'Every negotiator’s preferences are locked');
  // A party that reopens its page is sent the latest ones again. (The
  // reload cuts off the old page's event stream: that failure is expected.)
  const before = problems.length;
  const streamCut = d.waitForEvent('requestfailed', (r) => r.url().endsWith('/events'));
  await d.reload();
  await streamCut;
  const cutOff = (p) => /^dealer: request failed: \S+\/events net::ERR_ABORTED$/.test(p);
  problems.splice(before, Infinity, ...problems.slice(before).filter((p) => !cutOff(p)));
  await waitContains(d, '[data-testid="auto-suggestions"]', 'After round 1');
  await waitContains(d, '[data-testid="nash"] .u', '0.555');

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
  // ---- the post-settlement step: nothing beats the Nash package for everyone
  for (const page of [b, d]) {
    await waitContains(page, '[data-testid="auto-suggestions"]', 'After the agreement');
    await waitContains(page, '#suggestions', 'No package is better for everyone than the agreement');
  }
  await waitText(c, '#progress-status [data-testid="status"]', 'Agreement');
  // ---- the convener exports the finished session; `pactum verify` checks it
  const [download] = await Promise.all([c.waitForEvent('download'), c.click('[data-testid="export"]')]);
  const exported = path.join(ARTIFACTS, 'session-export.json');
  await download.saveAs(exported);
  const verified = spawnSync(BIN, ['verify', exported], { encoding: 'utf8' });
  assert.equal(verified.status, 0, verified.stderr);
  assert.match(verified.stdout, /hash chain intact/);
  assert.deepEqual(await shownPackage(c, '[data-testid="agreement"]'), NASH);

  // ---- the mediator view: trace and a note instead of the utility space
  const mediator = await openContext('mediator', problems, tokens);
  const m = mediator.page;
  await m.goto(mediatorLink);
  await waitText(m, '[data-testid="status"]', 'Agreement');
  await waitContains(m, '[data-testid="agreement"]', 'price 20500');
  assert.equal(await m.locator('#trace svg').count(), 4, 'one trace per issue');
  assert.equal(await m.locator('#moves tbody tr').count(), 4, 'three offers and the acceptance');
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
    body: JSON.stringify({ scenario_toml: TEXT_SCENARIO, protocol: 'single_text', deadline_rounds: 2, auto_suggest: true, privacy: 'full' }),
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
  // Both pages read the event stream before the first proposal is decided.
  await waitLive(a);
  await waitLive(b);

  // Ann vetoes, Ben accepts: the change is dropped.
  await a.click('#vote-veto');
  await waitContains(a, '[data-testid="turn"]', 'Waiting for the other negotiators');
  await b.click('#vote-accept');
  await waitContains(b, '#notice', 'The change was vetoed.');

  // The mediator's suggestions arrive unasked, each with its reader's own
  // utilities: the draft (city, short) is worth .75 to Ann and 0 to Ben;
  // (mountains, short), worth 1 and .5, is better for both.
  for (const [page, draft, better] of [[a, '0.750', '1.000'], [b, '0.000', '0.500']]) {
    await waitContains(page, '[data-testid="auto-suggestions"]', 'After proposal 1, the mediator suggests:');
    await waitText(page, '[data-testid="baseline-utility"]', `The draft is worth ${draft} to you.`);
    assert.equal(await page.locator('[data-testid="improving"]').count(), 1);
    await waitContains(page, '[data-testid="improving"] .pkg', 'place mountains · days short');
    await waitText(page, '[data-testid="improving"] .u', better);
    assert.equal(await page.locator('#suggestions button').count(), 0, 'nothing to fill in under a single text');
  }
  await a.screenshot({ path: path.join(ARTIFACTS, 'party-single-text-suggestions.png'), fullPage: true });
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
  await waitContains(c, '[data-testid="move-log"]', 'vetoed');

  // The mediator page (the convener's token) shows each proposal's draft,
  // change and votes, and the agreed text.
  const mediator = await openContext('mediator', problems, [...tokens, created.admin_token]);
  const m = mediator.page;
  await m.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${created.admin_token}`);
  await waitText(m, '[data-testid="status"]', 'Agreement');
  await waitText(m, '#trace-title', 'Draft trace');
  await waitContains(m, '[data-testid="agreement"]', 'place mountains · days short');
  assert.deepEqual(await shownPackage(m, '[data-testid="standing-text"]'), { place: 'mountains', days: 'short' });
  await waitText(m, '[data-testid="proposal-count"]', '2 (1 adopted)');
  assert.equal(await m.locator('[data-testid="draft-row"]').count(), 3, 'two proposals and the agreed text');
  await waitText(m, '[data-testid="draft-row"][data-proposal="0"] td[data-issue="place"]', 'city → beach');
  await waitText(m, '[data-testid="draft-row"][data-proposal="1"] td[data-issue="place"]', 'city → mountains');
  const row = (n) => `[data-testid="text-proposal"][data-proposal="${n}"]`;
  assert.equal(await m.getAttribute(row(0), 'data-resolution'), 'vetoed');
  assert.equal(await m.getAttribute(row(1), 'data-resolution'), 'adopted');
  await waitText(m, `${row(0)} td[data-vote="Ann"]`, 'veto');
  await waitText(m, `${row(0)} td[data-vote="Ben"]`, 'accept');
  await waitText(m, `${row(1)} td[data-vote="Ann"]`, 'accept');
  await m.locator('[data-testid="space-note"]').waitFor();
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediator-single-text.png'), fullPage: true });

  assert.deepEqual(problems, []);
  for (const ctx of [ann, ben, convener, mediator]) await ctx.context.close();
});
