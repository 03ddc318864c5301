// The convener's desk in a real browser: every built-in example offered;
// scenarios uploaded as native TOML, native JSON and zipped GENIUS and
// GeniusWeb folders (made here by `pactum convert`); the list of one's
// sessions kept in the browser across a reload and removable; a time limit
// counting down on the convener, party and mediator pages; copy buttons for
// every link; and the agreement document with every issue and the
// certificate's hash.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS, BIN, ROOT, linkParams, openContext as open, startAll, waitContains, waitText, request,
} from '../lib/harness.js';
import { zipFiles } from '../lib/zip.js';

let baseUrl;
let browser;
let workDir;
let stop;

before(async () => {
  ({ baseUrl, browser, workDir, stop } = await startAll());
});

after(async () => {
  if (stop) await stop();
});

/** A JSON request to this test's server (status checked). */
const api = (method, url, token, body) => request(baseUrl, method, url, token, body);

/** `pactum convert --to FORMAT` of an example into the work folder; the output's path. */
function convert(example, format, out) {
  const target = path.join(workDir, out);
  const run = spawnSync(BIN, ['convert', '--to', format, path.join(ROOT, 'examples', `${example}.toml`), target], { encoding: 'utf8' });
  assert.equal(run.status, 0, `pactum convert: ${run.stderr}`);
  return target;
}

/** A folder zipped inside a folder of its own name. */
function zipFolder(folder) {
  const name = path.basename(folder);
  return zipFiles(readdirSync(folder).sort().map((f) => [`${name}/${f}`, readFileSync(path.join(folder, f))]));
}

/** Creates the session set up on the convener page; the invitation links by party. */
async function createHere(c) {
  await c.click('#create');
  await c.locator('#session').waitFor();
  const links = {};
  for (const input of await c.$$('[data-testid="invite-link"]')) links[await input.getAttribute('data-party')] = await input.inputValue();
  return links;
}

/** Back to the setup form (the desk shows there). */
async function backToSetup(c) {
  await c.click('#new-session');
  await c.locator('#setup').waitFor();
}

const deskTitles = (c) => c.$$eval('[data-testid="desk-session"] [data-testid="desk-open"]', (as) => as.map((a) => a.textContent));

test('the convener\'s desk: examples, uploads, the list of sessions, time limits, copy buttons and the agreement document', async () => {
  const problems = [];
  const convener = await open(browser, 'convener', problems, []);
  const c = convener.page;
  await convener.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  await c.goto(baseUrl);
  await waitContains(c, '[data-testid="desk"]', 'Sessions you convene here are listed');

  // ---- every built-in negotiation example is offered and loads (a
  // `*-conflict.toml` is a conflict model for `pactum conflict`, not a scenario)
  const examples = readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.toml') && !f.endsWith('-conflict.toml'))
    .map((f) => f.slice(0, -5)).sort();
  const offered = await c.$$eval('#example option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual([...offered].sort(), examples);
  for (const name of examples) {
    await c.selectOption('#example', name);
    const want = readFileSync(path.join(ROOT, 'examples', `${name}.toml`), 'utf8');
    await c.waitForFunction((w) => document.getElementById('scenario').value === w, want);
  }

  // ---- a native TOML file with a time limit of 5 minutes; the countdown runs
  await c.setInputFiles('#file', { name: 'car.toml', mimeType: 'text/plain', buffer: readFileSync(path.join(ROOT, 'examples', 'car-purchase.toml')) });
  await c.waitForFunction(() => document.getElementById('scenario').value.includes('name = "Car purchase"'));
  await c.fill('#deadline', '6');
  await c.fill('#deadline-minutes', '0');
  await c.click('#create');
  await waitContains(c, '#notice', 'The time limit must be between 1 second and 30 days');
  await c.fill('#deadline-minutes', '5');
  const links = await createHere(c);
  assert.deepEqual(Object.keys(links), ['Buyer', 'Dealer']);
  await c.locator('[data-testid="countdown"]:not([hidden])').waitFor();
  const left = async (page) => Number(await page.getAttribute('[data-testid="countdown"]', 'data-left-ms'));
  const first = await left(c);
  assert.ok(first > 290_000 && first <= 300_000, `${first} ms left`);
  assert.match(await c.textContent('[data-testid="countdown"]'), /^⏱ [45]:\d\d left$/);
  // It ticks once a second: two ticks at least in 2.1 s.
  await c.waitForTimeout(2100);
  const second = await left(c);
  assert.ok(second <= first - 1500, `the countdown went from ${first} to ${second}`);
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-countdown.png'), fullPage: true });

  // ---- copy buttons: each link goes to the clipboard as shown
  for (const row of await c.$$('#links .link-row')) {
    const input = await row.$('input');
    const button = await row.$('button[data-copy]');
    assert.ok(button, 'every link has a copy button');
    await button.click();
    await c.waitForFunction((b) => b.textContent === 'Copied', button);
    assert.equal(await c.evaluate(() => navigator.clipboard.readText()), await input.inputValue());
  }

  // ---- the party and mediator pages count down too
  const tokens = Object.values(links).map((l) => linkParams(l).token);
  const buyer = await open(browser, 'buyer', problems, tokens);
  const b = buyer.page;
  await b.goto(links.Buyer);
  await waitText(b, '#me-party', 'Buyer');
  await b.locator('[data-testid="countdown"]:not([hidden])').waitFor();
  const partyFirst = await left(b);
  await b.waitForTimeout(1200);
  assert.ok(await left(b) < partyFirst, 'the party page counts down');
  const mediatorLink = await c.inputValue('[data-testid="mediator-link"]');
  const admin = linkParams(mediatorLink).token;
  const mediator = await open(browser, 'mediator', problems, [admin]);
  await mediator.page.goto(mediatorLink);
  await mediator.page.locator('[data-testid="countdown"]:not([hidden])').waitFor();
  assert.match(await mediator.page.textContent('[data-testid="countdown"]'), /^⏱ [45]:\d\d left$/);

  // ---- the session reaches an agreement; its document
  const { session } = linkParams(links.Buyer);
  const offer = { price: 21000, warranty: 2, colour: 'silver', delivery: 4 };
  await api('POST', `/sessions/${session}/moves`, linkParams(links.Buyer).token, { kind: 'offer', offer });
  await api('POST', `/sessions/${session}/moves`, linkParams(links.Dealer).token, { kind: 'accept' });
  await c.locator('[data-testid="agreement-document"]').waitFor();
  assert.ok(await c.isHidden('[data-testid="countdown"]'), 'no countdown once the negotiation is over');
  await b.locator('[data-testid="countdown"]').waitFor({ state: 'hidden', timeout: 20_000 });
  const docLink = await c.getAttribute('[data-testid="agreement-document"]', 'href');
  const d = (await open(browser, 'document', problems, [admin])).page;
  await d.goto(docLink);
  await d.locator('[data-testid="agreement-terms"]').waitFor();
  const terms = await d.$$eval('[data-testid="agreement-terms"] tbody tr', (rows) => rows.map((r) => [r.dataset.issue, r.querySelector('[data-testid="agreed-value"]').textContent, r.lastElementChild.textContent]));
  assert.deepEqual(terms, [
    ['price', '21000', 'Price in euros; analysed at 18000, 18500, …, 24000.'],
    ['warranty', '2', 'Extended warranty, in years.'],
    ['colour', 'silver', ''],
    ['delivery', '4', 'Weeks until the car is handed over.'],
  ]);
  const record = await api('GET', `/sessions/${session}/record`, admin);
  const certificate = record.events.find((e) => e.event.type === 'certificate');
  assert.ok(certificate, 'the record holds the certificate');
  await waitText(d, '[data-testid="certificate-hash"]', certificate.hash);
  assert.deepEqual(await d.$$eval('[data-testid="agreement-parties"] li', (li) => li.map((x) => x.textContent)), ['Buyer (negotiator)', 'Dealer (negotiator)', 'Bank (observer)']);
  assert.match(await d.textContent('[data-testid="agreement-date"]'), /^\d{4}-\d\d-\d\d$/);
  const [download] = await Promise.all([d.waitForEvent('download'), d.click('#save-md')]);
  const md = readFileSync(await download.path(), 'utf8');
  assert.ok(md.startsWith('# Agreement: Car purchase\n'), md);
  for (const [issue, value] of terms) assert.ok(md.includes(`| ${issue} | ${value} |`), `${issue} in ${md}`);
  assert.ok(md.includes(certificate.hash));
  const [html] = await Promise.all([d.waitForEvent('download'), d.click('#save-html')]);
  const page = readFileSync(await html.path(), 'utf8');
  assert.ok(page.startsWith('<!doctype html>') && page.includes(certificate.hash) && page.includes('Weeks until the car is handed over.'));
  await d.emulateMedia({ media: 'print' });
  assert.ok(await d.isHidden('#tools'), 'the print shows the document only');
  await d.screenshot({ path: path.join(ARTIFACTS, 'agreement-print.png'), fullPage: true });

  // ---- native JSON, zipped GeniusWeb and zipped GENIUS folders
  await backToSetup(c);
  const json = readFileSync(convert('labour-contract', 'json', 'labour.json'));
  await c.setInputFiles('#file', { name: 'labour.json', mimeType: 'application/json', buffer: json });
  await c.waitForFunction(() => document.getElementById('scenario').value.trimStart().startsWith('{'));
  assert.deepEqual(Object.keys(await createHere(c)), ['Union', 'Employer']);
  for (const [format, out] of [['geniusweb', 'Labour GW'], ['genius', 'Labour G']]) {
    await backToSetup(c);
    const folder = convert('labour-contract', format, out);
    await c.setInputFiles('#zip', { name: `${out}.zip`, mimeType: 'application/zip', buffer: zipFolder(folder) });
    await waitContains(c, '[data-testid="zip-status"]', `${out}.zip (`);
    assert.deepEqual(Object.keys(await createHere(c)).sort(), ['Employer', 'Union'], format);
  }

  // ---- the desk lists every session, newest first, across a reload; one is removed
  await backToSetup(c);
  const titles = ['Labour G', 'Labour GW', 'Labour contract renewal', 'Car purchase'];
  assert.deepEqual(await deskTitles(c), titles);
  await c.reload();
  await c.locator('[data-testid="desk-session"]').first().waitFor();
  assert.deepEqual(await deskTitles(c), titles);
  await c.click(`[data-testid="desk-session"][data-session="${session}"] [data-remove]`);
  assert.deepEqual(await deskTitles(c), titles.slice(0, 3));
  await c.reload();
  await c.locator('[data-testid="desk-session"]').first().waitFor();
  assert.deepEqual(await deskTitles(c), titles.slice(0, 3));
  // An entry's link reopens its session's progress.
  await c.click('[data-testid="desk-session"]:first-child [data-testid="desk-open"]');
  await c.locator('#session').waitFor();
  await waitContains(c, '[data-testid="negotiators"]', 'Union');

  // ---- a phone's width
  await backToSetup(c);
  await c.setViewportSize({ width: 390, height: 844 });
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-390.png'), fullPage: true });
  const overflow = await c.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the convener page is ${overflow}px wider than a 390px screen`);

  // Leaving a session's view (another session, a reload) stops its event stream.
  assert.deepEqual(problems.filter((m) => !/^convener: request failed: \S+\/events net::ERR_ABORTED$/.test(m)), []);
});
