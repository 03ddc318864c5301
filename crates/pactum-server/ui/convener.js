// The convener's page: create a session, hand out the links, watch progress
// and who has disclosed its preferences to the session's mediator (the
// convener itself when the scenario names no mediator); the convener's desk
// lists the sessions convened from this browser.
//
// Rules: packages follow the scenario's issue order, also when the page is
// reopened (the order then comes from the server); moves are numbered 1, 2,
// 3… in the order made, never by log sequence numbers; the move log is not
// clipped. The desk lives in this browser's localStorage only (id, title,
// when created, the admin link), never on the server; removing an entry
// forgets the link here and changes nothing on the server. A scenario text
// starting with "{" is sent as native JSON, any other as native TOML.

import {
  api, copyText, disclosureList, fill, fragment, h, mediatorName, moveVerb, notice, packageLine,
  packageTable, pageLink, partialMoveText, replayRecord, roundText, serverPaths, statusPill, watch,
} from './common.js';
import { showTimeLimit } from './deadline.js';
import { rememberSession, renderDesk } from './desk.js';

const $ = (id) => document.getElementById(id);
const storageKey = (session) => `pactum:invitations:${session}`;
/** Longest time limit the server takes, in seconds (30 days). */
const MAX_DEADLINE_SECONDS = 2_592_000;
/** How often the time left is asked again while a session is shown. */
const TIME_LIMIT_POLL_MS = 15_000;

let watcher = null;
/** The session shown and its admin token (for the export once it is finished). */
let shown = null;
/** Issue names in scenario order, to show packages the way the scenario lists them. */
let issueOrder = [];
/** A zipped GENIUS/GeniusWeb folder chosen for upload: { name, base64 }, or null. */
let zipUpload = null;

/**
 * Largest archive accepted here: its base64 text, inside the JSON request,
 * must stay under the server's 256 KiB body limit.
 */
const MAX_ZIP_BYTES = 190 * 1024;

/** What each protocol means for the negotiators and for the deadline. */
const PROTOCOLS = {
  alternating_offers: [
    'Negotiators move in turn: offer, accept the standing offer, reject it, or end.',
    'One move per negotiator per round; no agreement by then ends the negotiation.',
  ],
  single_text: [
    'The server mediates one draft and proposes a one-issue change at a time; a change is adopted when every negotiator accepts it.',
    'One proposal per round; at the deadline the draft everyone accepted is the agreement.',
  ],
  partial_rounds: [
    'In each round every negotiator may propose values for some of the open issues and accept others\' proposals; a proposal everyone accepts settles its issues for good.',
    'A round ends when every negotiator has closed its part; at the deadline the settled issues are recorded as a partial agreement.',
  ],
};

function describeProtocol() {
  const [what, deadline] = PROTOCOLS[$('protocol').value] || PROTOCOLS.alternating_offers;
  fill('protocol-hint', what);
  fill('deadline-hint', deadline);
  $('mediator-field').hidden = $('protocol').value !== 'single_text';
}

/** What each privacy level lets the mediator's suggestions rest on (docs/privacy.md). */
const PRIVACY = {
  pareto: 'Suggestions rest on every party\'s weights and value functions, never on a reservation value.',
  full: 'Suggestions also include the fair (Nash) package, which rests on every party\'s reservation value and can reveal one to the other side.',
  off: 'The mediator makes no suggestions in this session.',
};

function describePrivacy() {
  const level = $('privacy').value;
  fill('privacy-hint', PRIVACY[level] || PRIVACY.pareto);
  $('auto-suggest').disabled = level === 'off';
  if (level === 'off') $('auto-suggest').checked = false;
}

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

/** The scenario's name (top-level `name`) from its TOML or JSON text, or ''. */
function scanScenarioName(text) {
  if (isJson(text)) {
    try {
      return String(JSON.parse(text).name || '');
    } catch {
      return '';
    }
  }
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('[')) break;
    const m = /^name\s*=\s*"([^"]*)"/.exec(t);
    if (m) return m[1];
  }
  return '';
}

/** Whether a scenario text is native JSON (it starts with "{"). */
function isJson(text) {
  return text.trimStart().startsWith('{');
}

/** Issue names in order from a TOML or JSON scenario text. */
function issueNames(text) {
  if (!isJson(text)) return scanIssueNames(text);
  try {
    return (JSON.parse(text).issues || []).map((i) => i.name);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- the scenario

async function loadExample(name) {
  if (!name) return;
  try {
    const resp = await fetch(`/ui/examples/${name}.toml`, { cache: 'no-store' });
    if (!resp.ok) throw new Error(`example ${name} not found`);
    $('scenario').value = await resp.text();
    $('file').value = '';
    clearZip();
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
  clearZip();
  notice('');
}

/** Size in KB, for messages. */
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** The file as base64 (without the data-URL prefix). */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error || new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** Shows the chosen archive (or an error about it) under the file control. */
function zipStatus(message, kind = 'info') {
  const box = $('zip-status');
  if (!message) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.className = kind === 'error' ? 'small callout warn' : 'small callout';
  box.dataset.kind = kind;
  fill(box, message, zipUpload
    ? [' ', h('button', { type: 'button', class: 'secondary small', id: 'zip-clear', onclick: clearZip }, 'Use the text instead')]
    : null);
}

function clearZip() {
  zipUpload = null;
  $('zip').value = '';
  $('scenario').disabled = false;
  zipStatus('');
}

async function loadZip(input) {
  const file = input.files && input.files[0];
  zipUpload = null;
  $('scenario').disabled = false;
  if (!file) {
    zipStatus('');
    return;
  }
  if (file.size === 0) {
    zipStatus(`${file.name} is empty: choose a .zip archive of a GENIUS or GeniusWeb scenario folder.`, 'error');
    return;
  }
  if (file.size > MAX_ZIP_BYTES) {
    zipStatus(`${file.name} is ${kb(file.size)}; archives up to ${kb(MAX_ZIP_BYTES)} can be uploaded. Leave out everything but the domain and profile files.`, 'error');
    return;
  }
  try {
    zipUpload = { name: file.name, base64: await readBase64(file) };
  } catch (e) {
    zipStatus(`${file.name} could not be read: ${e.message}`, 'error');
    return;
  }
  $('example').value = '';
  $('file').value = '';
  $('scenario').disabled = true;
  notice('');
  zipStatus(`${file.name} (${kb(file.size)}) will be read by the server as a GENIUS or GeniusWeb folder and stored as native TOML.`);
}

/**
 * A server message about the uploaded archive, naming the file rather than
 * the API field: "scenario_zip_base64: not a zip archive: …" becomes
 * "not a zip archive: …", "scenario_zip_base64/a.xml: …" "NAME/a.xml: …".
 */
function archiveMessage(message, name) {
  return message.replace(/^scenario_zip_base64: /, '').replaceAll('scenario_zip_base64', name);
}

async function create() {
  const scenario = $('scenario').value;
  const deadline = Number($('deadline').value);
  const minutes = $('deadline-minutes').value.trim();
  const seconds = minutes === '' ? null : Math.round(Number(minutes) * 60);
  const zip = zipUpload;
  if (!zip && $('zip').files && $('zip').files.length) {
    notice('The chosen archive cannot be uploaded (see below the file control): choose another one.', 'error');
    return;
  }
  if (!zip && !scenario.trim()) {
    notice('Choose an example, upload a scenario or paste one first.', 'error');
    return;
  }
  if (!Number.isInteger(deadline) || deadline < 1) {
    notice('The deadline must be a whole number of rounds, at least 1.', 'error');
    return;
  }
  if (seconds !== null && !(seconds >= 1 && seconds <= MAX_DEADLINE_SECONDS)) {
    notice(`The time limit must be between 1 second and 30 days (${MAX_DEADLINE_SECONDS / 60} minutes); leave it empty for none.`, 'error');
    return;
  }
  const button = $('create');
  button.disabled = true;
  try {
    const body = {
      protocol: $('protocol').value,
      deadline_rounds: deadline,
      auto_suggest: $('auto-suggest').checked && $('privacy').value !== 'off',
      privacy: $('privacy').value,
    };
    if (body.protocol === 'single_text') body.mediator = $('mediator').value;
    if (seconds !== null) body.deadline_seconds = seconds;
    if (zip) body.scenario_zip_base64 = zip.base64;
    else if (isJson(scenario)) body.scenario_json = scenario;
    else body.scenario_toml = scenario;
    let created;
    try {
      created = await api('POST', '/sessions', { body });
    } catch (e) {
      if (zip && e.status === 422) {
        const message = `${zip.name} was not accepted: ${archiveMessage(e.message, zip.name)}`;
        zipStatus(message, 'error');
        throw new Error(message);
      }
      throw e;
    }
    issueOrder = zip ? [] : issueNames(scenario);
    rememberSession({
      id: created.session_id,
      title: (zip ? zip.name.replace(/\.zip$/i, '') : scanScenarioName(scenario)) || 'Untitled scenario',
      created: new Date().toISOString(),
      admin: pageLink('index.html', created.session_id, created.admin_token),
    });
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

/** A button copying `url` to the clipboard, saying whether it did. */
function copyButton(url) {
  const copy = h('button', {
    type: 'button', class: 'secondary small', 'data-copy': url,
    onclick: async () => {
      const ok = await copyText(url);
      copy.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
    },
  }, 'Copy');
  return copy;
}

function linkRow(label, url, testid, party) {
  const input = h('input', {
    type: 'text', readonly: true, value: url, 'aria-label': `Link for ${label}`,
    'data-testid': testid, 'data-party': party || null, onfocus: (e) => e.target.select(),
  });
  const copy = copyButton(url);
  const open = h('a', { class: 'button secondary small', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open');
  return h('div', { class: 'link-row' }, h('span', { class: 'party' }, label), input, copy, open);
}

function showSession(session, adminToken, invitations, viewers) {
  shown = { session, adminToken };
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
    copyButton(pageLink('mediator.html', session, adminToken)),
    h('button', {
      type: 'button', class: 'secondary small',
      onclick: () => download(session, adminToken, 'record', `pactum-record-${session.slice(0, 8)}.json`),
    }, 'Record'),
    h('a', {
      class: 'button secondary small', href: pageLink('mediator.html', session, adminToken),
      target: '_blank', rel: 'noopener noreferrer',
    }, 'Open')));
  fill('links', rows);
  rows.at(-1).title = 'The admin link: it shows every move and the record; keep it to yourself.';

  if (watcher) watcher.stop();
  let orderAsked = false;
  let limitAskedAt = 0;
  let limit = null;
  const base = `/sessions/${encodeURIComponent(session)}`;
  watcher = watch(session, adminToken, async () => {
    const paths = await serverPaths();
    // The scenario's issue order, once per session shown: the mediator
    // view, which the admin token reads, names it (a reopened page or an
    // uploaded archive has no scenario text to read it from).
    // It also says how much time is left (asked again now and then).
    if (paths.includes('/sessions/{id}/mediator') && (!orderAsked || Date.now() - limitAskedAt > TIME_LIMIT_POLL_MS)) {
      orderAsked = true;
      limitAskedAt = Date.now();
      try {
        const view = await api('GET', `${base}/mediator`, { token: adminToken });
        if (view.issues && view.issues.length) issueOrder = view.issues;
        limit = view.time_limit || null;
      } catch {
        // Packages are then shown in the record's order.
      }
    }
    const [record, disclosure] = await Promise.all([
      api('GET', `${base}/record`, { token: adminToken }),
      paths.includes('/sessions/{id}/disclosure') ? api('GET', `${base}/disclosure`, { token: adminToken }) : null,
    ]);
    const state = replayRecord(record);
    renderProgress(state);
    showTimeLimit($('countdown'), limit, state.status === 'open');
    renderMediation(disclosure, pageLink('mediator.html', session, adminToken));
    return true; // keep watching: the convener may leave the page open
  });
}

/** Who mediates, who has disclosed to the mediator (never what), and the way to the mediator view. */
function renderMediation(status, mediatorLink) {
  const card = $('mediation-card');
  if (!status) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  const waiting = status.negotiators.filter((n) => !status.disclosed.includes(n));
  const parts = [];
  if (status.caller_is_mediator) {
    parts.push(h('p', { class: 'small', 'data-testid': 'you-mediate' },
      'The scenario names no mediator, so you mediate: negotiators who choose to disclose their preferences disclose them to you. ',
      'Once every negotiator has disclosed, the mediator view shows the utility space (every offer, the Pareto frontier and the Nash point).'));
  } else {
    parts.push(h('p', { class: 'small', 'data-testid': 'party-mediates' },
      `The scenario's mediator, ${mediatorName(status)}, receives the preferences negotiators disclose and sees the utility space from its own link above; you see who has disclosed.`));
  }
  parts.push(disclosureList(status));
  if (status.caller_is_mediator && !waiting.length) {
    parts.push(h('p', { class: 'callout ok small', 'data-testid': 'all-disclosed' }, 'Every negotiator has disclosed: the utility space is on the mediator view.'));
  }
  if (status.caller_is_mediator) {
    parts.push(h('div', { class: 'actions' },
      h('a', {
        class: 'button secondary small', href: mediatorLink, target: '_blank', rel: 'noopener noreferrer',
        'data-testid': 'open-mediator-view',
      }, 'Open the mediator view')));
  }
  fill('mediation', parts);
}

/** Saves the session's `record` or `export` (JSON, admin only) as a file. */
async function download(session, adminToken, what, filename) {
  try {
    const body = await api('GET', `/sessions/${encodeURIComponent(session)}/${what}`, { token: adminToken });
    const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } catch (e) {
    notice(`The ${what} could not be fetched: ${e.message}`, 'error');
  }
}

function renderProgress(state) {
  fill('progress-status', statusPill(state.status));
  const stat = (k, v, testid) => h('div', { class: 'stat' }, h('span', { class: 'k' }, k), h('span', { class: 'v', 'data-testid': testid }, v));
  const movesMade = state.moves.length;
  const partial = state.protocol === 'partial_rounds';
  // Partial rounds have no fixed number of moves: measure rounds instead.
  const [done, total, unit] = partial
    ? [state.status === 'open' ? state.round : state.deadlineRounds, state.deadlineRounds, 'rounds']
    : [movesMade, state.deadlineRounds * (state.negotiators.length || 1), 'moves'];
  const meter = h('span');
  meter.style.width = `${total ? Math.min(100, (100 * done) / total) : 0}%`;

  const parts = [
    h('div', { class: 'progress' },
      stat('Round', roundText(state.round, state.deadlineRounds, state.status !== 'open'), 'round'),
      stat('Turn', state.status === 'open' && state.turn ? state.turn : partial && state.status === 'open' ? 'anyone' : '—', 'turn'),
      stat('Moves', String(movesMade), 'moves'),
      stat('Negotiators', state.negotiators.join(', '), 'negotiators')),
    h('div', { class: 'meter', title: `${done} of ${total} ${unit} before the deadline` }, meter),
  ];
  if (partial && state.status !== 'agreement') {
    const settled = state.partialAgreement || state.settled || {};
    const any = Object.keys(settled).length > 0;
    if (state.status === 'ended') {
      parts.push(h('p', { class: 'callout' }, any
        ? `The negotiation ended (${state.reason || 'ended'}). The settled issues stand:`
        : `The negotiation ended without agreement (${state.reason || 'ended'}).`));
      if (any) parts.push(h('div', { 'data-testid': 'partial-agreement', class: 'progress-package' }, packageTable(settled, issueOrder)));
    } else {
      parts.push(h('p', { class: 'small', 'data-testid': 'settled' }, any
        ? `Settled so far: ${packageLine(settled, issueOrder)}`
        : 'No issue settled yet.'));
    }
  }
  if (state.status === 'agreement') {
    parts.push(h('p', { class: 'callout ok' }, 'Agreement reached on this package:'));
    parts.push(h('div', { 'data-testid': 'agreement', class: 'progress-package' }, packageTable(state.agreement, issueOrder)));
  } else if (partial) {
    // Described above.
  } else if (state.status === 'ended') {
    parts.push(h('p', { class: 'callout' }, `The negotiation ended without agreement (${state.reason || 'ended'}).`));
  } else if (state.protocol === 'single_text') {
    parts.push(h('p', { class: 'small', 'data-testid': 'draft' }, `Single negotiating text, draft: ${packageLine(state.draft || {}, issueOrder)}`));
  } else if (movesMade === 0) {
    parts.push(h('p', { class: 'empty' }, `Waiting for ${state.turn} to make the first offer.`));
  }
  if (state.status !== 'open' && shown) {
    const { session, adminToken } = shown;
    parts.push(h('p', { class: 'small' },
      h('button', {
        type: 'button', class: 'secondary small', 'data-testid': 'export',
        onclick: () => download(session, adminToken, 'export', `pactum-session-${session.slice(0, 8)}.json`),
      }, 'Export the session'),
      ' — its record, scenario and agreement certificate in one file, which ',
      h('code', {}, 'pactum verify FILE'), ' checks offline.'));
    if (state.status === 'agreement') {
      parts.push(h('p', { class: 'small' },
        h('a', {
          class: 'button secondary small', href: pageLink('ui/agreement.html', session, adminToken),
          target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'agreement-document',
        }, 'Agreement document'),
        ' — the parties, every issue\'s agreed value with its description, the date and the certificate\'s hash; printable, or saved as Markdown or HTML.'));
    }
  }
  if (movesMade) {
    parts.push(h('h3', { class: 'small muted' }, 'Moves'));
    // Numbered in the order made (the log's seqs have gaps: other entries sit between moves).
    parts.push(h('div', { class: 'full-log' }, h('table', { 'data-testid': 'move-log' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'Round'), h('th', {}, 'Party'), h('th', {}, 'Move'))),
      h('tbody', {}, state.moves.map((m, i) => [i + 1, m]).reverse().map(([k, m]) => h('tr', { 'data-testid': 'move' },
        h('td', { class: 'num' }, String(k)),
        h('td', {}, String(m.round + 1)),
        h('td', {}, m.party),
        h('td', {}, partial
          ? partialMoveText(m, issueOrder)
          : m.offer
            ? `${moveVerb(m.kind)}: ${packageLine(m.offer, issueOrder)}`
            : moveVerb(m.kind))))))));
  }
  fill('progress', parts);
}

function init() {
  $('example').addEventListener('change', (e) => loadExample(e.target.value));
  $('file').addEventListener('change', (e) => loadFile(e.target));
  $('zip').addEventListener('change', (e) => loadZip(e.target));
  $('protocol').addEventListener('change', describeProtocol);
  describeProtocol();
  $('privacy').addEventListener('change', describePrivacy);
  describePrivacy();
  $('create').addEventListener('click', create);
  renderDesk();
  $('new-session').addEventListener('click', () => {
    if (watcher) watcher.stop();
    history.replaceState(null, '', location.pathname);
    $('session').hidden = true;
    $('setup').hidden = false;
    renderDesk();
  });
  // A desk link to another session of this page changes only the fragment.
  window.addEventListener('hashchange', () => {
    const { session: id, token: admin } = fragment();
    if (id && admin && (!shown || shown.session !== id)) location.reload();
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
