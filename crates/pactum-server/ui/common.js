// Shared helpers of the Pactum pages: the URL fragment, API calls, DOM
// building, number formatting and watching a session for changes.
//
// Tokens live only in the URL fragment (never sent to the server as part of
// a URL) and in the Authorization header of API calls. Nothing here logs them.

/** Reads `#session=..&token=..` from the page's URL. */
export function fragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return { session: params.get('session') || '', token: params.get('token') || '' };
}

/** An absolute link to a page of this server with a session and token in its fragment. */
export function pageLink(page, session, token) {
  const params = new URLSearchParams({ session, token });
  return new URL(`/${page}#${params}`, location.origin).href;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the API; resolves to the parsed JSON answer or rejects with an ApiError. */
export async function api(method, path, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'the server cannot be reached');
  }
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!resp.ok) {
    const message = (data && data.error) || text || resp.statusText;
    throw new ApiError(resp.status, message);
  }
  return data;
}

/**
 * Builds a DOM element. `attrs` keys: `class`, `text`, `on<event>` handlers,
 * `dataset`, anything else as an attribute (`false`/`null` omit it). Children
 * are nodes or strings (inserted as text, never as HTML).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  appendAll(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Like `h`, for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  appendAll(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function appendAll(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of the element with id `id`. */
export function fill(id, ...children) {
  const el = typeof id === 'string' ? document.getElementById(id) : id;
  el.replaceChildren();
  appendAll(el, children);
  return el;
}

/** A utility (0..1) with three decimals, or a dash. */
export function fmtU(u) {
  return typeof u === 'number' && Number.isFinite(u) ? u.toFixed(3) : '—';
}

/** An issue value as the scenario writes it (18000, 2, "black"). */
export function fmtValue(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(12));
  return String(v);
}

/** The same value? Numbers compare numerically (18000 equals 18000.0). */
export function sameValue(a, b) {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

/** A horizontal bar showing a utility in 0..1. */
export function bar(u, cls = '') {
  const pct = Math.max(0, Math.min(1, Number(u) || 0)) * 100;
  const fill = h('span', { class: 'bar-fill' });
  // CSSOM, not a style attribute: the pages' CSP forbids inline styles.
  fill.style.width = `${pct.toFixed(1)}%`;
  return h('span', { class: `bar ${cls}`, 'aria-hidden': 'true' }, fill);
}

/** A status pill: open, agreement, ended. */
export function statusPill(status) {
  const labels = { open: 'Open', agreement: 'Agreement', ended: 'Ended' };
  return h('span', { class: `pill pill-${status}`, 'data-testid': 'status' }, labels[status] || status);
}

/** A package as a two-column table (issue, value). */
export function packageTable(pkg, issueOrder, extra) {
  const keys = issueOrder && issueOrder.length ? issueOrder.filter((k) => k in pkg) : Object.keys(pkg);
  return h('table', { class: 'package' },
    h('tbody', {}, keys.map((k) => h('tr', {},
      h('th', { scope: 'row' }, k),
      h('td', { dataset: { issue: k } }, fmtValue(pkg[k])),
      extra ? extra(k) : null))));
}

/** A package on one line: "price 20000 · warranty 2 · …". */
export function packageLine(pkg, issueOrder) {
  const keys = issueOrder && issueOrder.length ? issueOrder.filter((k) => k in pkg) : Object.keys(pkg);
  return keys.map((k) => `${k} ${fmtValue(pkg[k])}`).join(' · ');
}

/** Shows a message in the page's notice area (kind: info, error, ok). */
export function notice(message, kind = 'info') {
  const el = document.getElementById('notice');
  if (!el) return;
  if (!message) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.hidden = false;
  el.className = `notice notice-${kind}`;
  el.textContent = message;
  clearTimeout(noticeTimer);
  // Confirmations go away by themselves; errors stay until replaced.
  if (kind === 'ok') noticeTimer = setTimeout(() => notice(''), 4000);
}

let noticeTimer = null;

let openApiPaths = null;

/** The API paths this server documents (to use newer endpoints only when present). */
export async function serverPaths() {
  if (!openApiPaths) {
    openApiPaths = api('GET', '/openapi.json')
      .then((doc) => Object.keys((doc && doc.paths) || {}))
      .catch(() => []);
  }
  return openApiPaths;
}

/**
 * Calls `refresh()` now and whenever the session may have changed, until
 * `refresh` resolves to `false` (e.g. the negotiation is over).
 *
 * Uses the server's event stream (`GET /sessions/{id}/events`) when the
 * server documents one and it accepts the token, and polls every
 * `intervalMs` otherwise. Polling continues, slower (every 5 s), as a safety
 * net while the stream is up. The stream is read with `fetch` (EventSource
 * cannot send the Authorization header); each event is handed to
 * `onEvent(name, data)` (data parsed as JSON when it is) after the refresh
 * it triggers. A stream that drops is reopened (with `Last-Event-ID`, so the
 * server resumes after the last event delivered) after a growing pause.
 */
export function watch(session, token, refresh, { intervalMs = 1000, onEvent = null } = {}) {
  let stopped = false;
  let streaming = false;
  let timer = null;
  let running = null;
  const controller = new AbortController();

  let failing = false;
  // A refresh asked for while one runs may have been caused by a change that
  // one read too early: it runs again once done, and callers wait for that.
  let again = false;
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const more = await refresh();
          if (failing) notice('');
          failing = false;
          if (more === false) stop();
        } catch (e) {
          failing = true;
          notice(`Cannot refresh: ${e.message}`, 'error');
        }
      } while (again && !stopped);
      running = null;
    })();
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    const ms = streaming ? Math.max(5000, intervalMs) : document.hidden ? intervalMs * 5 : intervalMs;
    timer = setTimeout(async () => {
      await run();
      schedule();
    }, ms);
  };
  // Once the negotiation is over the server closes the stream itself: a
  // stream still up is left to close (cut only if it lingers), so the page
  // never aborts a request the server is about to finish.
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    if (streaming) setTimeout(() => controller.abort(), 10000);
    else controller.abort();
  };

  // Reads the stream once; resolves to true when it was accepted (and has
  // since ended), false when the server refused it.
  let lastId = null;
  const follow = async () => {
    const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    // A reconnecting stream resumes after the last event it delivered.
    if (lastId !== null) headers['last-event-id'] = lastId;
    const resp = await fetch(`/sessions/${encodeURIComponent(session)}/events`, {
      headers,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    if (!resp.ok || !resp.body) return false;
    streaming = true;
    // Marks the page as receiving live events (for tests and styling).
    document.documentElement.dataset.stream = 'live';
    schedule();
    try {
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done || stopped) break;
        buffer += decoder.decode(value, { stream: true });
        const events = [];
        let cut;
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
          const parsed = parseSseBlock(block);
          if (parsed) {
            if (parsed.id !== null) lastId = parsed.id;
            events.push(parsed);
          }
        }
        if (!events.length) continue; // keep-alive comments only
        // Any event may change what the page shows: refresh from the API.
        await run();
        // The last event received and refreshed for (for tests and styling).
        document.documentElement.dataset.lastEvent = events.at(-1).name;
        if (onEvent) {
          for (const e of events) {
            try {
              onEvent(e.name, e.data);
            } catch (err) {
              console.error(err);
            }
          }
        }
      }
    } finally {
      streaming = false;
      delete document.documentElement.dataset.stream;
      schedule();
    }
    return true;
  };

  (async () => {
    await run();
    schedule();
    const paths = await serverPaths();
    if (stopped || !paths.includes('/sessions/{id}/events')) return;
    // A stream that drops (a restart, a proxy's timeout) is opened again
    // after a growing pause; polling carries on meanwhile.
    let pause = 1000;
    while (!stopped) {
      let accepted = false;
      try {
        accepted = await follow();
      } catch {
        accepted = true; // a network error: try again
      }
      if (!accepted || stopped) return;
      await run();
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 30000);
    }
  })();

  return { refresh: run, stop };
}

/**
 * One server-sent event block: its `event:` name (default "message"), its
 * `id:` (or null) and its `data:` lines joined, parsed as JSON when they are.
 * `null` for comments.
 */
export function parseSseBlock(block) {
  let name = 'message';
  let id = null;
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (!data.length) return null;
  const text = data.join('\n');
  try {
    return { name, id, data: JSON.parse(text) };
  } catch {
    return { name, id, data: text };
  }
}

/** Copies text to the clipboard, with a fallback for non-secure origins. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'offscreen' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** Replays a record (admin view) into the public state of the negotiation. */
export function replayRecord(record) {
  const state = {
    negotiators: [],
    deadlineRounds: 0,
    moves: [],
    status: 'open',
    agreement: null,
    reason: null,
    createdAt: null,
  };
  for (const entry of record.events || []) {
    const ev = entry.event || {};
    if (ev.type === 'created') {
      state.negotiators = ev.negotiators || [];
      state.deadlineRounds = ev.deadline_rounds || 0;
      state.createdAt = ev.at_ms;
      state.protocol = ev.protocol;
    } else if (ev.type === 'proposal') {
      // Single negotiating text: the mediator's current draft and proposal.
      state.proposal = ev.proposal;
      state.draft = ev.draft;
    } else if (ev.type === 'vote') {
      state.moves.push({ seq: entry.seq, party: ev.party, kind: ev.accept ? 'accept' : 'veto', offer: null, round: ev.proposal, at: ev.at_ms });
    } else if (ev.type === 'move') {
      state.moves.push({ seq: entry.seq, party: ev.party, kind: ev.kind, offer: ev.offer || null, round: ev.round, at: ev.at_ms });
    } else if (ev.type === 'partial_move') {
      // Partial rounds: offers name some issues, acceptances a proposal.
      state.moves.push({
        seq: entry.seq, party: ev.party, kind: ev.kind, offer: ev.offer || null,
        proposal: ev.proposal ?? null, round: ev.round, at: ev.at_ms,
      });
    } else if (ev.type === 'settled') {
      state.settled = { ...(state.settled || {}), ...ev.issues };
      const accepted = state.moves.at(-1);
      if (accepted && accepted.proposal === ev.proposal) accepted.settles = ev.issues;
    } else if (ev.type === 'partial_agreement') {
      state.partialAgreement = ev.settled;
    } else if (ev.type === 'agreement') {
      state.status = 'agreement';
      state.agreement = ev.offer;
      state.finalRound = ev.round;
    } else if (ev.type === 'ended') {
      state.status = 'ended';
      state.reason = ev.reason;
      state.finalRound = ev.round;
    }
  }
  const n = state.negotiators.length || 1;
  if (state.protocol === 'single_text') {
    // One round per proposal; everyone votes, in any order.
    state.round = state.status === 'open' ? state.proposal ?? 0 : state.finalRound ?? 0;
    state.turn = null;
    return state;
  }
  if (state.protocol === 'partial_rounds') {
    // Anyone moves at any time; a round ends when every negotiator closed it.
    const last = state.moves.at(-1);
    const closed = last ? state.moves.filter((m) => m.round === last.round && m.kind === 'reject').length : 0;
    state.round = state.status === 'open'
      ? (last ? last.round + (closed === n ? 1 : 0) : 0)
      : state.finalRound ?? 0;
    state.turn = null;
    state.settled = state.settled || {};
    return state;
  }
  // While open, the round in progress; once finished, the round of the last move.
  state.round = state.status === 'open' ? Math.floor(state.moves.length / n) : state.finalRound ?? 0;
  state.turn = state.status === 'open' ? state.negotiators[state.moves.length % n] : null;
  return state;
}

/** "Round 3 of 10" (rounds are 0-based in the API); "Finished in round 3" once over. */
export function roundText(round, deadline, finished = false) {
  const shown = Math.min(round + 1, deadline || round + 1);
  if (finished) return `Finished in round ${shown}`;
  return deadline ? `Round ${shown} of ${deadline}` : `Round ${shown}`;
}

/** A short description of a move for logs: "Buyer offered", "Dealer accepted". */
export function moveVerb(kind) {
  return { offer: 'offered', accept: 'accepted', reject: 'rejected', end: 'ended the negotiation', veto: 'vetoed' }[kind] || kind;
}

/** A partial-rounds move for logs: "proposed: colour blue", "accepted proposal 3", "closed the round". */
export function partialMoveText(m, issueOrder) {
  if (m.kind === 'offer') return `proposed: ${packageLine(m.offer || {}, issueOrder)}`;
  if (m.kind === 'accept') {
    const settles = m.settles ? ` (settles ${packageLine(m.settles, issueOrder)})` : '';
    return `accepted proposal ${m.proposal}${settles}`;
  }
  if (m.kind === 'reject') return 'closed the round';
  return moveVerb(m.kind);
}

/**
 * A number for a form field: at most `decimals` decimals, without binary
 * noise (0.8500000000000001 → "0.85", 0.5 → "0.5", 18000 → "18000").
 */
export function roundedText(x, decimals = 4) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '';
  const r = Number(x.toFixed(decimals));
  return String(Object.is(r, -0) ? 0 : r);
}

/** Who receives disclosed preferences, as a phrase: "Mira" or "the convener". */
export function mediatorName(status) {
  return status && status.mediator ? status.mediator : 'the convener';
}

/**
 * Who has disclosed (never what) as a definition list: the mediator, who
 * discloses, who does not. `status` is the answer of GET /disclosure (or
 * the same fields of the mediator view); `me` names the reader when it is
 * a negotiator.
 */
export function disclosureList(status, me = null) {
  const name = (n) => (n === me ? `${n} (you)` : n);
  const waiting = status.negotiators.filter((n) => !status.disclosed.includes(n));
  const mediator = status.caller_is_mediator ? `${mediatorName(status)} (you)` : mediatorName(status);
  return h('dl', { class: 'kv', 'data-testid': 'disclosure' },
    h('dt', {}, 'Mediator'), h('dd', { 'data-testid': 'disclosure-mediator' }, mediator),
    h('dt', {}, 'Disclosed'), h('dd', { 'data-testid': 'disclosed' }, status.disclosed.length ? status.disclosed.map(name).join(', ') : 'nobody yet'),
    h('dt', {}, 'Not disclosed'), h('dd', { 'data-testid': 'not-disclosed' }, waiting.length ? waiting.map(name).join(', ') : 'nobody'));
}
