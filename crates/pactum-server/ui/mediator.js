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
    h('dt', {}, 'Deadline'), h('dd', {}, `${state.deadlineRounds} rounds`)));
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

/**
 * Asks the server for the mediator's analysis, if it offers one. Expected
 * shape (all utilities in negotiator order): `{all_disclosed: bool,
 * frontier: [[u...]] | [{utilities: [u...]}], nash: [u...] | {utilities},
 * offers?: [{party, utilities}]}`. Resolves to null when unavailable.
 */
async function mediatorAnalysis() {
  const paths = await serverPaths();
  const path = paths.find((p) => /^\/sessions\/\{[^}]+\}\/mediator/.test(p));
  if (!path) return { available: false };
  try {
    const data = await api('GET', path.replace(/\{[^}]+\}/, encodeURIComponent(session)), { token });
    return { available: true, data };
  } catch (e) {
    return { available: true, error: e.message };
  }
}

const point = (p) => (Array.isArray(p) ? p : p && Array.isArray(p.utilities) ? p.utilities : null);

function renderSpace(state, analysis) {
  const data = analysis.data;
  const ready = data && data.all_disclosed === true && Array.isArray(data.frontier);
  if (!ready) {
    const why = !analysis.available
      ? 'This server does not offer preference disclosure yet, so the utility space stays private.'
      : analysis.error
        ? `The mediator analysis is unavailable: ${analysis.error}.`
        : 'Not every party has disclosed its preferences yet.';
    fill('space',
      h('p', { class: 'callout', 'data-testid': 'space-note' },
        'The utility-space plot (every offer, the Pareto frontier and the Nash point) appears here once every party has disclosed its preferences to the mediator.'),
      h('p', { class: 'hint small' }, why, ' Until then the trace shows what was offered, not what it is worth to anyone.'));
    return;
  }
  const [a, b] = state.negotiators;
  const W = 360, H = 320, L = 40, R = 12, T = 12, B = 36;
  const x = (u) => L + Math.max(0, Math.min(1, u)) * (W - L - R);
  const y = (u) => H - B - Math.max(0, Math.min(1, u)) * (H - T - B);
  const parts = [];
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg('line', { class: 'grid-line', x1: x(g), x2: x(g), y1: y(0), y2: y(1) }));
    parts.push(svg('line', { class: 'grid-line', x1: x(0), x2: x(1), y1: y(g), y2: y(g) }));
    parts.push(svg('text', { x: x(g), y: H - B + 14, 'text-anchor': 'middle' }, g.toFixed(2)));
    parts.push(svg('text', { x: L - 6, y: y(g) + 4, 'text-anchor': 'end' }, g.toFixed(2)));
  }
  parts.push(svg('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle' }, `${a}'s utility →`));
  parts.push(svg('text', { x: 10, y: (T + H - B) / 2, transform: `rotate(-90 10 ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, `${b}'s utility →`));
  const frontier = data.frontier.map(point).filter(Boolean).sort((p, q) => p[0] - q[0]);
  if (frontier.length) {
    parts.push(svg('polyline', {
      points: frontier.map((p) => `${x(p[0])},${y(p[1])}`).join(' '), fill: 'none', stroke: 'var(--ok)', 'stroke-width': 2,
    }));
  }
  for (const o of data.offers || []) {
    const p = point(o);
    if (p) parts.push(svg('circle', { cx: x(p[0]), cy: y(p[1]), r: 4, fill: colour(state, o.party) }));
  }
  const nash = point(data.nash);
  if (nash) {
    parts.push(svg('rect', { x: x(nash[0]) - 5, y: y(nash[1]) - 5, width: 10, height: 10, fill: 'var(--ink)' },
      svg('title', {}, `Nash point (${fmtU(nash[0])}, ${fmtU(nash[1])})`)));
  }
  fill('space',
    svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Utility space' }, parts),
    h('p', { class: 'hint small' }, 'Green: Pareto frontier. Square: Nash point. Dots: offers, by who made them.'));
}

// ---------------------------------------------------------------- refresh

async function refresh() {
  const [record, analysis] = await Promise.all([
    api('GET', `${base}/record`, { token }),
    mediatorAnalysis(),
  ]);
  const snapshot = JSON.stringify([record.events.length, analysis]);
  const state = replayRecord(record);
  if (snapshot !== lastSnapshot) {
    lastSnapshot = snapshot;
    document.getElementById('content').hidden = false;
    renderSummary(state);
    renderTrace(state);
    renderMoves(state);
    renderSpace(state, analysis);
  }
  // Keep watching after the end only while disclosures may still arrive.
  return state.status === 'open' || (analysis.available && !(analysis.data && analysis.data.all_disclosed));
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
