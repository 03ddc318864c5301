// The preference editor in a real browser: 100 points split across issues,
// options ranked by keyboard and by dragging (ties included) through a
// curve, red lines per option, the best packages computed in the page, the
// reservation value taken from a package, and validation next to the field.
// What is saved is checked through the API; the best packages against a
// brute-force enumeration done here from the API's numbers.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, openContext as open, startAll, waitContains, waitText, request } from '../lib/harness.js';

let baseUrl;
let browser;
let stop;

before(async () => {
  ({ baseUrl, browser, stop } = await startAll());
});

after(async () => {
  if (stop) await stop();
});

/** A JSON request to this test's server (status checked). */
const api = (method, url, token, body) => request(baseUrl, method, url, token, body);

/** The utilities of the `n` best packages of `preferences` (GET /me), without red-lined values. */
function bruteForceBest(preferences, n) {
  const red = new Map(preferences.red_lines.map((l) => {
    const at = l.indexOf(': ');
    return [l.slice(0, at), l.slice(at + 2).split(', ')];
  }));
  let sums = [0];
  for (const issue of preferences.issues) {
    const banned = red.get(issue.issue) || [];
    const us = issue.values.filter((v) => !banned.includes(String(v.value))).map((v) => issue.weight * v.utility);
    sums = sums.flatMap((s) => us.map((u) => s + u));
  }
  return sums.sort((a, b) => b - a).slice(0, n);
}

/** The colour value fields of the editor: { option: shown value }. */
async function colourValues(b) {
  return Object.fromEntries(await b.$$eval('input[data-issue="colour"][data-value]',
    (inputs) => inputs.map((i) => [JSON.parse(i.dataset.value), i.value])));
}

/** The options of `issue` as ranked on the page: [[best, tied…], …]. */
async function ranking(b, issue) {
  return b.$$eval(`[data-rank="${issue}"] .rank-tier`, (tiers) => tiers.map((t) =>
    [...t.querySelectorAll('[data-rank-value]')].map((i) => JSON.parse(i.dataset.rankValue))));
}

const item = (issue, value) => `[data-rank="${issue}"] [data-rank-value='${JSON.stringify(value)}']`;

test('preferences stated as points, rankings, curves, red lines and a package no deal is as good as', async () => {
  const problems = [];
  const scenario = await (await fetch(`${baseUrl}/ui/examples/car-purchase.toml`)).text();
  const created = await api('POST', '/sessions', undefined, { scenario_toml: scenario, protocol: 'alternating_offers', deadline_rounds: 6 });
  const token = created.invitations[0].token;
  const id = created.session_id;
  const before = (await api('GET', `/sessions/${id}/me`, token)).preferences;
  const { context, page: b } = await open(browser, 'buyer', problems, [token]);
  await b.goto(`${baseUrl}/party.html#session=${id}&token=${token}`);
  await b.click('#edit-prefs summary');

  // ---- the best packages, computed in the page, are the brute force's
  const shownUtilities = async () => b.$$eval('[data-testid="top-package"]', (rows) => rows.map((r) => Number(r.dataset.utility)));
  const expected = bruteForceBest(before, 5);
  let shown = await shownUtilities();
  assert.equal(shown.length, 5);
  shown.forEach((u, i) => assert.ok(Math.abs(u - expected[i]) < 1e-9, `package ${i + 1}: ${u} against ${expected[i]}`));
  await waitContains(b, '[data-testid="top-note"]', 'of 1,872 packages');
  await waitContains(b, '[data-testid="top-note"]', 'leaving out 416 that cross a red line');
  const firstBefore = await b.textContent('[data-testid="top-package-offer"]');
  assert.equal(firstBefore, 'price 18000 · warranty 3 · colour black · delivery 1');

  // ---- 100 points across the issues; the weights follow
  await waitText(b, '[data-testid="points-total"]', 'Points given: 100 of 100.');
  for (const [issue, points] of [['price', '50'], ['warranty', '20'], ['colour', '10'], ['delivery', '20']]) {
    await b.fill(`[data-points="${issue}"]`, points);
  }
  assert.deepEqual(await b.$$eval('[data-weight]', (inputs) => inputs.map((i) => i.value)), ['0.5', '0.2', '0.1', '0.2']);
  await waitText(b, '[data-testid="points-total"]', 'Points given: 100 of 100.');
  assert.ok(await b.isHidden('[data-testid="weight-sum"]'));
  await b.fill('[data-points="price"]', '60');
  await waitText(b, '[data-testid="points-total"]', '⚠ Points given: 110 of 100: take 10 away.');
  await waitText(b, '[data-testid="weight-sum-warning"]', '⚠ The weights sum to 1.1, not 1.');
  await b.fill('[data-points="price"]', '40');
  await waitText(b, '[data-testid="points-total"]', '⚠ Points given: 90 of 100: 10 left to give.');
  await b.fill('[data-points="price"]', '50');
  await waitText(b, '[data-testid="points-total"]', 'Points given: 100 of 100.');
  // The best packages follow the new weights at once.
  const firstUtility = Number(await b.getAttribute('[data-testid="top-package"]', 'data-utility'));
  const newWeights = { price: 0.5, warranty: 0.2, colour: 0.1, delivery: 0.2 };
  const reweighted = { ...before, issues: before.issues.map((i) => ({ ...i, weight: newWeights[i.issue] })) };
  assert.ok(Math.abs(firstUtility - bruteForceBest(reweighted, 1)[0]) < 1e-9, `${firstUtility}`);

  // ---- ranking by keyboard: white moves up, first tying with silver
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['silver'], ['white']]);
  await b.focus(item('colour', 'white'));
  await b.keyboard.press('ArrowUp');
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['silver', 'white']]);
  assert.equal(await b.$eval('[data-curve="colour"]', (s) => s.value), 'linear', 'a ranking without a curve takes the linear one');
  assert.deepEqual(await colourValues(b), { black: '1', silver: '0', red: '0.5', white: '0' });
  // The focus stays on the option moved: a second press takes it above silver.
  await b.keyboard.press('ArrowUp');
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['white'], ['silver']]);
  assert.deepEqual(await colourValues(b), { black: '1', silver: '0', red: '0.6667', white: '0.3333' });
  await b.keyboard.press('ArrowDown');
  await b.keyboard.press('ArrowDown');
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['silver'], ['white']]);
  // The small arrows (touch screens) take the same steps.
  await b.click(`${item('colour', 'white')} [data-nudge="up"]`);
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['silver', 'white']]);
  await b.click(`${item('colour', 'white')} [data-nudge="down"]`);
  assert.deepEqual(await ranking(b, 'colour'), [['black'], ['red'], ['silver'], ['white']]);

  // ---- ranking by dragging: silver to the top, then red tied with it
  await b.dragAndDrop(item('colour', 'silver'), '[data-rank="colour"] [data-gap="0"]');
  assert.deepEqual(await ranking(b, 'colour'), [['silver'], ['black'], ['red'], ['white']]);
  assert.deepEqual(await colourValues(b), { black: '0.6667', silver: '1', red: '0.3333', white: '0' });
  await b.dragAndDrop(item('colour', 'red'), '[data-rank="colour"] [data-tier="0"]');
  assert.deepEqual(await ranking(b, 'colour'), [['silver', 'red'], ['black'], ['white']]);
  assert.deepEqual(await colourValues(b), { black: '0.5', silver: '1', red: '1', white: '0' });
  // How strongly: convex values only the top, concave all but the bottom.
  await b.selectOption('[data-curve="colour"]', 'convex');
  assert.deepEqual(await colourValues(b), { black: '0.25', silver: '1', red: '1', white: '0' });
  await b.selectOption('[data-curve="colour"]', 'concave');
  assert.deepEqual(await colourValues(b), { black: '0.7071', silver: '1', red: '1', white: '0' });
  // The best package now takes a colour ranked first (silver or red, tied).
  await waitContains(b, '[data-testid="top-package-offer"]', 'colour silver');

  // ---- validation next to the field, and nothing sent while it stands
  await b.click('fieldset[data-issue="colour"] details.edit-numbers summary');
  // Typed numbers drive the ranking; no curve applies to them.
  await b.fill('input[data-issue="colour"][data-value=\'"white"\']', '0.95');
  assert.equal(await b.$eval('[data-curve="colour"]', (s) => s.value), '');
  assert.deepEqual(await ranking(b, 'colour'), [['silver', 'red'], ['white'], ['black']]);
  await b.fill('input[data-issue="colour"][data-value=\'"white"\']', '1.5');
  await waitText(b, 'fieldset[data-issue="colour"] .value-row:nth-child(4) [data-testid="field-error"]', 'A value is between 0 and 1.');
  await waitText(b, '#top-packages', 'Fix the marked fields to see your best packages.');
  await b.fill('[data-weight="warranty"]', '-1');
  await waitText(b, 'fieldset[data-issue="warranty"] .weight-row [data-testid="field-error"]:not([hidden])', 'A weight is a number of at least 0.');
  await b.fill('#edit-reservation', '2');
  await waitText(b, '#edit-reservation + [data-testid="field-error"]', 'The reservation value is between 0 and 1 (empty for none).');
  await b.click('#save-prefs');
  await waitContains(b, '[data-testid="prefs-problems"]', 'Nothing was sent: fix the 3 marked fields first');
  assert.equal(await b.evaluate(() => document.activeElement.dataset.weight), 'warranty');
  await b.screenshot({ path: path.join(ARTIFACTS, 'preferences-validation.png'), fullPage: true });
  await b.fill('input[data-issue="colour"][data-value=\'"white"\']', '0');
  await b.fill('[data-weight="warranty"]', '0.2');
  await b.fill('#edit-reservation', '0.45');
  assert.equal(await b.locator('[data-testid="field-error"]:not([hidden])').count(), 0);
  await b.selectOption('[data-curve="colour"]', 'linear');
  assert.deepEqual(await colourValues(b), { black: '0.5', silver: '1', red: '1', white: '0' });

  // ---- red lines per option: the best packages leave them out
  await b.click('fieldset[data-issue="delivery"] details.edit-numbers summary');
  await b.check('input[data-redline-issue="delivery"][data-redline-value="1"]');
  await waitContains(b, '[data-testid="top-note"]', 'leaving out 624 that cross a red line');
  for (const offer of await b.$$eval('[data-testid="top-package-offer"]', (cells) => cells.map((c) => c.textContent))) {
    assert.ok(!offer.endsWith('delivery 1') && !offer.endsWith('delivery 8') && !offer.endsWith('delivery 9'), offer);
  }
  // Red-lining every option of an issue is told.
  await b.click('fieldset[data-issue="warranty"] details.edit-numbers summary');
  for (const v of ['0', '1', '2', '3']) await b.check(`input[data-redline-issue="warranty"][data-redline-value="${v}"]`);
  await waitText(b, '[data-redline-warning="warranty"]', '⚠ Every option of warranty is a red line: no package is acceptable to you.');
  await waitText(b, '#top-packages .empty', 'Every package crosses one of your red lines.');
  for (const v of ['0', '1', '2', '3']) await b.uncheck(`input[data-redline-issue="warranty"][data-redline-value="${v}"]`);

  // ---- the reservation value from a package: the first best one, then one picked
  const best = Number(await b.getAttribute('[data-testid="top-package"]', 'data-utility'));
  await b.click('[data-reservation-from="0"]');
  assert.equal(await b.inputValue('#edit-reservation'), String(Number(best.toFixed(4))));
  for (const [issue, value] of [['price', 20000], ['warranty', 1], ['colour', 'black'], ['delivery', 3]]) {
    await b.selectOption(`select[data-res-issue="${issue}"]`, JSON.stringify(value));
  }
  // Weight × value from the API's numbers (colour black is now 0.5).
  const valueOf = (issue, v) => before.issues.find((i) => i.issue === issue).values.find((x) => x.value === v).utility;
  const picked = 0.5 * valueOf('price', 20000) + 0.2 * valueOf('warranty', 1) + 0.1 * 0.5 + 0.2 * valueOf('delivery', 3);
  await waitText(b, '[data-testid="picked-utility"]', picked.toFixed(3));
  await b.click('#reservation-from-package');
  assert.equal(await b.inputValue('#edit-reservation'), String(Number(picked.toFixed(4))));
  await b.screenshot({ path: path.join(ARTIFACTS, 'preferences-editor.png'), fullPage: true });

  // ---- saved: what the page stated is what the server keeps
  await b.click('#save-prefs');
  await waitContains(b, '#notice', 'Your preferences are updated');
  const saved = (await api('GET', `/sessions/${id}/me`, token)).preferences;
  const weights = Object.fromEntries(saved.issues.map((i) => [i.issue, i.weight]));
  assert.deepEqual(weights, { price: 0.5, warranty: 0.2, colour: 0.1, delivery: 0.2 });
  const colour = Object.fromEntries(saved.issues.find((i) => i.issue === 'colour').values.map((v) => [v.value, v.utility]));
  assert.deepEqual(colour, { black: 0.5, silver: 1, red: 1, white: 0 });
  assert.deepEqual(saved.red_lines, ['delivery: 1, 8, 9']);
  assert.ok(Math.abs(saved.reservation_value - picked) < 1e-12, `${saved.reservation_value} against ${picked}`);
  // Untouched issues keep their exact numbers.
  const untouched = (p, issue) => p.issues.find((i) => i.issue === issue).values.map((v) => v.utility);
  assert.deepEqual(untouched(saved, 'price'), untouched(before, 'price'));

  // The page shows the saved preferences and ranks packages from them.
  await waitText(b, '.issue[data-issue="price"] .weight', 'weight 0.50');
  await b.click('#edit-prefs summary');
  const again = bruteForceBest(saved, 5);
  shown = await shownUtilities();
  shown.forEach((u, i) => assert.ok(Math.abs(u - again[i]) < 1e-9, `package ${i + 1}: ${u} against ${again[i]}`));
  assert.deepEqual(await ranking(b, 'colour'), [['silver', 'red'], ['black'], ['white']]);

  // ---- a phone's width
  await b.setViewportSize({ width: 390, height: 844 });
  await b.screenshot({ path: path.join(ARTIFACTS, 'party-390.png'), fullPage: true });
  const overflow = await b.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the party page is ${overflow}px wider than a 390px screen`);

  assert.deepEqual(problems, []);
  await context.close();
});
