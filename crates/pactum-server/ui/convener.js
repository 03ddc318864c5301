// The convener's page: create a session, hand out the links, watch progress.

import {
  api, copyText, fill, fragment, h, moveVerb, notice, packageLine, packageTable, pageLink,
  replayRecord, roundText, statusPill, watch,
} from './common.js';

const $ = (id) => document.getElementById(id);
const storageKey = (session) => `pactum:invitations:${session}`;

let watcher = null;
/** Issue names in scenario order, to show packages the way the scenario lists them. */
let issueOrder = [];

/** The issue names of a native TOML scenario, in order (a light scan, not a parser). */
function scanIssueNames(text) {
  const names = [];
  let inIssue = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('[')) {
      inIssue = t === '[[issues]]';
      continue;
    }
    const m = inIssue && /^name\s*=\s*"([^"]*)"/.exec(t);
    if (m) {
      names.push(m[1]);
      inIssue = false;
    }
  }
  return names;
}

async function loadExample(name) {
  if (!name) return;
  try {
    const resp = await fetch(`/ui/examples/${name}.toml`, { cache: 'no-store' });
    if (!resp.ok) throw new Error(`example ${name} not found`);
    $('scenario').value = await resp.text();
    $('file').value = '';
    notice('');
  } catch (e) {
    notice(e.message, 'error');
  }
}

async function loadFile(input) {
  const file = input.files && input.files[0];
  if (!file) return;
  $('scenario').value = await file.text();
  $('example').value = '';
  notice('');
}

async function create() {
  const scenario = $('scenario').value;
  const deadline = Number($('deadline').value);
  if (!scenario.trim()) {
    notice('Choose an example, upload a scenario or paste one first.', 'error');
    return;
  }
  if (!Number.isInteger(deadline) || deadline < 1) {
    notice('The deadline must be a whole number of rounds, at least 1.', 'error');
    return;
  }
  const button = $('create');
  button.disabled = true;
  try {
    const created = await api('POST', '/sessions', {
      body: {
        scenario_toml: scenario,
        protocol: $('protocol').value,
        deadline_rounds: deadline,
        auto_suggest: $('auto-suggest').checked,
      },
    });
    issueOrder = scanIssueNames(scenario);
    try {
      sessionStorage.setItem(storageKey(created.session_id),
        JSON.stringify({ invitations: created.invitations, viewers: created.viewers || [], issues: issueOrder }));
    } catch {
      // Storage may be unavailable; the links are still shown below.
    }
    // Keep the admin view in the fragment so a reload still shows progress.
    const params = new URLSearchParams({ session: created.session_id, token: created.admin_token });
    history.replaceState(null, '', `#${params}`);
    notice('');
    showSession(created.session_id, created.admin_token, created.invitations, created.viewers);
  } catch (e) {
    notice(`The session was not created: ${e.message}`, 'error');
  } finally {
    button.disabled = false;
  }
}

function linkRow(label, url, testid, party) {
  const input = h('input', {
    type: 'text', readonly: true, value: url, 'aria-label': `Link for ${label}`,
    'data-testid': testid, 'data-party': party || null, onfocus: (e) => e.target.select(),
  });
  const copy = h('button', {
    type: 'button', class: 'secondary small',
    onclick: async () => {
      const ok = await copyText(url);
      copy.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
    },
  }, 'Copy');
  const open = h('a', { class: 'button secondary small', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open');
  return h('div', { class: 'link-row' }, h('span', { class: 'party' }, label), input, copy, open);
}

function showSession(session, adminToken, invitations, viewers) {
  $('setup').hidden = true;
  $('session').hidden = false;
  fill('session-id', 'Session ', h('code', {}, session.slice(0, 8)));
  const rows = [];
  if (invitations && invitations.length) {
    for (const inv of invitations) {
      rows.push(linkRow(inv.party, pageLink('party.html', session, inv.token), 'invite-link', inv.party));
    }
  } else {
    rows.push(h('p', { class: 'empty' }, 'The invitation links were shown when the session was created, in another tab.'));
  }
  // Mediators and observers watch from the mediator page with view-only tokens.
  for (const v of viewers || []) {
    rows.push(linkRow(`${v.party} (${v.role})`, pageLink('mediator.html', session, v.token), 'viewer-link', v.party));
  }
  rows.push(h('div', { class: 'link-row' },
    h('span', { class: 'party' }, 'You (admin)'),
    h('input', {
      type: 'text', readonly: true, value: pageLink('mediator.html', session, adminToken),
      'aria-label': 'Mediator view link', 'data-testid': 'mediator-link', onfocus: (e) => e.target.select(),
    }),
    h('button', { type: 'button', class: 'secondary small', onclick: () => downloadRecord(session, adminToken) }, 'Record'),
    h('a', {
      class: 'button secondary small', href: pageLink('mediator.html', session, adminToken),
      target: '_blank', rel: 'noopener noreferrer',
    }, 'Open')));
  fill('links', rows);
  rows.at(-1).title = 'The admin link: it shows every move and the record; keep it to yourself.';

  if (watcher) watcher.stop();
  watcher = watch(session, adminToken, async () => {
    const record = await api('GET', `/sessions/${encodeURIComponent(session)}/record`, { token: adminToken });
    renderProgress(replayRecord(record));
    return true; // keep watching: the convener may leave the page open
  });
}

async function downloadRecord(session, adminToken) {
  try {
    const record = await api('GET', `/sessions/${encodeURIComponent(session)}/record`, { token: adminToken });
    const blob = new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `pactum-record-${session.slice(0, 8)}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } catch (e) {
    notice(`The record could not be fetched: ${e.message}`, 'error');
  }
}

function renderProgress(state) {
  fill('progress-status', statusPill(state.status));
  const stat = (k, v, testid) => h('div', { class: 'stat' }, h('span', { class: 'k' }, k), h('span', { class: 'v', 'data-testid': testid }, v));
  const movesMade = state.moves.length;
  const total = state.deadlineRounds * (state.negotiators.length || 1);
  const meter = h('span');
  meter.style.width = `${total ? Math.min(100, (100 * movesMade) / total) : 0}%`;

  const parts = [
    h('div', { class: 'progress' },
      stat('Round', roundText(state.round, state.deadlineRounds, state.status !== 'open'), 'round'),
      stat('Turn', state.status === 'open' && state.turn ? state.turn : '—', 'turn'),
      stat('Moves', String(movesMade), 'moves'),
      stat('Negotiators', state.negotiators.join(', '), 'negotiators')),
    h('div', { class: 'meter', title: `${movesMade} of ${total} moves before the deadline` }, meter),
  ];
  if (state.status === 'agreement') {
    parts.push(h('p', { class: 'callout ok' }, 'Agreement reached on this package:'));
    parts.push(h('div', { 'data-testid': 'agreement', class: 'progress-package' }, packageTable(state.agreement, issueOrder)));
  } else if (state.status === 'ended') {
    parts.push(h('p', { class: 'callout' }, `The negotiation ended without agreement (${state.reason || 'ended'}).`));
  } else if (state.protocol === 'single_text') {
    parts.push(h('p', { class: 'small', 'data-testid': 'draft' }, `Single negotiating text, draft: ${packageLine(state.draft || {}, issueOrder)}`));
  } else if (movesMade === 0) {
    parts.push(h('p', { class: 'empty' }, `Waiting for ${state.turn} to make the first offer.`));
  }
  if (movesMade) {
    parts.push(h('h3', { class: 'small muted' }, 'Moves'));
    parts.push(h('div', { class: 'log' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'Round'), h('th', {}, 'Party'), h('th', {}, 'Move'))),
      h('tbody', {}, [...state.moves].reverse().map((m) => h('tr', {},
        h('td', { class: 'num' }, String(m.seq)),
        h('td', {}, String(m.round + 1)),
        h('td', {}, m.party),
        h('td', {}, m.offer
          ? `${moveVerb(m.kind)}: ${packageLine(m.offer, issueOrder)}`
          : moveVerb(m.kind))))))));
  }
  fill('progress', parts);
}

function init() {
  $('example').addEventListener('change', (e) => loadExample(e.target.value));
  $('file').addEventListener('change', (e) => loadFile(e.target));
  $('create').addEventListener('click', create);
  $('new-session').addEventListener('click', () => {
    if (watcher) watcher.stop();
    history.replaceState(null, '', location.pathname);
    $('session').hidden = true;
    $('setup').hidden = false;
  });
  const { session, token } = fragment();
  if (session && token) {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(storageKey(session)) || 'null');
    } catch {
      saved = null;
    }
    issueOrder = (saved && saved.issues) || [];
    showSession(session, token, saved && saved.invitations, saved && saved.viewers);
  }
}

init();
