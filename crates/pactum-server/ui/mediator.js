// The mediator's view (admin token): the offer trace from the session's
// record and, once every party has disclosed its preferences, the utility
// space with the Pareto frontier and the Nash point.

import {
  api, fill, fmtU, fmtValue, fragment, h, moveVerb, notice, packageLine, replayRecord,
  roundText, sameValue, serverPaths, statusPill, svg, watch,
} from './common.js';

const { session, token } = fragment();
const base = `/sessions/${encodeURIComponent(session)}`;
let lastSnapshot = '';

function colour(state, party) {
  const i = state.negotiators.indexOf(party);
  return `var(--p${Math.max(0, i) % 4})`;
}

function swatch(c) {
  const s = h('span', { class: 'swatch' });
  s.style.background = c;
  return s;
}

// ---------------------------------------------------------------- summary

function renderSummary(state) {
  fill('m-status', statusPill(state.status));
  fill('m-round', h('span', { 'data-testid': 'round' }, roundText(state.round, state.deadlineRounds, state.status !== 'open')));
  fill('m-negotiators', state.negotiators.join(' · '));
  const parts = [];
  const offers = state.moves.filter((m) => m.kind === 'offer').length;
  parts.push(h('dl', { class: 'kv' },
    h('dt', {}, 'Turn'), h('dd', {}, state.status === 'open' ? state.turn : '—'),
    h('dt', {}, 'Moves'), h('dd', {}, `${state.moves.length} (${offers} offer${offers === 1 ? '' : 's'})`),
    state.deadlineRounds ? [h('dt', {}, 'Deadline'), h('dd', {}, `${state.deadlineRounds} rounds`)] : null));
  if (state.status === 'agreement') {
    parts.push(h('p', { class: 'callout ok', 'data-testid': 'agreement' }, `Agreement: ${packageLine(state.agreement)}`));
  } else if (state.status === 'ended') {
    parts.push(h('p', { class: 'callout' }, `Ended without agreement (${state.reason || 'ended'}).`));
  }
  fill('summary', parts);
}

// ---------------------------------------------------------------- trace

/** The distinct values offered on `issue`, in a readable order. */
function axisValues(offers, issue) {
  const values = [];
  for (const m of offers) {
    const v = m.offer[issue];
    if (!values.some((x) => sameValue(x, v))) values.push(v);
  }
  if (values.every((v) => typeof v === 'number')) values.sort((a, b) => a - b);
  return values;
}

function issueChart(state, offers, issue, agreement) {
  const values = axisValues(offers, issue);
  const W = 360, H = Math.max(110, 26 + values.length * 18), L = 78, R = 12, T = 22, B = 22;
  const n = state.moves.length;
  const x = (i) => L + (n <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v) => {
    const k = values.findIndex((x2) => sameValue(x2, v));
    return values.length === 1 ? (T + H - B) / 2 : H - B - (k * (H - T - B)) / (values.length - 1);
  };
  const parts = [svg('text', { class: 'title', x: 0, y: 13 }, issue)];
  for (const v of values) {
    parts.push(svg('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const label = fmtValue(v);
    parts.push(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, label.length > 12 ? `${label.slice(0, 11)}…` : label));
  }
  parts.push(svg('line', { class: 'axis', x1: L, x2: L, y1: T - 4, y2: H - B }));
  parts.push(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  const moveIndex = new Map(state.moves.map((m, i) => [m.seq, i]));
  for (const party of state.negotiators) {
    const mine = offers.filter((m) => m.party === party);
    if (mine.length > 1) {
      parts.push(svg('polyline', {
        points: mine.map((m) => `${x(moveIndex.get(m.seq))},${y(m.offer[issue])}`).join(' '),
        fill: 'none', stroke: colour(state, party), 'stroke-width': 1.5, 'stroke-opacity': 0.55,
      }));
    }
    for (const m of mine) {
      parts.push(svg('circle', { cx: x(moveIndex.get(m.seq)), cy: y(m.offer[issue]), r: 4, fill: colour(state, party) },
        svg('title', {}, `${party}, round ${m.round + 1}: ${fmtValue(m.offer[issue])}`)));
    }
  }
  if (agreement && issue in agreement) {
    parts.push(svg('circle', {
      cx: x(n - 1), cy: y(agreement[issue]), r: 8, fill: 'none', stroke: 'var(--ok)', 'stroke-width': 2,
    }, svg('title', {}, `Agreed: ${fmtValue(agreement[issue])}`)));
  }
  parts.push(svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, 'moves →'));
  return svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Offers on ${issue}` }, parts);
}

function renderTrace(state) {
  fill('legend', state.negotiators.map((p) => h('span', {}, swatch(colour(state, p)), p)),
    state.status === 'agreement' ? h('span', {}, h('span', { class: 'swatch ring' }), 'agreement') : null);
  const offers = state.moves.filter((m) => m.offer);
  if (!offers.length) {
    fill('trace', h('p', { class: 'empty' }, 'No offers yet.'));
    return;
  }
  const issues = Object.keys(offers[0].offer);
  fill('trace', issues.map((issue) => h('div', { 'data-issue': issue }, issueChart(state, offers, issue, state.agreement))));
}

function renderMoves(state) {
  if (!state.moves.length) {
    fill('moves', h('p', { class: 'empty' }, 'No moves yet.'));
    return;
  }
  fill('moves', h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Round'), h('th', {}, 'Party'), h('th', {}, 'Move'))),
    h('tbody', {}, [...state.moves].reverse().map((m) => h('tr', {},
      h('td', {}, String(m.round + 1)),
      h('td', { class: 'who' }, swatch(colour(state, m.party)), m.party),
      h('td', { class: 'small' }, m.offer ? `${moveVerb(m.kind)}: ${packageLine(m.offer)}` : moveVerb(m.kind)))))));
}

// ---------------------------------------------------------------- utility space

function renderSpace(state, view) {
  const space = view && view.utility_space;
  if (!space) {
    const parts = [h('p', { class: 'callout', 'data-testid': 'space-note' },
      'The utility-space plot (every offer, the Pareto frontier and the Nash point) appears here for the scenario\'s mediator once every negotiator has disclosed its preferences.')];
    if (view) {
      const waiting = view.negotiators.filter((n) => !view.disclosed.includes(n));
      parts.push(h('dl', { class: 'kv', 'data-testid': 'disclosure' },
        h('dt', {}, 'Disclosed'), h('dd', {}, view.disclosed.length ? view.disclosed.join(', ') : 'nobody yet'),
        h('dt', {}, 'Not disclosed'), h('dd', {}, waiting.length ? waiting.join(', ') : 'nobody')));
      if (!waiting.length) {
        parts.push(h('p', { class: 'hint small' }, 'Everyone has disclosed, but this link is not the mediator\'s: only the mediator sees the utility space.'));
      }
    } else {
      parts.push(h('p', { class: 'hint small' }, 'This server does not offer preference disclosure, so the utility space stays private.'));
    }
    fill('space', parts);
    return;
  }
  const [a, b] = space.negotiators;
  const W = 380, H = 340, L = 44, R = 12, T = 12, B = 40;
  const x = (u) => L + Math.max(0, Math.min(1, u)) * (W - L - R);
  const y = (u) => H - B - Math.max(0, Math.min(1, u)) * (H - T - B);
  const parts = [];
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg('line', { class: 'grid-line', x1: x(g), x2: x(g), y1: y(0), y2: y(1) }));
    parts.push(svg('line', { class: 'grid-line', x1: x(0), x2: x(1), y1: y(g), y2: y(g) }));
    parts.push(svg('text', { x: x(g), y: H - B + 14, 'text-anchor': 'middle' }, g.toFixed(2)));
    parts.push(svg('text', { x: L - 6, y: y(g) + 4, 'text-anchor': 'end' }, g.toFixed(2)));
  }
  parts.push(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, `${a}'s utility →`));
  parts.push(svg('text', { x: 12, y: (T + H - B) / 2, transform: `rotate(-90 12 ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, `${b}'s utility →`));
  for (const p of space.sample || []) {
    parts.push(svg('circle', { cx: x(p[0]), cy: y(p[1]), r: 1.6, fill: '#b7bec9', 'fill-opacity': 0.6 }));
  }
  const frontier = (space.frontier || []).map((f) => f.utilities).sort((p, q) => p[0] - q[0]);
  if (frontier.length) {
    parts.push(svg('polyline', {
      points: frontier.map((p) => `${x(p[0])},${y(p[1])}`).join(' '), fill: 'none', stroke: 'var(--ok)', 'stroke-width': 2,
    }));
  }
  const offers = state.moves.filter((m) => m.offer);
  (space.offers || []).forEach((p, i) => {
    const who = offers[i] ? offers[i].party : null;
    parts.push(svg('circle', { cx: x(p[0]), cy: y(p[1]), r: 4.5, fill: who ? colour(state, who) : 'var(--ink)', stroke: '#fff', 'stroke-width': 1 },
      svg('title', {}, `${who || 'offer'}: (${fmtU(p[0])}, ${fmtU(p[1])})`)));
  });
  if (space.nash) {
    const [nx, ny] = space.nash.utilities;
    parts.push(svg('rect', { x: x(nx) - 5, y: y(ny) - 5, width: 10, height: 10, fill: 'var(--ink)' },
      svg('title', {}, `Nash: ${packageLine(space.nash.offer)} (${fmtU(nx)}, ${fmtU(ny)})`)));
  }
  fill('space',
    svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Utility space', 'data-testid': 'space-plot' }, parts),
    h('p', { class: 'hint small' },
      `Grey: a sample of the ${space.outcome_count} outcomes. Green: Pareto frontier. Square: Nash point`,
      space.nash ? ` (${packageLine(space.nash.offer)})` : '', '. Dots: offers, coloured by who made them.'));
}

// ---------------------------------------------------------------- refresh

/** The state from the mediator view alone (view-only tokens cannot read the record). */
function stateFromView(view) {
  return {
    negotiators: view.negotiators,
    deadlineRounds: 0,
    moves: view.offers.map((o) => ({ seq: o.seq, party: o.party, kind: 'offer', offer: o.offer, round: o.round })),
    status: view.status,
    agreement: view.status === 'agreement' && view.offers.length ? view.offers[view.offers.length - 1].offer : null,
    reason: null,
    round: view.status === 'open' ? view.round : view.offers.length ? view.offers[view.offers.length - 1].round : 0,
    turn: view.turn,
  };
}

async function refresh() {
  const paths = await serverPaths();
  const hasView = paths.some((p) => /^\/sessions\/\{[^}]+\}\/mediator$/.test(p));
  // The mediator view serves the admin, mediators and observers alike; servers
  // without it get the admin's record instead.
  const view = hasView ? await api('GET', `${base}/mediator`, { token }) : null;
  const record = view ? null : await api('GET', `${base}/record`, { token });
  const state = record ? replayRecord(record) : stateFromView(view);
  const snapshot = JSON.stringify([record && record.events.length, view]);
  if (snapshot !== lastSnapshot) {
    lastSnapshot = snapshot;
    document.getElementById('content').hidden = false;
    renderSummary(state);
    renderTrace(state);
    renderMoves(state);
    renderSpace(state, view);
  }
  return state.status === 'open';
}

function init() {
  if (!session || !token) {
    notice('This page needs the mediator link from the convener (…/mediator.html#session=…&token=…).', 'error');
    return;
  }
  watch(session, token, async () => {
    try {
      return await refresh();
    } catch (e) {
      if (e.status === 401 || e.status === 403 || e.status === 404) {
        notice(`This link does not open a session's mediator view: ${e.message}`, 'error');
        return false;
      }
      throw e;
    }
  });
}

init();
