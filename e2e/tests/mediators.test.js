// Browser tests of the single text's mediators and of words with moves: the
// convener creates the Istanbul example with the packages mediator; the
// mediator waits until Ukraine and Russia have locked their preferences,
// then both vote on its proposals in their own browsers until it stops on
// the frontier, and every page says so. Words sent with a vote — with a
// <script> in them — are shown to the other party as text, and the
// mediator's own message reaches both. Screenshots land in e2e/artifacts/.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, TIMEOUT, linkParams, openContext as open, startAll, waitContains, request,
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

/** A JSON request to this test's server (status checked). */
const api = (method, url, token, body) => request(baseUrl, method, url, token, body);

/** Waits until the page can vote ('vote') or the mediator has stopped ('over'). */
async function nextTurn(page) {
  const handle = await page.waitForFunction(() => {
    if (document.querySelector('[data-testid="text-stopped"]')) return 'over';
    const vote = document.getElementById('text-vote');
    return vote && !vote.hidden && !document.querySelector('[data-testid="my-vote"]') ? 'vote' : false;
  }, null, { timeout: TIMEOUT });
  return handle.jsonValue();
}

/**
 * Votes as a sincere negotiator (accept a proposal at least as good as the
 * draft) until the mediator stops; returns how many votes it cast and how
 * many of them accepted.
 */
async function voteUntilStopped(page) {
  let votes = 0;
  let accepted = 0;
  for (;;) {
    if (await nextTurn(page) === 'over') return { votes, accepted };
    const proposal = (await page.textContent('#text-proposal')).trim();
    const draft = Number((await page.textContent('[data-testid="draft-utility"]')).trim());
    const proposed = Number((await page.textContent('[data-testid="proposed-utility"]')).trim());
    const accept = Number.isNaN(draft) || proposed >= draft;
    await page.click(accept ? '#vote-accept' : '#vote-veto');
    votes += 1;
    accepted += accept ? 1 : 0;
    // The vote is in once the page shows it, or the next proposal.
    await page.waitForFunction((before) => !!document.querySelector('[data-testid="my-vote"]')
      || !!document.querySelector('[data-testid="text-stopped"]')
      || document.getElementById('text-proposal').textContent.trim() !== before, proposal, { timeout: TIMEOUT });
  }
}

test('the packages mediator waits for both locks, then Ukraine and Russia vote until it stops on the frontier; words show as text', async () => {
  const problems = [];
  const tokens = [];
  const convener = await openContext('convener', problems, tokens);
  const c = convener.page;
  await c.goto(`${baseUrl}/`);
  await c.selectOption('#example', 'istanbul-2025');
  await c.selectOption('#protocol', 'single_text');
  assert.ok(await c.isVisible('#mediator'), 'the mediator selector shows for the single text');
  await c.selectOption('#mediator', 'packages');
  await c.fill('#deadline', '30');
  await c.click('#create');
  await c.locator('[data-testid="invite-link"]').first().waitFor();
  const links = Object.fromEntries(await c.$$eval('[data-testid="invite-link"]', (inputs) =>
    inputs.map((i) => [i.dataset.party, i.value])));
  const admin = await c.inputValue('[data-testid="mediator-link"]');
  for (const link of [...Object.values(links), admin]) tokens.push(linkParams(link).token);
  const { session } = linkParams(links.Ukraine);

  const ukraine = await openContext('ukraine', problems, tokens);
  const russia = await openContext('russia', problems, tokens);
  const u = ukraine.page;
  const r = russia.page;
  await u.goto(links.Ukraine);
  await r.goto(links.Russia);

  // No proposal until both have locked their preferences.
  await waitContains(u, '[data-testid="text-waiting"]', 'Not locked yet: Ukraine, Russia.');
  assert.ok(await u.isHidden('#text-vote'), 'nothing to vote on yet');
  await u.click('#lock-prefs');
  await waitContains(r, '[data-testid="text-waiting"]', 'Not locked yet: Russia.');
  await r.click('#lock-prefs');
  await waitContains(u, '[data-testid="text-mediator"]', 'Mediator: packages.');
  await u.locator('[data-testid="proposed-utility"]').waitFor();

  // Words with Ukraine's first vote, a script tag among them: Russia reads them as text.
  const words = '<script>window.__pwned = 1</script> our red line on territory';
  await u.fill('[data-testid="words-input"]', words);
  const [ua, ra] = await Promise.all([voteUntilStopped(u), voteUntilStopped(r)]);
  await waitContains(r, '[data-testid="word"]', 'our red line on territory');
  const shown = await r.locator('[data-testid="word"] .word-text').first().evaluate((el) => ({
    text: el.textContent, html: el.innerHTML, scripts: el.querySelectorAll('script').length,
  }));
  assert.equal(shown.text, words);
  assert.equal(shown.scripts, 0, 'no script element from a message');
  assert.ok(shown.html.includes('&lt;script&gt;'), shown.html);
  assert.equal(await r.evaluate(() => window.__pwned), undefined);

  // The mediator stopped on the frontier; both pages say so, and the agreement stands.
  for (const page of [u, r]) {
    await waitContains(page, '[data-testid="text-stopped"]', 'this draft is on the frontier');
    await waitContains(page, '[data-testid="turn"]', 'Agreement reached on the single text');
  }
  const record = await api('GET', `/sessions/${session}/record`, linkParams(admin).token);
  const events = record.events.map((e) => e.event);
  const proposals = events.filter((e) => e.type === 'proposal').length;
  const stopped = events.find((e) => e.type === 'stopped');
  assert.equal(stopped.reason, 'frontier');
  assert.equal(ua.accepted, ua.votes, 'every proposal is better for Ukraine');
  assert.equal(ra.accepted, ra.votes, 'every proposal is better for Russia');
  console.log(`Istanbul, packages mediator: ${ua.votes} proposals voted, ${ua.accepted} adopted by both, ${proposals} proposals in the record, stopped: ${stopped.reason}`);

  // The mediator page shows the words too, and the mediator (here the convener) posts its own.
  const m = (await openContext('mediator', problems, tokens)).page;
  await m.goto(admin);
  await waitContains(m, '[data-testid="word"]', 'our red line on territory');
  await m.fill('[data-testid="words-input"]', 'Thank you both: <b>agreed</b>.');
  await m.click('[data-testid="words-post"]');
  await waitContains(m, '#words-status', 'Not posted');
  // The record of a finished session is closed: the page says why, and nothing changed.
  assert.equal(await m.locator('[data-testid="word"]').count(), 1);
  await u.screenshot({ path: path.join(ARTIFACTS, 'party-single-text-packages.png'), fullPage: true });
  assert.deepEqual(problems.filter((p) => !p.includes('409')), []);
});

test('the mediator posts words during a session and both parties read them as text', async () => {
  const problems = [];
  const scenario = await (await fetch(`${baseUrl}/ui/examples/istanbul-2025.toml`)).text();
  const created = await api('POST', '/sessions', undefined, {
    scenario_toml: scenario, protocol: 'single_text', mediator: 'veto', deadline_rounds: 6,
  });
  const turkey = created.viewers.find((v) => v.role === 'mediator').token;
  const tokens = [...created.invitations.map((i) => i.token), turkey, created.admin_token];
  const m = (await openContext('turkey', problems, tokens)).page;
  await m.goto(`${baseUrl}/mediator.html#session=${created.session_id}&token=${turkey}`);
  await m.fill('[data-testid="words-input"]', 'Talks resume at <i>ten</i>.');
  await m.click('[data-testid="words-post"]');
  await waitContains(m, '#words-status', 'Posted.');
  const u = (await openContext('ukraine', problems, tokens)).page;
  await u.goto(`${baseUrl}/party.html#session=${created.session_id}&token=${created.invitations[0].token}`);
  await waitContains(u, '[data-testid="word"]', 'Talks resume at <i>ten</i>.');
  assert.equal(await u.locator('[data-testid="word"] i').count(), 0, 'markup in a message stays text');
  await waitContains(u, '[data-testid="word"]', 'Turkey');
  await waitContains(u, '[data-testid="text-mediator"]', 'Mediator: veto.');
  assert.deepEqual(problems, []);
});
