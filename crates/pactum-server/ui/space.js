// The utility-space plots of the party and mediator pages.
//
// Rules: a negotiator's page draws only its own utility (of each offer, in
// order, with its reservation line), never another party's axis; the
// mediator's page draws the joint space the server returns once every
// negotiator has disclosed.

import { fmtU, packageLine, svg } from './common.js';

/**
 * Own utility of each offer in order, coloured by who made it.
 * `opts`: { negotiators, reservation (or null), colour(party) }.
 */
export function ownUtilityChart(offers, opts) {
  const W = 540, H = 170, L = 34, R = 10, T = 10, B = 24;
  const n = offers.length;
  const x = (i) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (u) => T + (1 - Math.max(0, Math.min(1, u))) * (H - T - B);
  const parts = [];
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(g), y2: y(g) }));
    parts.push(svg('text', { x: L - 6, y: y(g) + 4, 'text-anchor': 'end' }, g.toFixed(2)));
  }
  const rv = opts.reservation;
  if (rv != null) {
    parts.push(svg('line', { x1: L, x2: W - R, y1: y(rv), y2: y(rv), stroke: 'var(--bad)', 'stroke-dasharray': '4 3', 'stroke-width': 1 }));
    parts.push(svg('text', { x: W - R, y: y(rv) - 4, 'text-anchor': 'end' }, 'reservation'));
  }
  for (const who of opts.negotiators) {
    const pts = offers.map((o, i) => [i, o]).filter(([, o]) => o.party === who);
    if (pts.length > 1) {
      parts.push(svg('polyline', {
        points: pts.map(([i, o]) => `${x(i)},${y(o.my_utility)}`).join(' '),
        fill: 'none', stroke: opts.colour(who), 'stroke-width': 1.5, 'stroke-opacity': 0.6,
      }));
    }
    for (const [i, o] of pts) {
      parts.push(svg('circle', { cx: x(i), cy: y(o.my_utility), r: 4, fill: opts.colour(who) },
        svg('title', {}, `${who}, round ${o.round + 1}: ${fmtU(o.my_utility)}`)));
    }
  }
  parts.push(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  parts.push(svg('text', { x: (W + L) / 2, y: H - 6, 'text-anchor': 'middle' }, 'offers in order →'));
  return svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Your utility of each offer' }, parts);
}

/**
 * The joint utility space of the first two negotiators (mediator page).
 * `state`: the page's trace (moves, issues); `opts`: { colour(party),
 * single (single text), partial (partial rounds) }.
 */
export function spacePlot(space, state, opts) {
  const { single, partial } = opts;
  const colour = opts.colour;
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
  const resolutionColour = { adopted: 'var(--ok)', vetoed: '#8a93a3' };
  (space.offers || []).forEach((p, i) => {
    const m = offers[i];
    const who = m ? m.party : null;
    const fillColour = single ? resolutionColour[m && m.resolution] || 'var(--accent)' : who ? colour(who) : 'var(--ink)';
    const label = single
      ? `proposal ${i + 1}${m && m.resolution ? ` (${m.resolution})` : ''}: ${m ? packageLine(m.offer, state.issues) : ''}`
      : partial && m ? `${who}: ${packageLine(m.offer, state.issues)}` : who || 'offer';
    parts.push(svg('circle', { cx: x(p[0]), cy: y(p[1]), r: 4.5, fill: fillColour, stroke: '#fff', 'stroke-width': 1, 'data-testid': 'space-offer' },
      svg('title', {}, `${label} (${fmtU(p[0])}, ${fmtU(p[1])})`)));
  });
  if (space.standing) {
    const [sx, sy] = space.standing;
    parts.push(svg('circle', { cx: x(sx), cy: y(sy), r: 8, fill: 'none', stroke: 'var(--ink)', 'stroke-width': 2, 'data-testid': 'space-standing' },
      svg('title', {}, `${single ? 'standing text' : 'settled issues'}: (${fmtU(sx)}, ${fmtU(sy)})`)));
  }
  if (space.nash) {
    const [nx, ny] = space.nash.utilities;
    parts.push(svg('rect', { x: x(nx) - 5, y: y(ny) - 5, width: 10, height: 10, fill: 'var(--ink)' },
      svg('title', {}, `Nash: ${packageLine(space.nash.offer, state.issues)} (${fmtU(nx)}, ${fmtU(ny)})`)));
  }
  return svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Utility space', 'data-testid': 'space-plot' }, parts);
}
