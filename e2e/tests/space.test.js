// Browser tests of the utility space: with three negotiators the
// mediator's page offers a pair selector (the first two by default) and
// every pair at once, with the four fair packages, the reservation lines,
// the zone of possible agreement and the offers' paths; a negotiator's page
// shows only its own utility and never receives another party's, neither
// on screen nor in any HTTP answer it fetches; in free-form partial rounds
// the settled issues are shown apart from the open ones, "Lapsed" is
// explained where it appears and the settled issues' worth is labelled a
// contribution. Screenshots at 390 px wide land in e2e/artifacts/.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS, ROOT, openContext as open, startAll, waitContains, waitText, request as call,
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

/** A JSON request to the server; returns the parsed body (status checked). */
const request = (method, url, token, body, want = 200) => call(baseUrl, method, url, token, body, want);

/** Records every JSON answer the page fetches from the server (url, body text). */
function recordAnswers(page) {
  const answers = [];
  page.on('response', async (res) => {
    if (!(res.headers()['content-type'] || '').includes('json')) return;
    try {
      answers.push({ url: res.url(), body: await res.text() });
    } catch {
      // An answer still streaming when the page closes has no body to check.
    }
  });
  return answers;
}

/**
 * Elements under `selector` reaching past the viewport's right edge (tag,
 * id, class, right edge), but for those inside a box that scrolls them.
 */
function wider(page, selector) {
  return page.$$eval(`${selector}, ${selector} *`, (els) => els
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .filter((e) => {
      for (let p = e.parentElement; p; p = p.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return false;
      }
      return true;
    })
    .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.getAttribute('class') || ''} ${Math.round(e.getBoundingClientRect().right)}`));
}

const WATER = readFileSync(path.join(ROOT, 'examples', 'three-party-water.toml'), 'utf8');

test('three negotiators: the mediator chooses the pair and sees every pair; a negotiator sees only its own utility', async () => {
  const problems = [];
  const created = await request('POST', `${baseUrl}/sessions`, null,
    { scenario_toml: WATER, protocol: 'alternating_offers', deadline_rounds: 10 }, 201);
  const parties = created.invitations.map((i) => i.party);
  assert.deepEqual(parties, ['Upstream', 'Midstream', 'Downstream']);
  const tokens = Object.fromEntries(created.invitations.map((i) => [i.party, i.token]));
  const mediatorToken = created.viewers[0].token;
  const all = [...Object.values(tokens), mediatorToken, created.admin_token];
  const base = `${baseUrl}/sessions/${created.session_id}`;
  for (const name of parties) await request('PUT', `${base}/disclosure`, tokens[name], { disclose: true });
  const before = await request('GET', `${base}/mediator`, mediatorToken);
  const space = before.utility_space;
  assert.ok(space, 'the mediator gets the space once all three disclose');
  for (const key of ['nash', 'kalai_smorodinsky', 'egalitarian', 'utilitarian']) assert.ok(space[key], key);
  assert.deepEqual(space.reservation_values, [0.4, 0.45, 0.35]);
  // Three offers in turn, each a fair package (acceptable to everyone).
  await request('POST', `${base}/moves`, tokens.Upstream, { kind: 'offer', offer: space.utilitarian.offer });
  await request('POST', `${base}/moves`, tokens.Midstream, { kind: 'offer', offer: space.kalai_smorodinsky.offer });
  await request('POST', `${base}/moves`, tokens.Downstream, { kind: 'offer', offer: space.nash.offer });
  const view = await request('GET', `${base}/mediator`, mediatorToken);
  const offers = view.utility_space.offers;
  assert.equal(offers.length, 3);

  // ---- the mediator's page: the pair selector, the chosen pair, every pair
  const mediator = await openContext('mediator', problems, all);
  const m = mediator.page;
  await m.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${mediatorToken}`);
  const plot = m.locator('[data-testid="space-plot"]');
  await plot.waitFor();
  assert.equal(await plot.getAttribute('data-pair'), 'Upstream|Midstream', 'the first two by default');
  assert.equal(await m.inputValue('[data-testid="axis-x"]'), '0');
  assert.equal(await m.inputValue('[data-testid="axis-y"]'), '1');
  for (const key of ['nash', 'kalai_smorodinsky', 'egalitarian', 'utilitarian']) {
    assert.equal(await plot.locator(`[data-testid="fair-${key}"]`).count(), 1, `${key} marked`);
  }
  assert.equal(await plot.locator('[data-testid="reservation-x"]').count(), 1);
  assert.equal(await plot.locator('[data-testid="reservation-y"]').count(), 1);
  assert.equal(await plot.locator('[data-testid="space-zopa"]').count(), 1);
  assert.equal(await plot.locator('[data-testid="space-offer"]').count(), 3, 'one mark per offer');
  assert.equal(await plot.locator('.cloud').count(), space.sample.length);
  const title = await plot.locator('[data-testid="fair-nash"] title').textContent();
  assert.ok(title.startsWith('Nash bargaining solution: downstream_share'), title);
  // every pair at once: three panels
  const pairs = await m.$$eval('[data-testid="space-pairs"] [data-testid="space-pair"]', (els) => els.map((e) => e.dataset.pair));
  assert.deepEqual(pairs, ['Upstream|Midstream', 'Upstream|Downstream', 'Midstream|Downstream']);
  // the selector changes the pair; a panel picks its pair
  await m.selectOption('[data-testid="axis-y"]', '2');
  await m.waitForFunction(() => document.querySelector('[data-testid="space-plot"]').dataset.pair === 'Upstream|Downstream');
  await m.click('[data-testid="space-pair"][data-pair="Midstream|Downstream"]');
  await m.waitForFunction(() => document.querySelector('[data-testid="space-plot"]').dataset.pair === 'Midstream|Downstream');
  assert.equal(await m.inputValue('[data-testid="axis-x"]'), '1');
  await m.setViewportSize({ width: 390, height: 844 });
  await m.screenshot({ path: path.join(ARTIFACTS, 'space-mediator-390.png'), fullPage: true });
  assert.deepEqual(await wider(m, 'main'), [], 'the mediator page fits 390 px');
  // in print the selector is left out, the plots stay
  await m.emulateMedia({ media: 'print' });
  assert.ok(await m.isHidden('[data-testid="space-axes"]'), 'no selector in print');
  assert.ok(await m.isVisible('[data-testid="space-plot"]'));
  await m.screenshot({ path: path.join(ARTIFACTS, 'space-mediator-print.png'), fullPage: true });
  await m.emulateMedia({ media: 'screen' });

  // ---- Upstream's page: its own utility only, on screen and in every answer
  const up = await openContext('upstream', problems, all);
  const u = up.page;
  const answers = recordAnswers(u);
  await u.setViewportSize({ width: 390, height: 844 });
  await u.goto(`${baseUrl}/party.html#session=${created.session_id}&token=${tokens.Upstream}`);
  const own = u.locator('[data-testid="own-utility-plot"]');
  await own.waitFor();
  assert.equal(await own.locator('circle.offer').count(), 3);
  assert.equal(await own.locator('[data-testid="own-reservation"]').count(), 1);
  assert.equal(await u.locator('[data-testid="space-plot"]').count(), 0, 'no joint space on a party page');
  assert.ok(answers.length > 0, 'the page fetched its answers');
  // The API's description (/openapi.json) names every field; the data are the session's answers.
  const data = answers.filter((a) => new URL(a.url).pathname.startsWith('/sessions/'));
  assert.ok(data.some((a) => /\/offers$/.test(new URL(a.url).pathname)), 'the page fetched the offers');
  const texts = data.map((a) => a.body).join('\n');
  for (const field of ['"utility_space"', '"utilities"', '"sample"', '"frontier"', '"reservation_values"']) {
    assert.ok(!texts.includes(field), `a party's page received ${field}`);
  }
  // The others' utilities of the offers appear in no answer, as the server
  // writes numbers (those with five or more decimals: round numbers such as
  // 1 stand in any answer for other reasons).
  const mine = new Set(offers.map((o) => o[0]));
  let checked = 0;
  for (const o of offers) {
    for (const k of [1, 2]) {
      if (mine.has(o[k]) || !/\.\d{5,}/.test(JSON.stringify(o[k]))) continue;
      checked += 1;
      assert.ok(!texts.includes(JSON.stringify(o[k])), `${parties[k]}'s utility ${o[k]} reached Upstream's page`);
    }
  }
  assert.ok(checked > 0, 'some of the others\' utilities were looked for');
  // and the page's own numbers are there: Upstream's utility of each offer
  for (const o of offers) assert.ok(texts.includes(JSON.stringify(o[0])), `Upstream's own utility ${o[0]} is in its answers`);
  const shown = await u.textContent('body');
  assert.ok(!shown.includes('Midstream\'s utility') && !shown.includes('Downstream\'s utility'));
  await u.screenshot({ path: path.join(ARTIFACTS, 'space-party-390.png'), fullPage: true });
  assert.deepEqual(await wider(u, 'main'), [], 'the party page fits 390 px');
  assert.deepEqual(problems, []);
  await mediator.context.close();
  await up.context.close();
});

const OFFICE = `
name = "Office move"

[[issues]]
name = "site"
options = ["north", "centre", "south"]

[[issues]]
name = "date"
options = ["spring", "summer", "autumn"]

[[issues]]
name = "budget"
options = ["low", "high"]

[[parties]]
name = "Ada"
reservation = 0.3
weights = { site = 0.5, date = 0.3, budget = 0.2 }
values.site = { north = 1.0, centre = 0.5, south = 0.0 }
values.date = { spring = 1.0, summer = 0.5, autumn = 0.0 }
values.budget = { low = 0.0, high = 1.0 }

[[parties]]
name = "Bo"
weights = { site = 0.2, date = 0.3, budget = 0.5 }
values.site = { north = 0.0, centre = 0.5, south = 1.0 }
values.date = { spring = 0.0, summer = 1.0, autumn = 0.5 }
values.budget = { low = 1.0, high = 0.0 }

[[parties]]
name = "Mia"
role = "mediator"
`;

test('partial rounds: settled issues apart from open ones, "Lapsed" explained, the settled worth a contribution', async () => {
  const problems = [];
  const created = await request('POST', `${baseUrl}/sessions`, null,
    { scenario_toml: OFFICE, protocol: 'partial_rounds', deadline_rounds: 3 }, 201);
  const [ada, bo] = created.invitations.map((i) => i.token);
  const mia = created.viewers[0].token;
  const base = `${baseUrl}/sessions/${created.session_id}`;
  for (const token of [ada, bo]) await request('PUT', `${base}/disclosure`, token, { disclose: true });
  // Ada proposes the site; Bo proposes another site with a date; Bo accepts
  // Ada's: the site is settled and Bo's proposal lapses.
  const p = await request('POST', `${base}/moves`, ada, { kind: 'offer', offer: { site: 'centre' } });
  await request('POST', `${base}/moves`, bo, { kind: 'offer', offer: { site: 'south', date: 'summer' } });
  await request('POST', `${base}/moves`, bo, { kind: 'accept', proposal: p.seq });

  const party = await openContext('ada', problems, [ada, bo, mia, created.admin_token]);
  const a = party.page;
  await a.setViewportSize({ width: 390, height: 844 });
  await a.goto(`${baseUrl}/party.html#session=${created.session_id}&token=${ada}`);
  await waitText(a, '[data-testid="settled-section"] td[data-issue="site"]', 'centre');
  await waitText(a, '[data-testid="open-section"] [data-testid="open-issues"]', 'date, budget');
  assert.ok(!(await a.textContent('[data-testid="settled-section"]')).includes('budget'), 'open issues are not among the settled');
  // the settled worth is a contribution, labelled, and no bar beside it
  await waitText(a, '[data-testid="settled-utility"]', '0.250');
  await waitContains(a, '[data-testid="settled-section"]', 'contributed to your utility by the settled issues');
  await waitContains(a, '[data-testid="contribution-note"]', 'your reservation value is about a whole package');
  assert.equal(await a.locator('[data-testid="settled-section"] .bar').count(), 0);
  // "Lapsed" explained where it appears
  const lapsed = a.locator('[data-testid="proposal"][data-party="Bo"] [data-help="lapsed"]');
  await waitText(a, '[data-testid="proposal"][data-party="Bo"] [data-help="lapsed"]', 'Lapsed');
  assert.match(await lapsed.getAttribute('title'), /can no longer be accepted/);
  await waitContains(a, '[data-testid="lapsed-help"]', 'another proposal settled one of its issues first');
  await a.screenshot({ path: path.join(ARTIFACTS, 'space-party-partial-390.png'), fullPage: true });

  // the mediator's page: the same, and the proposals' worth drawn apart
  const mediator = await openContext('mediator', problems, [ada, bo, mia, created.admin_token]);
  const m = mediator.page;
  await m.setViewportSize({ width: 390, height: 844 });
  await m.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${mia}`);
  await m.locator('[data-testid="space-plot"]').waitFor();
  await waitText(m, '[data-testid="settled-section"] [data-testid="settled"]', 'site centre');
  await waitText(m, '[data-testid="open-section"] [data-testid="open-issues"]', 'date, budget');
  const pill = m.locator('[data-testid="traced-proposal"][data-state="lapsed"] [data-help="lapsed"]');
  assert.match(await pill.getAttribute('title'), /can no longer be accepted/);
  await waitContains(m, '[data-testid="lapsed-help"]', 'Lapsed');
  assert.equal(await m.locator('[data-testid="space-plot"] [data-testid="space-offer"]').count(), 0,
    'no partial proposal against the reservation lines');
  assert.equal(await m.locator('[data-testid="space-contributions"] [data-testid="space-offer"]').count(), 2);
  await waitContains(m, '[data-testid="contribution-note"]', 'not a package\'s utility');
  // here the fair packages fall on two packages (as `pactum analyze` reports), and the page says so
  await waitText(m, '[data-testid="fair-coincide"]',
    'Nash bargaining solution and utilitarian coincide (the same package). Kalai–Smorodinsky and egalitarian coincide (the same package).');
  await m.screenshot({ path: path.join(ARTIFACTS, 'space-mediator-partial-390.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await party.context.close();
  await mediator.context.close();
});
