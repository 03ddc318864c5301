// The utility-space plots of the party and mediator pages.
//
// Rules: a negotiator's page draws only its own utility (of each offer, in
// order, with its reservation line), never another party's axis; the
// mediator's page draws the joint space the server returns once every
// negotiator has disclosed: two negotiators chosen in a selector (the first
// two by default) with the outcome cloud, the reservation lines, the zone of
// possible agreement shaded, the frontier, the four fair packages (each its
// own mark; a note when some coincide), every party's offers as a path in
// time order and the agreement, and with three or more negotiators every
// pair at once. A partial-rounds proposal's worth is a contribution (its own
// issues only): it is drawn apart, never against the reservation lines.
// Every mark names its package on hover.

import { fmtU, h, packageLine, svg } from './common.js';

/**
 * Own utility of each offer in order, coloured by who made it.
 * `opts`: { negotiators, reservation (or null), colour(party) }.
 */
export function ownUtilityChart(offers, opts) {
  const issues = opts.issues || [];
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
    parts.push(svg('line', { class: 'reservation', 'data-testid': 'own-reservation', x1: L, x2: W - R, y1: y(rv), y2: y(rv) },
      svg('title', {}, `your reservation value ${fmtU(rv)}: what no deal is worth to you`)));
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
      parts.push(svg('circle', { class: 'offer', cx: x(i), cy: y(o.my_utility), r: 4, fill: opts.colour(who) },
        svg('title', {}, `${who}, round ${o.round + 1}: ${packageLine(o.offer, issues)} — your utility ${fmtU(o.my_utility)}`)));
    }
  }
  if (opts.agreed && n) {
    const last = offers[n - 1];
    parts.push(svg('circle', { class: 'agreement', 'data-testid': 'own-agreement', cx: x(n - 1), cy: y(last.my_utility), r: 8 },
      svg('title', {}, `agreement: ${packageLine(last.offer, issues)} — your utility ${fmtU(last.my_utility)}`)));
  }
  parts.push(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  parts.push(svg('text', { x: (W + L) / 2, y: H - 6, 'text-anchor': 'middle' }, 'offers in order →'));
  return svg('svg', { class: 'chart', 'data-testid': 'own-utility-plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Your utility of each offer' }, parts);
}

/** The four fair packages: field of the server's answer, name, mark. */
const FAIR = [
  ['nash', 'Nash bargaining solution', 'square'],
  ['kalai_smorodinsky', 'Kalai–Smorodinsky', 'diamond'],
  ['egalitarian', 'egalitarian', 'triangle'],
  ['utilitarian', 'utilitarian', 'down'],
];

/** The pair shown, kept across refreshes of the same negotiators. */
const chosen = { key: '', pair: [0, 1] };

/** Utilities the same within rounding (two fair packages coincide). */
function same(p, q) {
  return p.length === q.length && p.every((u, k) => Math.abs(u - q[k]) < 1e-9);
}

/** Groups of fair packages with the same utilities, largest first: [[names…], …] with two or more names. */
export function coinciding(space) {
  const groups = [];
  for (const [key, name] of FAIR) {
    const p = space[key];
    if (!p) continue;
    const g = groups.find((x) => same(x.u, p.utilities));
    if (g) g.names.push(name);
    else groups.push({ u: p.utilities, names: [name] });
  }
  return groups.filter((g) => g.names.length > 1).map((g) => g.names);
}

/** "A", "A and B", "A, B and C". */
function listText(names) {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A mark of `shape` centred at (cx, cy) of half-size r. */
function mark(shape, cx, cy, r, attrs, title) {
  const pts = {
    diamond: [[0, -r], [r, 0], [0, r], [-r, 0]],
    triangle: [[0, -r], [r, r * 0.8], [-r, r * 0.8]],
    down: [[0, r], [r, -r * 0.8], [-r, -r * 0.8]],
    star: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => {
      const a = (Math.PI / 5) * k - Math.PI / 2;
      const d = k % 2 ? r * 0.45 : r;
      return [d * Math.cos(a), d * Math.sin(a)];
    }),
  }[shape];
  const t = svg('title', {}, title);
  if (!pts) return svg('rect', { ...attrs, x: cx - r * 0.8, y: cy - r * 0.8, width: r * 1.6, height: r * 1.6 }, t);
  return svg('polygon', { ...attrs, points: pts.map(([dx, dy]) => `${(cx + dx).toFixed(1)},${(cy + dy).toFixed(1)}`).join(' ') }, t);
}

/** Points not dominated in the two coordinates, left to right (the pair's own frontier). */
function pairFrontier(points) {
  const sorted = [...points].sort((p, q) => q[0] - p[0] || q[1] - p[1]);
  const out = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p[1] > best + 1e-12) {
      out.push(p);
      best = p[1];
    }
  }
  return out.reverse();
}

/** The range of negotiator k's utilities over everything drawn, at least 0…1. */
function range(space, k) {
  let lo = 0, hi = 1;
  const see = (u) => {
    if (Number.isFinite(u)) {
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
  };
  for (const p of space.sample || []) see(p[k]);
  for (const f of space.frontier || []) see(f.utilities[k]);
  for (const p of space.offers || []) see(p[k]);
  return [lo, hi];
}

/** The agreement's utilities, when the session ended in one. */
function agreementOf(space, state) {
  if (state.status !== 'agreement') return null;
  if (state.text || state.partial) return space.standing || null;
  const offers = space.offers || [];
  return offers.length ? offers[offers.length - 1] : null;
}

/**
 * One pair's utility space as an SVG: negotiators i (across) and j (up).
 * `small`: a panel of the all-pairs view (fewer labels, no offers' hover).
 */
function pairPlot(space, state, i, j, opts, small) {
  const names = space.negotiators;
  const W = small ? 200 : 420, H = small ? 190 : 380;
  const L = small ? 28 : 48, R = 10, T = 10, B = small ? 30 : 44;
  const [x0, x1] = range(space, i);
  const [y0, y1] = range(space, j);
  const x = (u) => L + ((u - x0) / (x1 - x0)) * (W - L - R);
  const y = (u) => H - B - ((u - y0) / (y1 - y0)) * (H - T - B);
  const at = (u) => `${x(u[i]).toFixed(1)},${y(u[j]).toFixed(1)}`;
  const pkg = (p) => packageLine(p.offer, state.issues);
  const both = (u) => `${names[i]} ${fmtU(u[i])}, ${names[j]} ${fmtU(u[j])}`;
  const parts = [];
  // Zone of possible agreement of the two: both at least their reservation values.
  const rv = space.reservation_values || [];
  const rx = rv[i] ?? x0, ry = rv[j] ?? y0;
  if (rx < x1 && ry < y1) {
    parts.push(svg('rect', {
      class: 'zopa', 'data-testid': 'space-zopa', x: x(rx), y: y(y1), width: x(x1) - x(rx), height: y(ry) - y(y1),
    }, svg('title', {}, `zone of possible agreement of ${names[i]} and ${names[j]}: both at least their reservation values`)));
  }
  const ticks = small ? [0, 1] : [0, 0.25, 0.5, 0.75, 1];
  for (const g of ticks) {
    if (g >= x0 && g <= x1) {
      parts.push(svg('line', { class: 'grid-line', x1: x(g), x2: x(g), y1: y(y0), y2: y(y1) }));
      parts.push(svg('text', { x: x(g), y: H - B + 14, 'text-anchor': 'middle' }, small ? String(g) : g.toFixed(2)));
    }
    if (g >= y0 && g <= y1) {
      parts.push(svg('line', { class: 'grid-line', x1: x(x0), x2: x(x1), y1: y(g), y2: y(g) }));
      parts.push(svg('text', { x: L - 5, y: y(g) + 4, 'text-anchor': 'end' }, small ? String(g) : g.toFixed(2)));
    }
  }
  parts.push(svg('text', { class: 'axis-name', x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, `${names[i]} →`));
  const my = (T + H - B) / 2;
  parts.push(svg('text', { class: 'axis-name', x: 11, y: my, transform: `rotate(-90 11 ${my})`, 'text-anchor': 'middle' }, `${names[j]} →`));
  // The cloud: outcomes acceptable to every negotiator darker.
  const rational = (u) => u.every((v, k) => rv[k] == null || v >= rv[k] - 1e-12);
  const sample = space.sample || [];
  const step = small ? Math.max(1, Math.ceil(sample.length / 300)) : 1;
  for (let k = 0; k < sample.length; k += step) {
    const u = sample[k];
    parts.push(svg('circle', { class: rational(u) ? 'cloud rational' : 'cloud', cx: x(u[i]), cy: y(u[j]), r: small ? 1.2 : 1.6 }));
  }
  if (rv[i] != null) {
    parts.push(svg('line', { class: 'reservation', 'data-testid': 'reservation-x', x1: x(rv[i]), x2: x(rv[i]), y1: y(y0), y2: y(y1) },
      svg('title', {}, `${names[i]}'s reservation value ${fmtU(rv[i])}`)));
  }
  if (rv[j] != null) {
    parts.push(svg('line', { class: 'reservation', 'data-testid': 'reservation-y', x1: x(x0), x2: x(x1), y1: y(rv[j]), y2: y(rv[j]) },
      svg('title', {}, `${names[j]}'s reservation value ${fmtU(rv[j])}`)));
  }
  // The frontier of all negotiators projected; the line joins the pair's own best points.
  const frontier = space.frontier || [];
  const line = pairFrontier(frontier.map((f) => [f.utilities[i], f.utilities[j]]));
  if (line.length > 1) {
    parts.push(svg('polyline', { class: 'frontier', 'data-testid': 'space-frontier', points: line.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ') }));
  }
  for (const f of frontier) {
    parts.push(svg('circle', { class: 'frontier-point', cx: x(f.utilities[i]), cy: y(f.utilities[j]), r: small ? 1.8 : 2.6 },
      small ? null : svg('title', {}, `frontier: ${pkg(f)} (${both(f.utilities)})`)));
  }
  // Offers as paths in time order (not partial proposals: their worth is a contribution).
  if (!opts.partial) {
    const offers = state.moves.filter((m) => m.offer);
    const us = space.offers || [];
    const groups = new Map();
    us.forEach((u, k) => {
      const m = offers[k];
      const who = opts.single ? '' : m ? m.party : '';
      if (!groups.has(who)) groups.set(who, []);
      groups.get(who).push([u, m, k]);
    });
    const resolutionColour = { adopted: 'var(--ok)', vetoed: '#8a93a3' };
    for (const [who, pts] of groups) {
      const stroke = who ? opts.colour(who) : 'var(--accent)';
      if (pts.length > 1) {
        parts.push(svg('polyline', { class: 'offer-path', 'data-party': who || null, stroke, points: pts.map(([u]) => at(u)).join(' ') }));
      }
      for (const [u, m, k] of pts) {
        const fillColour = opts.single ? resolutionColour[m && m.resolution] || 'var(--accent)' : stroke;
        const label = opts.single
          ? `proposal ${k + 1}${m && m.resolution ? ` (${m.resolution})` : ''}`
          : `${who || 'offer'}${m ? `, round ${m.round + 1}` : ''}`;
        parts.push(svg('circle', { class: 'offer', 'data-testid': small ? null : 'space-offer', cx: x(u[i]), cy: y(u[j]), r: small ? 2.6 : 4.2, fill: fillColour },
          svg('title', {}, `${label}: ${m ? packageLine(m.offer, state.issues) : ''} (${both(u)})`)));
      }
    }
    if (space.standing && opts.single && state.status !== 'agreement') {
      parts.push(svg('circle', { class: 'standing', 'data-testid': 'space-standing', cx: x(space.standing[i]), cy: y(space.standing[j]), r: 8 },
        svg('title', {}, `standing text (${both(space.standing)})`)));
    }
  }
  for (const [key, name, shape] of FAIR) {
    const p = space[key];
    if (!p) continue;
    parts.push(mark(shape, x(p.utilities[i]), y(p.utilities[j]), small ? 4.5 : 6.5,
      { class: `fair fair-${key}`, 'data-testid': `fair-${key}` }, `${name}: ${pkg(p)} (${both(p.utilities)})`));
  }
  const agreed = agreementOf(space, state);
  if (agreed) {
    parts.push(mark('star', x(agreed[i]), y(agreed[j]), small ? 6 : 9, { class: 'agreement', 'data-testid': 'space-agreement' },
      `agreement (${both(agreed)})`));
  }
  return svg('svg', {
    class: small ? 'chart space-panel' : 'chart space-main', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `Utility space of ${names[i]} and ${names[j]}`, 'data-testid': small ? 'space-pair' : 'space-plot',
    'data-pair': `${names[i]}|${names[j]}`,
  }, parts);
}

/** Partial rounds: each proposal's contribution (its own issues only) to the pair's utilities, apart from the space. */
function contributionPlot(space, state, i, j, opts) {
  const names = space.negotiators;
  const offers = state.moves.filter((m) => m.offer);
  const us = space.offers || [];
  if (!us.length) return h('p', { class: 'hint small' }, 'No proposal yet.');
  const W = 420, H = 220, L = 48, R = 10, T = 10, B = 40;
  const standing = space.standing && state.status !== 'agreement' ? space.standing : null;
  const hi = Math.max(1e-9, ...us.flatMap((u) => [u[i], u[j]]), ...(standing ? [standing[i], standing[j]] : []));
  const x = (u) => L + (u / hi) * (W - L - R);
  const y = (u) => H - B - (u / hi) * (H - T - B);
  const parts = [
    svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }),
    svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }),
    svg('text', { class: 'axis-name', x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, `contribution to ${names[i]} →`),
    svg('text', { class: 'axis-name', x: 11, y: (T + H - B) / 2, transform: `rotate(-90 11 ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, `to ${names[j]} →`),
  ];
  us.forEach((u, k) => {
    const m = offers[k];
    parts.push(svg('circle', { class: 'offer', 'data-testid': 'space-offer', cx: x(u[i]), cy: y(u[j]), r: 4.2, fill: m ? opts.colour(m.party) : 'var(--ink)' },
      svg('title', {}, `${m ? `${m.party}: ${packageLine(m.offer, state.issues)}` : 'proposal'} — contributes ${names[i]} +${fmtU(u[i])}, ${names[j]} +${fmtU(u[j])}`)));
  });
  if (standing) {
    parts.push(svg('circle', { class: 'standing', 'data-testid': 'space-standing', cx: x(standing[i]), cy: y(standing[j]), r: 8 },
      svg('title', {}, `the settled issues contribute ${names[i]} +${fmtU(standing[i])}, ${names[j]} +${fmtU(standing[j])}`)));
  }
  return svg('svg', { class: 'chart space-main', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Proposals\' contributions', 'data-testid': 'space-contributions' }, parts);
}

function legend(space, opts) {
  const item = (cls, text) => h('span', {}, h('span', { class: `key ${cls}` }), text);
  return h('div', { class: 'legend space-legend', 'data-testid': 'space-legend' },
    item('key-cloud', space.sample && space.sample.length < Number(space.outcome_count)
      ? `a sample of ${space.sample.length} of the ${space.outcome_count} outcomes (darker: acceptable to every negotiator)`
      : `the ${space.outcome_count} outcomes (darker: acceptable to every negotiator)`),
    item('key-zopa', 'zone of possible agreement of the two (above both reservation lines)'),
    item('key-reservation', 'reservation values'),
    item('key-frontier', space.negotiators.length > 2 ? 'Pareto frontier (of all, projected)' : 'Pareto frontier'),
    FAIR.filter(([key]) => space[key]).map(([key, name]) => item(`key-fair key-${key}`, name)),
    opts.partial ? null : item('key-offer', opts.single ? 'proposed drafts in order' : 'each party\'s offers in time order'),
    item('key-agreement', 'agreement'));
}

/**
 * The mediator's utility space: the pair selector, the chosen pair's plot
 * with its legend, a note when fair packages coincide, a partial-rounds
 * session's contributions apart, and every pair at once for three or more
 * negotiators. `opts`: { colour(party), single, partial }.
 */
export function spaceView(space, state, opts) {
  const names = space.negotiators;
  const root = h('div', { class: 'space-view', 'data-testid': 'space-view' });
  const key = names.join('\u0000');
  if (chosen.key !== key) {
    chosen.key = key;
    chosen.pair = [0, Math.min(1, names.length - 1)];
  }
  const draw = () => {
    const [i, j] = chosen.pair;
    const select = (which, testid, label) => {
      const el = h('select', {
        'data-testid': testid,
        onchange: () => {
          chosen.pair[which] = Number(el.value);
          draw();
        },
      }, names.map((n, k) => h('option', { value: String(k), selected: k === chosen.pair[which] }, n)));
      return h('label', {}, label, ' ', el);
    };
    const parts = [
      h('div', { class: 'space-axes row', 'data-testid': 'space-axes' }, select(0, 'axis-x', 'Across'), select(1, 'axis-y', 'Up')),
      pairPlot(space, state, i, j, opts, false),
      legend(space, opts),
    ];
    const together = coinciding(space);
    if (together.length) {
      parts.push(h('p', { class: 'hint small', 'data-testid': 'fair-coincide' },
        together.map((g) => `${listText(g)} coincide (the same package).`).join(' ')));
    }
    if (opts.partial) {
      parts.push(h('h3', { class: 'small muted' }, 'Proposals\' contributions'));
      parts.push(h('p', { class: 'hint small', 'data-testid': 'contribution-note' },
        'Each proposal names some issues only: its worth is a contribution (weight × value over its issues), not a package\'s utility, so it is drawn here, apart, never against the reservation values. Ring: the issues settled so far.'));
      parts.push(contributionPlot(space, state, i, j, opts));
    }
    if (names.length > 2) {
      const panels = [];
      for (let a = 0; a < names.length; a++) {
        for (let b = a + 1; b < names.length; b++) {
          const panel = pairPlot(space, state, a, b, opts, true);
          panels.push(h('button', {
            type: 'button', class: 'space-pick', title: `Show ${names[a]} and ${names[b]} above`,
            onclick: () => {
              chosen.pair = [a, b];
              draw();
            },
          }, panel));
        }
      }
      parts.push(h('h3', { class: 'small muted' }, 'Every pair'));
      parts.push(h('div', { class: 'space-pairs', 'data-testid': 'space-pairs' }, panels));
    }
    root.replaceChildren(...parts);
  };
  draw();
  return root;
}
