// Browser tests of mediation: the convener is the session's mediator when
// the scenario names none, and receives the disclosed preferences; every
// page shows who has disclosed (never what) at load and live; the
// preferences form shows rounded numbers and offers to rescale weights that
// do not sum to 1; the mediator page keeps the scenario's issue and option
// order, shows value names in full, clips no log, and counts moves as the
// convener's page does. Screenshots land in e2e/artifacts/.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, TIMEOUT, linkParams, openContext as open, startAll, waitContains, waitLive, waitText, request,
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

/** Waits until the page's event stream has delivered an event named `name`. */
async function waitEvent(page, name) {
  await page.waitForFunction((n) => document.documentElement.dataset.lastEvent === n, name, { timeout: TIMEOUT });
}

/** A JSON request to this test's server (status checked). */
const api = (method, url, token, body) => request(baseUrl, method, url, token, body);

test('the convener mediates when the scenario names no mediator; every page shows who discloses, live', async () => {
  const problems = [];
  const tokens = [];
  // ---- the convener creates the car purchase (Buyer, Dealer, the observer Bank; no mediator)
  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/`);
  await c.selectOption('#example', 'car-purchase');
  await c.waitForFunction(() => document.querySelector('#scenario').value.includes('name = "Car purchase"'));
  await c.click('#create');
  await c.locator('[data-testid="invite-link"]').first().waitFor();
  const links = Object.fromEntries(await c.$$eval('[data-testid="invite-link"]', (inputs) =>
    inputs.map((i) => [i.dataset.party, i.value])));
  const adminLink = await c.inputValue('[data-testid="mediator-link"]');
  const [[, bankLink]] = await c.$$eval('[data-testid="viewer-link"]', (inputs) => inputs.map((i) => [i.dataset.party, i.value]));
  for (const link of [...Object.values(links), adminLink, bankLink]) tokens.push(linkParams(link).token);

  // The convener's page says it mediates, and nobody has disclosed yet.
  await c.locator('[data-testid="you-mediate"]').waitFor();
  await waitText(c, '#mediation [data-testid="disclosure-mediator"]', 'the convener (you)');
  await waitText(c, '#mediation [data-testid="disclosed"]', 'nobody yet');
  await waitText(c, '#mediation [data-testid="not-disclosed"]', 'Buyer, Dealer');
  assert.equal(await c.getAttribute('[data-testid="open-mediator-view"]', 'href'), adminLink);

  // ---- the parties, the convener's mediator view and the observer's view
  const pages = {};
  for (const [name, link] of [['buyer', links.Buyer], ['dealer', links.Dealer], ['admin-view', adminLink], ['bank-view', bankLink]]) {
    const ctx = await openContext(name, problems, tokens);
    await ctx.page.goto(link);
    pages[name] = ctx;
  }
  const b = pages.buyer.page;
  const d = pages.dealer.page;
  const av = pages['admin-view'].page;
  const bv = pages['bank-view'].page;
  // At load: the state, the mediator named.
  await waitText(b, '#disclosure-list [data-testid="disclosure-mediator"]', 'the convener');
  await waitContains(b, '#disclosure-state', 'You do not disclose your preferences. Disclosing lets the convener, who mediates');
  await waitText(d, '#disclosure-list [data-testid="disclosed"]', 'nobody yet');
  await waitContains(av, '[data-testid="space-note"]', 'the session\'s mediator (the convener, as the scenario names none)');
  await waitText(bv, '[data-testid="disclosed"]', 'nobody yet');
  for (const page of [c, b, d, av, bv]) await waitLive(page);

  // ---- Buyer discloses: every other page learns it from its event stream
  await b.click('#disclose');
  await waitContains(b, '#disclosure-state', 'You disclose your preferences to the convener, who mediates (the scenario names no mediator); not every negotiator does yet.');
  await waitText(b, '#disclosure-list [data-testid="disclosed"]', 'Buyer (you)');
  for (const [page, selector] of [[c, '#mediation [data-testid="disclosed"]'], [d, '#disclosure-list [data-testid="disclosed"]'],
    [av, '[data-testid="disclosed"]'], [bv, '[data-testid="disclosed"]']]) {
    await waitEvent(page, 'disclosure');
    await waitText(page, selector, 'Buyer');
  }
  await waitText(d, '#disclosure-list [data-testid="not-disclosed"]', 'Dealer (you)');
  assert.equal(await av.locator('[data-testid="space-plot"]').count(), 0, 'no utility space before everyone discloses');

  // ---- Dealer discloses too: the convener's mediator view shows the utility space, live
  await d.click('#disclose');
  await waitContains(d, '#disclosure-state', 'so does every negotiator');
  await av.locator('[data-testid="space-plot"]').waitFor();
  await waitText(av, '[data-testid="disclosed"]', 'Buyer, Dealer');
  await c.locator('[data-testid="all-disclosed"]').waitFor();
  await waitText(c, '#mediation [data-testid="not-disclosed"]', 'nobody');
  // The observer sees who disclosed, not the space, and is told whose it is.
  await waitText(bv, '[data-testid="disclosed"]', 'Buyer, Dealer');
  await waitContains(bv, '[data-testid="not-mediator"]', 'only the convener sees the utility space');
  assert.equal(await bv.locator('[data-testid="space-plot"]').count(), 0);
  // Buyer's page learns that everyone now discloses.
  await waitContains(b, '#disclosure-state', 'so does every negotiator');
  await av.screenshot({ path: path.join(ARTIFACTS, 'mediation-convener-space.png'), fullPage: true });
  await c.screenshot({ path: path.join(ARTIFACTS, 'mediation-convener.png'), fullPage: true });
  await b.screenshot({ path: path.join(ARTIFACTS, 'mediation-buyer.png'), fullPage: true });

  // ---- Dealer withdraws: the space goes, everywhere it is told
  await d.click('#withdraw');
  await av.locator('[data-testid="space-note"]').waitFor();
  assert.equal(await av.locator('[data-testid="space-plot"]').count(), 0);
  await waitText(c, '#mediation [data-testid="disclosed"]', 'Buyer');
  await waitText(b, '#disclosure-list [data-testid="not-disclosed"]', 'Dealer');

  // ---- a page reopened shows the state at load
  const before = problems.length;
  await d.reload();
  await waitText(d, '#disclosure-list [data-testid="disclosed"]', 'Buyer');
  // The reload cuts off the old page's stream and any request in flight: expected.
  problems.splice(before, Infinity, ...problems.slice(before).filter((p) => !/^dealer: request failed: \S+ net::ERR_ABORTED$/.test(p)));
  assert.equal(await d.getAttribute('#disclosure-state', 'data-disclose'), 'false');
  assert.ok(await d.isDisabled('#withdraw'));
  assert.ok(!(await d.isDisabled('#disclose')));
  await bv.screenshot({ path: path.join(ARTIFACTS, 'mediation-observer.png'), fullPage: true });

  assert.deepEqual(problems, []);
  for (const ctx of [convener, ...Object.values(pages)]) await ctx.context.close();
});

test('the preferences form shows rounded numbers and rescales weights that do not sum to 1', async () => {
  const problems = [];
  const scenario = await (await fetch(`${baseUrl}/ui/examples/car-purchase.toml`)).text();
  const created = await api('POST', '/sessions', undefined, { scenario_toml: scenario, protocol: 'alternating_offers', deadline_rounds: 6 });
  const token = created.invitations[0].token;
  const me = await api('GET', `/sessions/${created.session_id}/me`, token);
  // Buyer's piecewise-linear price values carry binary noise (e.g. 0.8500000000000001).
  const raw = me.preferences.issues.flatMap((i) => (i.values || []).map((v) => v.utility));
  const noisy = raw.filter((u) => String(u).replace(/^0\./, '').length > 6);
  assert.ok(noisy.length, `the example has noisy numbers to round: ${raw.join(', ')}`);

  const buyer = await openContext('buyer', problems, [token]);
  const b = buyer.page;
  await b.goto(`${baseUrl}/party.html#session=${created.session_id}&token=${token}`);
  await b.click('#edit-prefs summary');
  const values = await b.$$eval('#edit-prefs-form input[type="number"]', (inputs) => inputs.map((i) => i.value));
  assert.ok(values.length > 20, `${values.length} fields`);
  for (const v of values) assert.match(v, /^(\d+(\.\d{1,4})?)?$/, `a field shows ${v}`);
  for (const u of noisy) {
    assert.ok(values.includes(String(Number(u.toFixed(4)))), `${u} is shown as ${Number(u.toFixed(4))}`);
    assert.ok(!values.includes(String(u)), `${u} is shown unrounded`);
  }
  // The example's weights sum to 1: no warning.
  assert.ok(await b.isHidden('[data-testid="weight-sum"]'));

  // Price's weight raised: the weights now sum to 1.1.
  await b.fill('[data-weight="price"]', '0.65');
  await waitText(b, '[data-testid="weight-sum-warning"]', '⚠ The weights sum to 1.1, not 1.');
  await b.locator('#edit-prefs-box').screenshot({ path: path.join(ARTIFACTS, 'preferences-weight-sum.png') });
  await b.click('#rescale-weights');
  const weights = await b.$$eval('[data-weight]', (inputs) => inputs.map((i) => [i.dataset.weight, i.value]));
  assert.deepEqual(weights, [['price', '0.5909'], ['warranty', '0.1364'], ['colour', '0.0909'], ['delivery', '0.1818']]);
  assert.ok(await b.isHidden('[data-testid="weight-sum"]'), 'rescaled weights sum to 1');
  // A weight set to nothing at all cannot be rescaled.
  for (const issue of ['price', 'warranty', 'colour', 'delivery']) await b.fill(`[data-weight="${issue}"]`, '0');
  await waitContains(b, '[data-testid="weight-sum"]', 'The weights sum to 0');
  assert.equal(await b.locator('#rescale-weights').count(), 0);
  await b.fill('[data-weight="price"]', '2');
  await b.fill('[data-weight="colour"]', '2');
  await waitText(b, '[data-testid="weight-sum-warning"]', '⚠ The weights sum to 4, not 1.');
  await b.click('#rescale-weights');
  assert.deepEqual(await b.$$eval('[data-weight]', (inputs) => inputs.map((i) => i.value)), ['0.5', '0', '0.5', '0']);

  // Saved: the new weights, and every untouched value exactly as it was.
  await b.fill('[data-weight="price"]', '0.55');
  await b.fill('[data-weight="warranty"]', '0.15');
  await b.fill('[data-weight="colour"]', '0.1');
  await b.fill('[data-weight="delivery"]', '0.2');
  assert.ok(await b.isHidden('[data-testid="weight-sum"]'));
  await b.fill('[data-weight="price"]', '0.65');
  await b.click('#rescale-weights');
  await b.click('#save-prefs');
  await waitContains(b, '#notice', 'Your preferences are updated');
  await waitText(b, '.issue[data-issue="price"] .weight', 'weight 0.59');
  const after = await api('GET', `/sessions/${created.session_id}/me`, token);
  const sum = after.preferences.issues.reduce((a, i) => a + i.weight, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `weights sum to ${sum}`);
  const rawAfter = after.preferences.issues.flatMap((i) => (i.values || []).map((v) => v.utility));
  assert.deepEqual(rawAfter, raw, 'untouched values are saved exactly, not rounded');

  assert.deepEqual(problems, []);
  await buyer.context.close();
});

// Issues whose scenario order is not alphabetical, options with long names.
const LONG = ['first option with a rather long name', 'second option, long enough to be cut', 'third'];
const ORDER_SCENARIO = `
name = "Long names"

[[issues]]
name = "zeta term"
options = ["${LONG[0]}", "${LONG[1]}", "${LONG[2]}"]

[[issues]]
name = "alpha"
options = ["north", "south"]

[[issues]]
name = "middle"
type = "integer"
min = 1
max = 5

[[parties]]
name = "Ann"
weights = { "zeta term" = 0.5, alpha = 0.3, middle = 0.2 }
values."zeta term" = { "${LONG[0]}" = 1.0, "${LONG[1]}" = 0.5, "${LONG[2]}" = 0.0 }
values.alpha = { north = 1.0, south = 0.0 }
values.middle = { type = "linear", slope = 0.25, offset = -0.25 }

[[parties]]
name = "Ben"
weights = { "zeta term" = 0.4, alpha = 0.4, middle = 0.2 }
values."zeta term" = { "${LONG[0]}" = 0.0, "${LONG[1]}" = 0.5, "${LONG[2]}" = 1.0 }
values.alpha = { north = 0.0, south = 1.0 }
values.middle = { type = "linear", slope = -0.25, offset = 1.25 }
`;

/** The order in which `names` first appear in `text`. */
function orderIn(text, names) {
  return [...names].filter((n) => text.includes(n)).sort((p, q) => text.indexOf(p) - text.indexOf(q));
}

/** Whether the element shows all its content: nothing scrolled out of view, no max height. */
async function unclipped(page, selector) {
  return page.$eval(selector, (el) => {
    const style = getComputedStyle(el);
    return {
      maxHeight: style.maxHeight,
      overflowY: style.overflowY,
      hidden: el.scrollHeight - el.clientHeight,
    };
  });
}

test('the mediator page keeps the scenario\'s order, shows values in full, clips no log and counts moves as the convener\'s', async () => {
  const problems = [];
  const created = await api('POST', '/sessions', undefined, { scenario_toml: ORDER_SCENARIO, protocol: 'alternating_offers', deadline_rounds: 15 });
  const id = created.session_id;
  const [ann, ben] = created.invitations.map((i) => i.token);
  const tokens = [ann, ben, created.admin_token];
  // 20 offers, Ann and Ben in turn, then Ann accepts Ben's last one.
  for (let k = 0; k < 20; k++) {
    const offer = { 'zeta term': LONG[k % 3], alpha: k % 2 ? 'south' : 'north', middle: 1 + (k % 5) };
    await api('POST', `/sessions/${id}/moves`, k % 2 ? ben : ann, { kind: 'offer', offer });
  }
  await api('POST', `/sessions/${id}/moves`, ann, { kind: 'accept' });
  const record = await api('GET', `/sessions/${id}/record`, created.admin_token);
  // The log's seqs have gaps (created, and other entries between moves): not counts.
  assert.ok(record.events.at(-1).seq > 21, `last seq ${record.events.at(-1).seq}`);

  // ---- the convener's mediator view
  const mediator = await openContext('mediator', problems, tokens);
  const m = mediator.page;
  await m.goto(`${baseUrl}/mediator.html#session=${id}&token=${created.admin_token}`);
  await waitText(m, '[data-testid="status"]', 'Agreement');
  // Charts in the scenario's issue order.
  assert.deepEqual(await m.$$eval('#trace [data-issue]', (els) => els.map((e) => e.dataset.issue)), ['zeta term', 'alpha', 'middle']);
  // Option labels: full names (wrapped over lines, whole on hover), the scenario's order top down.
  const labels = await m.$$eval('#trace [data-issue="zeta term"] text[data-value]', (els) => els.map((e) => ({
    value: e.dataset.value,
    lines: [...e.querySelectorAll('tspan')].map((t) => t.textContent),
    hover: e.querySelector('title').textContent,
    top: e.getBoundingClientRect().top,
  })));
  assert.deepEqual(labels.map((l) => l.value).sort(), [...LONG].sort());
  for (const l of labels) {
    assert.equal(l.hover, l.value);
    assert.equal(l.lines.join(' '), l.value, `label lines ${JSON.stringify(l.lines)}`);
    assert.ok(!l.lines.join('').includes('…'), 'no label is cut');
  }
  assert.deepEqual([...labels].sort((p, q) => p.top - q.top).map((l) => l.value), LONG, 'options in the scenario\'s order, top down');
  // Every move in the log, numbered 1…21 (not by seq), none scrolled out of view.
  assert.equal(await m.locator('#moves [data-testid="move"]').count(), 21);
  const numbers = await m.$$eval('#moves [data-testid="move"] td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(numbers, Array.from({ length: 21 }, (_, i) => String(21 - i)));
  const log = await unclipped(m, '#moves');
  assert.equal(log.maxHeight, 'none');
  assert.ok(log.hidden <= 0, `the move log hides ${log.hidden}px`);
  const moveText = await m.textContent('#moves [data-testid="move"][data-kind="offer"]');
  assert.deepEqual(orderIn(moveText, ['zeta term', 'alpha', 'middle']), ['zeta term', 'alpha', 'middle']);
  await waitText(m, '[data-testid="move-count"]', '21 (20 offers)');
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-long-names.png'), fullPage: true });

  // ---- the convener's page, reopened in a fresh tab: the same count, the scenario's order
  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/#session=${id}&token=${created.admin_token}`);
  await waitText(c, '[data-testid="moves"]', '21');
  await c.locator('[data-testid="agreement"]').waitFor();
  const agreed = await c.$$eval('[data-testid="agreement"] th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(agreed, ['zeta term', 'alpha', 'middle']);
  const cNumbers = await c.$$eval('[data-testid="move-log"] [data-testid="move"] td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(cNumbers, numbers, 'both pages number the moves alike');
  const cLogText = await c.textContent('[data-testid="move-log"] [data-testid="move"]:nth-child(2)');
  assert.deepEqual(orderIn(cLogText, ['zeta term', 'alpha', 'middle']), ['zeta term', 'alpha', 'middle']);
  const cLog = await unclipped(c, '#progress .full-log');
  assert.equal(cLog.maxHeight, 'none');
  assert.ok(cLog.hidden <= 0, `the convener's move log hides ${cLog.hidden}px`);
  await c.screenshot({ path: path.join(ARTIFACTS, 'mediation-convener-reopened.png'), fullPage: true });

  assert.deepEqual(problems, []);
  for (const ctx of [mediator, convener]) await ctx.context.close();
});

test('the single-text draft trace is shown in full and counts votes as the convener\'s page', async () => {
  const problems = [];
  const created = await api('POST', '/sessions', undefined, { scenario_toml: ORDER_SCENARIO, protocol: 'single_text', deadline_rounds: 12 });
  const id = created.session_id;
  const [ann, ben] = created.invitations.map((i) => i.token);
  const tokens = [ann, ben, created.admin_token];
  let votes = 0;
  for (let k = 0; k < 12; k++) {
    const text = await api('GET', `/sessions/${id}/single_text`, ann);
    if (text.status !== 'open') break;
    await api('POST', `/sessions/${id}/votes`, ann, { accept: true, proposal: text.proposal });
    await api('POST', `/sessions/${id}/votes`, ben, { accept: k % 3 === 0, proposal: text.proposal });
    votes += 2;
  }
  assert.ok(votes >= 16, `${votes} votes`);
  const mediator = await openContext('mediator', problems, tokens);
  const m = mediator.page;
  await m.goto(`${baseUrl}/mediator.html#session=${id}&token=${created.admin_token}`);
  await waitText(m, '#trace-title', 'Draft trace');
  await m.locator('[data-testid="status"]').filter({ hasText: /Agreement|Ended/ }).waitFor();
  assert.deepEqual(await m.$$eval('[data-testid="drafts"] thead th', (ths) => ths.map((t) => t.textContent)),
    ['#', 'zeta term', 'alpha', 'middle', 'Result']);
  assert.equal(await m.locator('[data-testid="draft-row"]').count(), votes / 2 + 1, 'every proposal and the final text');
  const trace = await unclipped(m, '#trace > div');
  assert.equal(trace.maxHeight, 'none');
  assert.ok(trace.hidden <= 0, `the draft trace hides ${trace.hidden}px`);
  const voteLog = await unclipped(m, '#moves');
  assert.ok(voteLog.hidden <= 0, `the vote log hides ${voteLog.hidden}px`);
  // Long option names are in the cells whole.
  const cells = await m.$$eval('[data-testid="draft-row"] td[data-issue="zeta term"]', (tds) => tds.map((t) => t.textContent).join('\n'));
  assert.ok(cells.includes(LONG[0]) || cells.includes(LONG[1]), cells);
  await waitText(m, '[data-testid="move-count"]', `${votes} (votes on decided proposals)`);
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-single-text-long.png'), fullPage: true });

  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/#session=${id}&token=${created.admin_token}`);
  await waitText(c, '[data-testid="moves"]', String(votes));

  assert.deepEqual(problems, []);
  for (const ctx of [mediator, convener]) await ctx.context.close();
});
