// The single negotiating text: the mediator's draft, the change it
// proposes, and the party's vote (POST /votes) to accept or veto it.
//
// Rules: the party votes once per proposal; a change is adopted only when
// every negotiator accepts it. The alternating-offers cards are hidden.

import { api, fill, fmtU, h, notice, packageLine } from './common.js';
import { textNotes, withWords, wordsSent } from './words.js';
import { $, base, page, reload, token } from './party-page.js';

/** Whether this session is a single negotiating text (its protocol, from /me). */
export function isSingleText(me) {
  if (page.singleText === undefined) page.singleText = me.protocol === 'single_text';
  return page.singleText;
}

/** Draws the single text: the draft, the proposed change, the vote and the banner. */
export function renderText() {
  const t = page.text;
  const keys = page.issues.map((i) => i.issue);
  $('text-card').hidden = false;
  for (const id of ['standing-card', 'compose-card', 'history-card']) $(id).hidden = true;
  $('suggest-card').hidden = t.status !== 'open';
  // Suggestions are about one draft: drop them once it changes.
  if (page.suggestionsShown && page.suggestedDraft && page.suggestedDraft !== JSON.stringify(t.draft)) {
    page.suggestedDraft = '';
    page.suggestionsShown = false;
    fill('suggestions', h('p', { class: 'hint' }, 'The draft changed: new suggestions follow the next decided proposal, or ask the mediator.'));
  }
  fill('text-proposal', t.status === 'open' ? `Proposal ${t.proposal + 1} of ${t.deadline_rounds}` : '');
  fill('me-round', h('span', { 'data-testid': 'round' }, t.status === 'open' ? `Proposal ${t.proposal + 1} of ${t.deadline_rounds}` : 'Over'));
  const rows = [
    h('p', { class: 'small' }, 'The mediator holds one draft and proposes one change at a time; a change is adopted only when every negotiator accepts it. At the deadline the draft everyone accepted is the agreement.'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Draft'), h('dd', { 'data-testid': 'draft' }, packageLine(t.draft, keys)),
      h('dt', {}, 'Your utility of the draft'), h('dd', { 'data-testid': 'draft-utility' }, fmtU(t.my_utility_draft))),
  ];
  if (t.status === 'open' && t.change) {
    rows.push(h('dl', { class: 'kv' },
      h('dt', {}, 'Proposed change'), h('dd', { 'data-testid': 'change' }, packageLine(t.change, keys)),
      h('dt', {}, 'Your utility with it'), h('dd', { 'data-testid': 'proposed-utility' }, fmtU(t.my_utility_proposed)),
      h('dt', {}, 'Voted so far'), h('dd', { 'data-testid': 'voted' }, t.voted.length ? t.voted.join(', ') : 'nobody')));
  }
  if (t.my_vote != null) rows.push(h('p', { class: 'small', 'data-testid': 'my-vote' }, t.my_vote ? 'You accepted this change.' : 'You vetoed this change.'));
  rows.push(...textNotes(t));
  if (t.agreement) rows.push(h('p', { class: 'callout ok' }, `Agreement: ${packageLine(t.agreement, keys)}`));
  fill('text-body', rows);
  $('text-vote').hidden = t.status !== 'open' || t.my_vote != null || !t.change;
  const banner = $('turn-banner');
  banner.hidden = false;
  banner.dataset.testid = 'turn';
  if (t.status === 'agreement') {
    banner.className = 'callout ok';
    banner.textContent = 'Agreement reached on the single text. The negotiation is over.';
  } else if (t.status === 'ended') {
    banner.className = 'callout';
    banner.textContent = 'The negotiation ended: no change was adopted by everyone.';
  } else if (t.waiting_for && t.waiting_for.length) {
    banner.className = 'callout';
    banner.textContent = 'The mediator proposes once every negotiator has locked its preferences.';
  } else if (t.my_vote == null) {
    banner.className = 'callout warn';
    banner.textContent = 'Your vote: accept or veto the proposed change.';
  } else {
    banner.className = 'callout';
    banner.textContent = 'Waiting for the other negotiators to vote.';
  }
}

/** Votes on the proposed change (POST /votes, with the words typed), then reloads. */
export async function castVote(accept) {
  if (page.busy || !page.text) return;
  page.busy = true;
  try {
    const v = await api('POST', `${base}/votes`, { token, body: withWords({ accept, proposal: page.text.proposal }) });
    wordsSent();
    if (v.resolution) notice(v.resolution === 'adopted' ? 'Everyone accepted: the change is adopted.' : 'The change was vetoed.');
    page.lastSnapshot = '';
    await reload.refresh();
  } catch (e) {
    notice(`Vote not counted: ${e.message}`, 'error');
  } finally {
    page.busy = false;
  }
}
