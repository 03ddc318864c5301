// End-to-end tests of the convener's choices in a real browser: a session
// of free-form rounds with partial agreements, negotiated by two parties in
// their own browser contexts and traced on the mediator page, and scenarios uploaded as zipped GENIUS
// folders (good and bad archives). Screenshots land in e2e/artifacts/.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS, BIN, ROOT, linkParams, openContext as open, shownPackage, startAll, waitContains,
  waitLive, waitText, request as call,
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

const openContext = (name, problems, tokens) => open(browser, name, problems, tokens);

/** Creates a session on the convener page; returns the invitation links by party and the admin link. */
async function createOnConvenerPage(c) {
  await c.click('#create');
  await c.locator('[data-testid="invite-link"]').first().waitFor();
  const links = Object.fromEntries(await c.$$eval('[data-testid="invite-link"]', (inputs) =>
    inputs.map((i) => [i.dataset.party, i.value])));
  const admin = await c.inputValue('[data-testid="mediator-link"]');
  return { links, admin };
}

// Ada = .5 site + .3 date + .2 budget; Bo = .2 site + .3 date + .5 budget.
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
`;

/** Chooses values in the partial-offer form (choosing ticks the issue). */
async function propose(page, pkg) {
  for (const [issue, value] of Object.entries(pkg)) {
    await page.selectOption(`select[data-partial-issue="${issue}"]`, value);
  }
}

const proposalBy = (party) => `[data-testid="proposal"][data-party="${party}"]`;

test('two parties settle issues round by round and keep a partial agreement at the deadline', async () => {
  const problems = [];
  const tokens = [];

  // ---- the convener chooses free-form rounds, two rounds, suggestions
  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/`);
  await c.fill('#scenario', OFFICE);
  await c.selectOption('#protocol', 'partial_rounds');
  await waitContains(c, '#protocol-hint', 'a proposal everyone accepts settles its issues');
  await waitContains(c, '#deadline-hint', 'partial agreement');
  await c.fill('#deadline', '2');
  await c.selectOption('#privacy', 'full');
  await c.check('#auto-suggest');
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-partial-setup.png'), fullPage: true });
  const { links, admin } = await createOnConvenerPage(c);
  assert.deepEqual(Object.keys(links), ['Ada', 'Bo']);
  for (const link of [...Object.values(links), admin]) tokens.push(linkParams(link).token);
  await waitText(c, '[data-testid="round"]', 'Round 1 of 2');
  await waitText(c, '[data-testid="turn"]', 'anyone');
  await waitText(c, '[data-testid="settled"]', 'No issue settled yet.');

  const ada = await openContext('ada', problems, tokens);
  const bo = await openContext('bo', problems, tokens);
  const a = ada.page;
  const b = bo.page;
  await a.goto(links.Ada);
  await b.goto(links.Bo);
  for (const page of [a, b]) {
    await waitText(page, '[data-testid="round"]', 'Round 1 of 2');
    await waitText(page, '[data-testid="open-issues"]', 'site, date, budget');
    assert.ok(await page.isHidden('#compose-card'), 'no full-package form in free-form rounds');
    assert.ok(await page.isHidden('#standing-card'), 'no standing offer in free-form rounds');
    await waitLive(page);
  }

  // ---- round 1: Ada proposes the site, Bo the date and the budget
  await propose(a, { site: 'centre' });
  await waitText(a, '#partial-utility', '+0.250');
  await a.click('#send-proposal');
  await waitContains(a, '#notice', 'Proposal sent');
  await waitContains(a, '[data-testid="turn"]', 'Your proposal is on the table');
  assert.ok(await a.isDisabled('#send-proposal'), 'one proposal per round');
  await propose(b, { date: 'summer', budget: 'low' });
  await waitText(b, '#partial-utility', '+0.800');
  await b.click('#send-proposal');

  // each sees every proposal with its own utility only
  await waitText(b, `${proposalBy('Ada')} [data-testid="proposal-utility"]`, '+0.100');
  await waitText(a, `${proposalBy('Bo')} [data-testid="proposal-utility"]`, '+0.150');
  await waitText(a, `${proposalBy('Ada')} [data-testid="proposal-utility"]`, '+0.250');
  await waitText(b, `${proposalBy('Bo')} [data-testid="proposal-utility"]`, '+0.800');
  assert.ok(!(await a.textContent('#proposals')).includes('0.800'), 'Ada sees Bo\'s utility');
  assert.ok(!(await b.textContent('#proposals')).includes('0.250'), 'Bo sees Ada\'s utility');
  assert.equal(await a.locator(`${proposalBy('Ada')} button`).count(), 0, 'no accepting one\'s own proposal');

  // Bo accepts Ada's proposal: the site is settled for both
  await b.click(`${proposalBy('Ada')} button[data-accept]`);
  for (const [page, mine] of [[a, '0.250'], [b, '0.100']]) {
    await waitText(page, '[data-testid="settled"] td[data-issue="site"]', 'centre');
    await waitText(page, '[data-testid="settled-utility"]', mine);
    await waitText(page, '[data-testid="open-issues"]', 'date, budget');
    await waitContains(page, `${proposalBy('Ada')}`, 'Settled');
  }
  // Bo's proposal, worth .15 to Ada, .40 with the settled site (counted once)
  await waitText(a, `${proposalBy('Bo')} [data-testid="proposal-total"]`, '0.400');
  await waitText(a, `${proposalBy('Ada')} [data-testid="proposal-total"]`, '0.250');
  await a.screenshot({ path: path.join(ARTIFACTS, 'party-partial-round1.png'), fullPage: true });

  // both close their part of the round; Bo's proposal lapses
  await a.click('#close-round');
  await waitContains(a, '[data-testid="turn"]', 'You closed your part of round 1. Waiting for Bo.');
  await b.click('#close-round');

  // ---- round 2: the settled site is carried over; suggestions arrived
  for (const page of [a, b]) {
    await waitText(page, '[data-testid="round"]', 'Round 2 of 2');
    await waitText(page, '[data-testid="settled"] td[data-issue="site"]', 'centre');
    await waitText(page, '#proposals', 'No proposal yet this round.');
    await waitContains(page, '[data-testid="auto-suggestions"]', 'After round 1');
    await page.locator('[data-testid="nash"]').waitFor();
  }
  assert.equal(await a.locator('select[data-partial-issue="site"]').count(), 0, 'a settled issue is not proposed again');
  await waitText(c, '[data-testid="settled"]', 'Settled so far: site centre');
  await waitText(c, '[data-testid="round"]', 'Round 2 of 2');

  await propose(a, { date: 'spring' });
  await waitText(a, '#partial-utility', '+0.300');
  await waitText(a, '#partial-total', '0.550 with the settled issues');
  await a.click('#send-proposal');
  await waitText(b, `${proposalBy('Ada')} [data-testid="proposal-utility"]`, '+0.000');
  // Bo does not accept; both close the last round
  await b.click('#close-round');
  await a.click('#close-round');

  // ---- the deadline: the settled site stands as a partial agreement
  for (const [page, mine] of [[a, '0.250'], [b, '0.100']]) {
    await waitText(page, '[data-testid="status"]', 'Ended');
    await waitText(page, '[data-testid="turn"]', 'The negotiation ended with a partial agreement on site.');
    assert.deepEqual(await shownPackage(page, '[data-testid="partial-agreement"]'), { site: 'centre' });
    await waitText(page, '[data-testid="settled-utility"]', mine);
    await waitContains(page, '[data-testid="partial-result"]', 'date, budget were left open');
    assert.ok(await page.isHidden('#partial-compose-card'), 'no proposals after the end');
  }
  await waitText(c, '#progress-status [data-testid="status"]', 'Ended');
  assert.deepEqual(await shownPackage(c, '[data-testid="partial-agreement"]'), { site: 'centre' });
  await waitContains(c, '[data-testid="move-log"]', 'accepted proposal');
  await waitContains(c, '[data-testid="move-log"]', 'settles site centre');
  await waitContains(c, '[data-testid="move-log"]', 'closed the round');

  // ---- the mediator page traces the proposals round by round (packages
  // only: nobody disclosed, so no utility space)
  const mediator = await openContext('mediator', problems, tokens);
  const m = mediator.page;
  await m.goto(admin);
  await waitText(m, '[data-testid="status"]', 'Ended');
  await waitText(m, '#trace-title', 'Proposal trace');
  assert.deepEqual(await shownPackage(m, '[data-testid="partial-agreement"]'), { site: 'centre' });
  await waitContains(m, '[data-testid="partial-result"]', 'date, budget left open');
  await waitText(m, '[data-testid="proposal-count"]', '3');
  assert.equal(await m.locator('#trace svg').count(), 3, 'one trace per issue proposed');
  assert.equal(await m.locator('[data-testid="traced-proposal"]').count(), 3);
  const settledRow = m.locator('[data-testid="traced-proposal"][data-state="settled"]');
  assert.equal(await settledRow.count(), 1);
  await waitContains(m, '[data-testid="traced-proposal"][data-state="settled"]', 'site centre');
  await waitContains(m, '[data-testid="traced-proposal"][data-state="settled"]', 'Ada, Bo');
  await waitContains(m, '[data-testid="traced-proposal"][data-party="Bo"]', 'date summer · budget low');
  assert.equal(await m.locator('[data-testid="traced-proposal"][data-state="lapsed"]').count(), 2);
  await waitContains(m, '[data-testid="round-head"][data-round="0"]', 'settled site centre; closed by Ada, Bo');
  await waitContains(m, '[data-testid="round-head"][data-round="1"]', 'closed by Bo, Ada');
  await m.locator('[data-testid="space-note"]').waitFor();
  assert.ok(!/\d\.\d{3}/.test(await m.textContent('#moves')), 'no utilities in the trace');

  await a.screenshot({ path: path.join(ARTIFACTS, 'party-partial-ended.png'), fullPage: true });
  await b.screenshot({ path: path.join(ARTIFACTS, 'party-partial-bo.png'), fullPage: true });
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-partial.png'), fullPage: true });
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediator-partial.png'), fullPage: true });
  assert.deepEqual(problems, []);
  for (const ctx of [convener, ada, bo, mediator]) await ctx.context.close();
});

/** A JSON request to the server; returns the parsed body (status checked). */
const request = (method, url, token, body, want = 200) => call(baseUrl, method, url, token, body, want);

test('the scenario\'s mediator sees a partial-rounds session in the utility space once both disclose', async () => {
  const problems = [];
  const created = await request('POST', `${baseUrl}/sessions`, null,
    { scenario_toml: `${OFFICE}\n[[parties]]\nname = "Mia"\nrole = "mediator"\n`, protocol: 'partial_rounds', deadline_rounds: 3 }, 201);
  const [ada, bo] = created.invitations.map((i) => i.token);
  const mia = created.viewers[0].token;
  const base = `${baseUrl}/sessions/${created.session_id}`;
  for (const token of [ada, bo]) await request('PUT', `${base}/disclosure`, token, { disclose: true });
  // Ada proposes the site, Bo the date and budget; Bo accepts Ada's.
  const p = await request('POST', `${base}/moves`, ada, { kind: 'offer', offer: { site: 'centre' } });
  await request('POST', `${base}/moves`, bo, { kind: 'offer', offer: { date: 'summer', budget: 'low' } });
  await request('POST', `${base}/moves`, bo, { kind: 'accept', proposal: p.seq });

  const mediator = await openContext('mediator', problems, [ada, bo, mia, created.admin_token]);
  const m = mediator.page;
  await m.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${mia}`);
  await waitText(m, '[data-testid="status"]', 'Open');
  await m.locator('[data-testid="space-plot"]').waitFor();
  assert.equal(await m.locator('[data-testid="space-offer"]').count(), 2, 'one dot per proposal');
  assert.equal(await m.locator('[data-testid="space-standing"]').count(), 1, 'a ring for the settled issues');
  await waitContains(m, '#space', 'each proposal\'s worth from its own issues');
  await waitText(m, '[data-testid="settled"]', 'site centre');
  assert.equal(await m.locator('[data-testid="traced-proposal"][data-state="open"]').count(), 1);
  await waitText(m, '[data-testid="disclosure-mediator"]', 'Mia (you)');
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediator-partial-space.png'), fullPage: true });
  // The scenario names a mediator: the convener is not it, and its pages say whose the space is.
  const convener = await openContext('convener', problems, [ada, bo, mia, created.admin_token]);
  const c = convener.page;
  await c.goto(`${baseUrl}/#session=${created.session_id}&token=${created.admin_token}`);
  await waitContains(c, '[data-testid="party-mediates"]', 'The scenario\'s mediator, Mia, receives the preferences');
  await waitText(c, '#mediation [data-testid="disclosed"]', 'Ada, Bo');
  assert.equal(await c.locator('[data-testid="open-mediator-view"]').count(), 0);
  await c.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${created.admin_token}`);
  await waitContains(c, '[data-testid="not-mediator"]', 'only Mia sees the utility space');
  assert.equal(await c.locator('[data-testid="space-plot"]').count(), 0);
  assert.deepEqual(problems.filter((p) => !/^convener: request failed: \S+ net::ERR_ABORTED$/.test(p)), []);
  await mediator.context.close();
  await convener.context.close();
});

/**
 * A small GENIUS folder to zip: the Laptop domain of the shared test
 * scenarios when they are beside the repository, else the car-purchase
 * example exported by `pactum convert --to genius` into a temporary folder.
 */
function geniusFolder() {
  const shared = path.resolve(ROOT, '..', 'shared', 'scenarios', 'genius', 'misc', 'Laptop');
  if (existsSync(shared)) return shared;
  console.log(`${shared} is absent: exporting examples/car-purchase.toml with pactum convert --to genius`);
  const out = path.join(workDir, 'Car purchase');
  const run = spawnSync(BIN, ['convert', path.join(ROOT, 'examples', 'car-purchase.toml'), '--to', 'genius', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return out;
}

test('the convener uploads a zipped GENIUS folder, and bad archives are explained', async () => {
  const problems = [];
  const convener = await openContext('convener', problems, []);
  const c = convener.page;
  await c.goto(`${baseUrl}/`);

  // ---- a file that is not a zip archive
  await c.setInputFiles('#zip', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a zip archive') });
  await waitContains(c, '[data-testid="zip-status"]', 'broken.zip');
  assert.ok(await c.isDisabled('#scenario'), 'the text is not used while an archive is chosen');
  // the choice can be undone
  await c.click('#zip-clear');
  assert.ok(await c.isHidden('[data-testid="zip-status"]'));
  assert.ok(await c.isEnabled('#scenario'));
  await c.setInputFiles('#zip', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a zip archive') });
  await c.click('#create');
  await waitContains(c, '[data-testid="zip-status"]', 'broken.zip was not accepted: not a zip archive');
  await waitContains(c, '#notice', 'broken.zip was not accepted');
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-zip-error.png'), fullPage: true });

  // ---- an archive without scenario files
  await c.setInputFiles('#zip', { name: 'notes.zip', mimeType: 'application/zip', buffer: zipFiles([['notes/readme.txt', 'no scenario here']]) });
  await waitContains(c, '[data-testid="zip-status"]', 'notes.zip (');
  await c.click('#create');
  await waitContains(c, '[data-testid="zip-status"]', 'notes.zip was not accepted: no .xml or .json files');

  // ---- an archive too large to send is refused before sending
  await c.setInputFiles('#zip', { name: 'huge.zip', mimeType: 'application/zip', buffer: Buffer.alloc(200 * 1024) });
  await waitContains(c, '[data-testid="zip-status"]', 'huge.zip is 200.0 KB; archives up to 190.0 KB can be uploaded');
  await c.click('#create');
  await waitContains(c, '#notice', 'The chosen archive cannot be uploaded');
  assert.ok(await c.isVisible('#setup'), 'no session was created');

  // ---- a GENIUS folder, zipped in its folder
  const folder = geniusFolder();
  const name = path.basename(folder);
  const files = readdirSync(folder).filter((f) => f.endsWith('.xml')).sort();
  const domain = files.find((f) => readFileSync(path.join(folder, f), 'utf8').includes('<negotiation_template'));
  assert.ok(domain, `no domain file in ${folder}`);
  const profiles = files.filter((f) => f !== domain && f !== 'pareto.xml').map((f) => path.basename(f, '.xml'));
  const issues = [...readFileSync(path.join(folder, domain), 'utf8').matchAll(/<issue\b[^>]*\sname="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(issues.length >= 2, `issues of ${domain}: ${issues}`);
  const archive = zipFiles(files.map((f) => [`${name}/${f}`, readFileSync(path.join(folder, f))]));
  await c.setInputFiles('#zip', { name: `${name}.zip`, mimeType: 'application/zip', buffer: archive });
  await waitContains(c, '[data-testid="zip-status"]', `${name}.zip (`);
  await waitContains(c, '[data-testid="zip-status"]', 'will be read by the server as a GENIUS or GeniusWeb folder');
  await c.fill('#deadline', '4');
  await c.screenshot({ path: path.join(ARTIFACTS, 'convener-zip.png'), fullPage: true });
  const { links } = await createOnConvenerPage(c);
  assert.deepEqual(Object.keys(links).sort(), [...profiles].sort());
  await waitText(c, '[data-testid="round"]', 'Round 1 of 4');

  // the first party's page shows its own preferences over the domain's issues
  const first = Object.keys(links)[0];
  const party = await openContext('party', problems, Object.values(links).map((l) => linkParams(l).token));
  const p = party.page;
  await p.goto(links[first]);
  await waitText(p, '#me-party', first);
  for (const issue of issues) await p.locator(`.issue[data-issue="${issue}"]`).waitFor();
  await p.screenshot({ path: path.join(ARTIFACTS, 'party-zip.png'), fullPage: true });

  // Chromium reports the refused uploads (HTTP 422) as console errors.
  assert.deepEqual(problems.filter((m) => !/status of 422/.test(m)), []);
  for (const ctx of [convener, party]) await ctx.context.close();
});
