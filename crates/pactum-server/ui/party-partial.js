// Partial rounds: the settled issues, this round's proposals with the
// party's own utility of each, the form for a proposal on open issues, and
// accepting, closing one's part of the round or ending.
//
// Rules: settled issues stay settled; a partial package's worth is a
// contribution and is never compared with the reservation value until
// every issue is settled. A party proposes at most once a round, accepts
// only others' open proposals, and ends with a second click within four
// seconds.

import { api, bar, fill, fmtU, fmtValue, h, notice, packageLine } from './common.js';
import { withWords, wordsSent } from './words.js';
import {
  $, base, contributionOf, crossesRedLine, fmtPlus, issueKeys, page, prefs, reload, swatch, token,
} from './party-page.js';

/** A package as a table with this party's own utility of each issue's value (weight × value). */
function contributionTable(pkg, testid) {
  return h('table', { class: 'package', 'data-testid': testid },
    h('tbody', {}, issueKeys(pkg).map((k) => h('tr', {},
      h('th', { scope: 'row' }, k),
      h('td', { dataset: { issue: k } }, fmtValue(pkg[k])),
      h('td', { class: 'num small muted', title: 'your weight × value' }, fmtPlus(contributionOf({ [k]: pkg[k] })))))));
}

/** What "Lapsed" means (hover text on the word and the note under the proposals). */
const LAPSED_HELP = 'Lapsed: a proposal that can no longer be accepted, because another proposal settled one of its issues first or the round closed before everyone accepted it. Its issues, if still open, can be proposed again.';

/** Draws a partial-rounds session: settled and open issues, proposals, the form, the banner. */
export function renderPartial() {
  const me = page.me;
  const p = me.partial;
  const open = me.status === 'open';
  const iAmDone = p.done.includes(me.party);
  for (const id of ['standing-card', 'compose-card', 'history-card', 'text-card']) $(id).hidden = true;
  $('partial-card').hidden = false;
  $('proposals-card').hidden = !open;
  $('partial-compose-card').hidden = !open;

  const roundLabel = open ? `Round ${Math.min(p.round + 1, p.deadline_rounds)} of ${p.deadline_rounds}` : 'Over';
  fill('partial-round', roundLabel);
  fill('me-round', h('span', { 'data-testid': 'round' }, roundLabel));

  // ---- settled issues (carried from round to round) and open ones
  const settledKeys = Object.keys(p.settled);
  const secured = contributionOf(p.settled);
  const body = [];
  if (me.status === 'agreement') {
    body.push(h('p', { class: 'callout ok' }, 'Every issue is settled: this is the agreement.'));
  } else if (me.status === 'ended') {
    body.push(h('p', { class: 'callout', 'data-testid': 'partial-result' }, settledKeys.length
      ? `The negotiation is over. The settled issues stand as a partial agreement; ${p.open_issues.join(', ')} ${p.open_issues.length === 1 ? 'was' : 'were'} left open.`
      : 'The negotiation is over. No issue was settled.'));
  } else {
    body.push(h('p', { class: 'small' }, 'Issues settled in earlier rounds (or earlier in this one) stay settled. Each round, propose values for some open issues and accept the proposals you can live with; a proposal everyone accepts settles its issues.'));
  }
  // Settled issues apart from the open ones.
  const settledBlock = [];
  if (settledKeys.length) {
    const title = me.status === 'agreement' ? 'Agreement' : me.status === 'ended' ? 'Partial agreement' : 'Settled so far';
    settledBlock.push(h('h3', { class: 'small muted' }, `${title} (${settledKeys.length})`));
    settledBlock.push(contributionTable(p.settled, me.status === 'open' ? 'settled' : me.status === 'agreement' ? 'agreement' : 'partial-agreement'));
    if (me.status === 'agreement') {
      settledBlock.push(h('div', { class: 'big-utility' },
        h('span', { class: 'value', 'data-testid': 'settled-utility' }, fmtU(secured)),
        h('span', { class: 'label' }, 'your utility of the agreement')));
      settledBlock.push(bar(secured ?? 0));
    } else {
      // A part of a package: its worth is a contribution, never set beside the
      // reservation value (which is about a whole package).
      settledBlock.push(h('div', { class: 'big-utility contribution' },
        h('span', { class: 'value', 'data-testid': 'settled-utility', title: 'your weight × value, summed over the settled issues' }, fmtU(secured)),
        h('span', { class: 'label' }, 'contributed to your utility by the settled issues')));
      settledBlock.push(h('p', { class: 'hint small', 'data-testid': 'contribution-note' },
        'A contribution, not a package\'s utility: your reservation value is about a whole package, so it compares only once every issue is settled.'));
    }
  } else {
    settledBlock.push(h('h3', { class: 'small muted' }, 'Settled (0)'));
    if (open) settledBlock.push(h('p', { class: 'empty', 'data-testid': 'settled' }, 'No issue is settled yet.'));
  }
  body.push(h('div', { class: 'issue-split' },
    h('div', { class: 'settled-block', 'data-testid': 'settled-section' }, settledBlock),
    open || p.open_issues.length
      ? h('div', { class: 'open-block', 'data-testid': 'open-section' },
        h('h3', { class: 'small muted' }, `${open ? 'Open' : 'Left open'} (${p.open_issues.length})`),
        h('p', { 'data-testid': 'open-issues' }, p.open_issues.length ? p.open_issues.join(', ') : 'none'))
      : null));
  fill('partial-body', body);

  // ---- this round's proposals, each with this party's own utility
  const keys = page.issues.map((i) => i.issue);
  if (!p.proposals.length) {
    fill('proposals', h('p', { class: 'empty' }, 'No proposal yet this round.'));
  } else {
    fill('proposals', h('div', { class: 'log' }, h('table', {},
      h('thead', {}, h('tr', {},
        h('th', { class: 'num' }, '#'), h('th', {}, 'By'), h('th', {}, 'Proposal'),
        h('th', { class: 'num', title: 'your weight × value over its issues' }, 'Yours'),
        h('th', { class: 'num', title: 'your weight × value over the settled issues and this proposal: a contribution while issues stay open, not comparable with your reservation value' }, 'With settled'),
        h('th', {}, 'Accepted by'), h('th', {}, ''))),
      h('tbody', {}, p.proposals.map((q) => {
        const everyone = q.accepted_by.length === me.negotiators.length;
        const mine = q.party === me.party;
        const canAccept = open && q.open && !mine && !iAmDone && !q.accepted_by.includes(me.party) && !page.busy;
        const u = contributionOf(q.offer);
        // Settled values count once (a settled proposal's issues are among them).
        const total = contributionOf({ ...q.offer, ...p.settled });
        let state;
        if (everyone) state = h('span', { class: 'pill pill-agreement' }, 'Settled');
        else if (!q.open) state = h('span', { class: 'pill pill-ended', title: LAPSED_HELP, 'data-help': 'lapsed' }, 'Lapsed');
        else if (canAccept) {
          state = h('button', {
            type: 'button', class: 'ok small', 'data-accept': String(q.id),
            onclick: () => partialMove({ kind: 'accept', proposal: q.id }, `You accepted proposal ${q.id}`),
          }, 'Accept');
        } else state = h('span', { class: 'small muted' }, mine ? 'yours' : q.accepted_by.includes(me.party) ? 'accepted' : '');
        return h('tr', { class: mine ? 'mine' : null, 'data-testid': 'proposal', 'data-proposal': String(q.id), 'data-party': q.party },
          h('td', { class: 'num' }, String(q.id)),
          h('td', { class: 'who' }, swatch(q.party), mine ? 'you' : q.party),
          h('td', { class: 'small', 'data-testid': 'proposal-offer' }, packageLine(q.offer, keys)),
          h('td', { class: 'num', 'data-testid': 'proposal-utility' }, fmtPlus(u)),
          h('td', { class: 'num', 'data-testid': 'proposal-total' }, fmtU(total)),
          h('td', { class: 'small' }, q.accepted_by.map((n) => (n === me.party ? 'you' : n)).join(', ')),
          h('td', {}, state));
      }))),
    h('p', { class: 'hint small', 'data-testid': 'lapsed-help' }, LAPSED_HELP)));
  }
  $('close-round').disabled = !open || iAmDone || page.busy;
  $('partial-end').disabled = !open || page.busy;

  // ---- the form for a partial offer on the open issues
  const formKey = p.open_issues.join('\u0000');
  if (open && page.partialFormKey !== formKey) buildPartialForm(p.open_issues);
  updatePartialForm();

  // ---- the banner
  const banner = $('turn-banner');
  banner.hidden = false;
  banner.dataset.testid = 'turn';
  const waiting = me.negotiators.filter((n) => !p.done.includes(n) && n !== me.party);
  if (me.status === 'agreement') {
    banner.className = 'callout ok';
    banner.textContent = 'Agreement reached: every issue is settled. The negotiation is over.';
  } else if (me.status === 'ended') {
    banner.className = 'callout';
    banner.textContent = settledKeys.length
      ? `The negotiation ended with a partial agreement on ${issueKeys(p.settled).join(', ')}.`
      : 'The negotiation ended without agreement.';
  } else if (iAmDone) {
    banner.className = 'callout';
    banner.textContent = `You closed your part of round ${p.round + 1}. Waiting for ${waiting.join(', ')}.`;
  } else {
    banner.className = 'callout warn';
    banner.textContent = p.proposed
      ? 'Your proposal is on the table: accept the others\' proposals you agree with, then close your part of the round.'
      : 'Propose values for some open issues, accept the proposals you agree with, then close your part of the round.';
  }
}

function buildPartialForm(openIssues) {
  const previous = partialFormPackage(true);
  const form = $('partial-form');
  form.replaceChildren();
  page.partialFormKey = openIssues.join('\u0000');
  if (prefs().kind !== 'additive' || !page.issues.length) {
    form.append(h('p', { class: 'callout' }, 'This page can make proposals only for additive preferences; use the API for this scenario.'));
    return;
  }
  const specs = page.issues.filter((spec) => openIssues.includes(spec.issue));
  for (const spec of specs) {
    const id = `partial-${spec.issue}`;
    const include = h('input', {
      type: 'checkbox', id: `${id}-include`, 'data-include': spec.issue, onchange: updatePartialForm,
      'aria-label': `Include ${spec.issue} in the proposal`,
    });
    let control;
    if (spec.values) {
      control = h('select', {
        id, 'data-partial-issue': spec.issue,
        onchange: () => { include.checked = true; updatePartialForm(); },
      }, spec.values.map((v) => h('option', { value: fmtValue(v.value) },
        `${fmtValue(v.value)}   (${v.utility.toFixed(2)})${crossesRedLine(spec.issue, v.value) ? '  — red line' : ''}`)));
    } else {
      control = h('input', {
        id, type: 'text', 'data-partial-issue': spec.issue,
        oninput: () => { include.checked = true; updatePartialForm(); },
      });
    }
    if (previous[spec.issue] !== undefined) {
      control.value = fmtValue(previous[spec.issue].value);
      include.checked = previous[spec.issue].included;
    }
    form.append(h('div', { class: 'issue-row include-row' },
      include,
      h('label', { for: id }, spec.issue),
      control,
      h('span', { class: 'contrib', id: `${id}-contrib`, title: 'weight × value utility' }, '')));
  }
  form.append(
    h('div', { class: 'offer-total' },
      h('span', { class: 'muted' }, 'These issues give you'),
      h('span', { class: 'value', id: 'partial-utility', 'data-testid': 'partial-utility' }, '—'),
      h('span', { class: 'muted small', id: 'partial-total', title: 'a contribution while issues stay open: compare with your reservation value only once every issue is settled' }, '')),
    h('p', { id: 'partial-warning', class: 'small' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'send-proposal' }, 'Propose')));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const pkg = partialFormPackage();
    if (!Object.keys(pkg).length) {
      notice('Tick at least one open issue to propose.', 'error');
      return;
    }
    partialMove({ kind: 'offer', offer: pkg }, 'Proposal sent');
  };
}

/**
 * The proposal chosen in the form: the ticked issues with their values (as
 * the API gave them). With `all`, every row as { value, included }.
 */
function partialFormPackage(all = false) {
  const pkg = {};
  for (const el of document.querySelectorAll('#partial-form [data-partial-issue]')) {
    const issue = el.dataset.partialIssue;
    const spec = page.issues.find((i) => i.issue === issue);
    let value;
    if (spec && spec.values) {
      const v = spec.values.find((x) => fmtValue(x.value) === el.value);
      value = v ? v.value : el.value;
    } else {
      const raw = el.value.trim();
      value = raw !== '' && !isNaN(raw) ? Number(raw) : raw;
    }
    const included = !!document.querySelector(`#partial-form [data-include="${CSS.escape(issue)}"]:checked`);
    if (all) pkg[issue] = { value, included };
    else if (included) pkg[issue] = value;
  }
  return pkg;
}

function updatePartialForm() {
  if (!$('partial-utility') || !page.me || !page.me.partial) return;
  const p = page.me.partial;
  const pkg = partialFormPackage();
  const rows = partialFormPackage(true);
  for (const [issue, { value, included }] of Object.entries(rows)) {
    const c = contributionOf({ [issue]: value });
    const out = $(`partial-${issue}-contrib`);
    if (out) out.textContent = c === null ? '' : included ? `+${c.toFixed(3)}` : `(${c.toFixed(3)})`;
  }
  const u = Object.keys(pkg).length ? contributionOf(pkg) : null;
  const secured = contributionOf(p.settled);
  $('partial-utility').textContent = Object.keys(pkg).length ? fmtPlus(u) : '—';
  fill('partial-total', u === null || secured === null ? '' : `${fmtU(u + secured)} with the settled issues`);
  const crossed = Object.keys(pkg).filter((k) => crossesRedLine(k, pkg[k]));
  const warn = $('partial-warning');
  warn.textContent = crossed.length ? `⚠ crosses your red line on ${crossed.join(', ')}` : '';
  warn.className = crossed.length ? 'small warn-text' : 'small';
  const iAmDone = p.done.includes(page.me.party);
  const send = $('send-proposal');
  send.disabled = page.me.status !== 'open' || p.proposed || iAmDone || page.busy || !Object.keys(pkg).length;
  send.title = p.proposed ? 'You have proposed this round already' : iAmDone ? 'You closed your part of this round' : '';
}

/** Fills the form with a suggested package's values on the open issues, all ticked. */
export function prefillPartialForm(pkg) {
  for (const el of document.querySelectorAll('#partial-form [data-partial-issue]')) {
    const issue = el.dataset.partialIssue;
    if (!(issue in pkg)) continue;
    el.value = fmtValue(pkg[issue]);
    const box = document.querySelector(`#partial-form [data-include="${CSS.escape(issue)}"]`);
    if (box) box.checked = true;
  }
  updatePartialForm();
}

/** Sends one partial-rounds move (POST /moves, with the words typed) unless one is on its way, then reloads. */
export async function partialMove(body, what) {
  if (page.busy) return;
  page.busy = true;
  renderPartial(); // controls off while the move is on its way
  try {
    const answer = await api('POST', `${base}/moves`, { token, body: withWords(body) });
    wordsSent();
    if (answer.status === 'open') notice(`${what}.`, 'ok');
    else notice('');
  } catch (e) {
    notice(`Your move was not accepted: ${e.message}`, 'error');
  }
  try {
    page.lastSnapshot = '';
    await reload.watched();
  } finally {
    page.busy = false;
    renderPartial();
  }
}

let partialEndArmed = null;

/** The first click arms the End button; a second within four seconds ends the negotiation. */
export function partialEndClicked() {
  const button = $('partial-end');
  if (!partialEndArmed) {
    button.classList.add('armed');
    button.textContent = 'Click again to end';
    partialEndArmed = setTimeout(disarmPartialEnd, 4000);
    return;
  }
  disarmPartialEnd();
  partialMove({ kind: 'end' }, 'You ended the negotiation');
}

function disarmPartialEnd() {
  clearTimeout(partialEndArmed);
  partialEndArmed = null;
  const button = $('partial-end');
  button.classList.remove('armed');
  button.textContent = 'End negotiation';
}
