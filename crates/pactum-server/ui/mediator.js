// The mediator's view (admin, mediator or observer token): the trace of the
// session's moves (offers under alternating offers, proposals round by round
// under free-form partial rounds, drafts and votes under the single text)
// and, for the session's mediator (the scenario's mediator party, or the
// convener when the scenario names none) once every negotiator has
// disclosed its preferences, the utility space with the Pareto frontier and
// the Nash point. Every reader sees who has disclosed, live.
//
// Rules: issues and their options keep the scenario's order; values are
// shown in full (wrapped, and in full on hover); no log is clipped; move
// counts are counts of moves (acceptances included), never log sequence
// numbers.

import {
  api, disclosureList, fill, fmtU, fmtValue, fragment, h, mediatorName, moveVerb, notice, packageLine,
  packageTable, replayRecord, roundText, sameValue, serverPaths, statusPill, svg, watch,
} from './common.js';
import { spaceView } from './space.js';

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
  const deadline = state.deadlineRounds ? [h('dt', {}, 'Deadline'), h('dd', {}, `${state.deadlineRounds} rounds`)] : null;
  if (!!state.partial) {
    const p = state.partial;
    const settledCount = Object.keys(p.settled).length;
    parts.push(h('dl', { class: 'kv' },
      h('dt', {}, 'Protocol'), h('dd', {}, 'Free-form rounds with partial agreements'),
      h('dt', {}, 'Proposals'), h('dd', { 'data-testid': 'proposal-count' }, String(state.moves.length)),
      h('dt', {}, 'Moves'), h('dd', { 'data-testid': 'move-count' }, String(state.moveCount ?? state.moves.length)),
      deadline));
    // Settled issues apart from the open ones: settled ones stay settled.
    parts.push(h('div', { class: 'issue-split' },
      h('div', { class: 'settled-block', 'data-testid': 'settled-section' },
        h('h3', { class: 'small muted' }, `Settled (${settledCount})`),
        h('p', { 'data-testid': 'settled' }, settledCount ? packageLine(p.settled, state.issues) : 'no issue yet')),
      h('div', { class: 'open-block', 'data-testid': 'open-section' },
        h('h3', { class: 'small muted' }, `Open (${p.open_issues.length})`),
        h('p', { 'data-testid': 'open-issues' }, p.open_issues.length ? p.open_issues.join(', ') : 'none'))));
    if (state.status === 'agreement') {
      parts.push(h('p', { class: 'callout ok', 'data-testid': 'agreement' }, `Agreement: ${packageLine(p.settled, state.issues)}`));
    } else if (state.status === 'ended' && p.partial_agreement) {
      parts.push(h('div', { class: 'callout ok', 'data-testid': 'partial-result' },
        h('p', {}, 'Ended with a partial agreement on ', Object.keys(p.partial_agreement).join(', '),
          p.open_issues.length ? `; ${p.open_issues.join(', ')} left open.` : '.'),
        h('div', { 'data-testid': 'partial-agreement' }, packageTable(p.partial_agreement, state.issues))));
    } else if (state.status === 'ended') {
      parts.push(h('p', { class: 'callout' }, 'Ended without any issue settled.'));
    }
  } else if (!!state.text) {
    const t = state.text;
    const adopted = t.proposals.filter((q) => q.resolution === 'adopted').length;
    parts.push(h('dl', { class: 'kv' },
      h('dt', {}, 'Protocol'), h('dd', {}, 'Mediated single negotiating text'),
      h('dt', {}, 'Proposals'), h('dd', { 'data-testid': 'proposal-count' }, `${t.proposals.length} (${adopted} adopted)`),
      h('dt', {}, 'Moves'), h('dd', { 'data-testid': 'move-count' }, `${state.moveCount ?? '—'} (votes on decided proposals)`),
      deadline));
    parts.push(h('p', { class: 'hint small' }, state.status === 'agreement' ? 'The agreed text:' : 'The standing text:'));
    parts.push(h('div', { 'data-testid': 'standing-text' }, packageTable(t.draft, state.issues)));
    if (state.status === 'agreement') {
      parts.push(h('p', { class: 'callout ok', 'data-testid': 'agreement' }, `Agreement: ${packageLine(t.agreement, state.issues)}`));
    } else if (state.status === 'ended') {
      parts.push(h('p', { class: 'callout' }, 'Ended without a text everyone accepted.'));
    }
  } else {
    const offers = state.moves.filter((m) => m.kind === 'offer').length;
    const count = state.moveCount ?? state.moves.length;
    parts.push(h('dl', { class: 'kv' },
      h('dt', {}, 'Turn'), h('dd', {}, state.status === 'open' ? state.turn : '—'),
      h('dt', {}, 'Moves'), h('dd', { 'data-testid': 'move-count' }, `${count} (${offers} offer${offers === 1 ? '' : 's'})`),
      deadline));
    if (state.status === 'agreement') {
      parts.push(h('p', { class: 'callout ok', 'data-testid': 'agreement' }, `Agreement: ${packageLine(state.agreement, state.issues)}`));
    } else if (state.status === 'ended') {
      parts.push(h('p', { class: 'callout' }, `Ended without agreement (${state.reason || 'ended'}).`));
    }
  }
  fill('summary', parts);
}

// ---------------------------------------------------------------- trace

/** Most options an axis lists when none was offered: beyond, only the offered ones. */
const MAX_AXIS_OPTIONS = 15;

/**
 * The values of `issue` on its axis: a discrete issue's options in the
 * scenario's order (all of them when there are few, else those offered),
 * numbers in increasing order, anything else in the order first offered.
 */
function axisValues(state, offers, issue) {
  const offered = [];
  for (const m of offers) {
    const v = m.offer[issue];
    if (!offered.some((x) => sameValue(x, v))) offered.push(v);
  }
  const options = state.options && state.options[issue];
  if (options && options.length) {
    const known = options.length <= MAX_AXIS_OPTIONS ? options : options.filter((o) => offered.some((v) => sameValue(v, o)));
    // Anything offered that the scenario does not list (an older record) comes last.
    return [...known, ...offered.filter((v) => !known.some((o) => sameValue(o, v)))];
  }
  if (offered.every((v) => typeof v === 'number')) offered.sort((a, b) => a - b);
  return offered;
}

/** Characters per line of an axis label, and the label's lines (words kept whole when they fit). */
const LABEL_CHARS = 16;
function labelLines(text) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length;) {
      const room = line ? LABEL_CHARS - line.length - 1 : LABEL_CHARS;
      if (w.length <= room) {
        line = line ? `${line} ${w}` : w;
        w = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(w.slice(0, LABEL_CHARS));
        w = w.slice(LABEL_CHARS);
      }
    }
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

function issueChart(state, allOffers, issue, agreement) {
  // Partial proposals name only some issues.
  const offers = allOffers.filter((m) => issue in m.offer);
  // Options read top down in the scenario's order; numbers grow upwards.
  const discrete = !!(state.options && state.options[issue] && state.options[issue].length);
  const values = axisValues(state, offers, issue);
  if (discrete) values.reverse();
  const labels = values.map((v) => labelLines(fmtValue(v)));
  const widest = Math.max(1, ...labels.flat().map((l) => l.length));
  // Rows as tall as their wrapped labels; the margin as wide as the longest line.
  const LINE = 12, ROW = 18;
  const heights = labels.map((l) => Math.max(ROW, l.length * LINE + 6));
  const L = Math.min(118, Math.max(40, 14 + widest * 6.2)), R = 12, T = 22, B = 22;
  const W = 360 + Math.max(0, L - 78);
  const H = Math.max(110, T + B + heights.reduce((a, b) => a + b, 0));
  const n = state.moves.length;
  const x = (i) => L + (n <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  // The first value at the bottom; each row centred in its band.
  const centres = [];
  const free = H - T - B - heights.reduce((a, b) => a + b, 0);
  let at = H - B - free / 2;
  for (const hgt of heights) {
    centres.push(at - hgt / 2);
    at -= hgt;
  }
  const y = (v) => centres[Math.max(0, values.findIndex((x2) => sameValue(x2, v)))];
  const parts = [svg('text', { class: 'title', x: 0, y: 13 }, issue)];
  values.forEach((v, k) => {
    parts.push(svg('line', { class: 'grid-line', x1: L, x2: W - R, y1: centres[k], y2: centres[k] }));
    const lines = labels[k];
    const top = centres[k] + 4 - ((lines.length - 1) * LINE) / 2;
    parts.push(svg('text', { x: L - 6, y: top, 'text-anchor': 'end', 'data-value': fmtValue(v) },
      svg('title', {}, fmtValue(v)),
      lines.map((line, i) => svg('tspan', { x: L - 6, y: top + i * LINE }, line))));
  });
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
  parts.push(svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, !!state.partial ? 'proposals →' : 'moves →'));
  return svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Offers on ${issue}` }, parts);
}

/** Which trace the state carries (a record replayed for older servers has offers only). */
function traceKind(state) {
  return state.partial ? 'partial_rounds' : state.text ? 'single_text' : 'alternating_offers';
}

const TITLES = {
  alternating_offers: ['Offer trace', 'What each negotiator offered on each issue, move by move', 'Moves', 'Latest first'],
  partial_rounds: ['Proposal trace', 'The values each negotiator proposed on each issue, proposal by proposal', 'Rounds', 'Proposals, acceptances and settled issues, latest round first'],
  single_text: ['Draft trace', 'The draft each proposal started from, the change proposed marked', 'Votes', 'Each negotiator\'s vote on each proposal, latest first'],
};

function renderTitles(state) {
  const [trace, traceHint, moves, movesHint] = TITLES[traceKind(state)];
  fill('trace-title', trace);
  fill('trace-hint', traceHint);
  fill('moves-title', moves);
  fill('moves-hint', movesHint);
}

function renderTrace(state) {
  if (!!state.text) {
    renderDrafts(state);
    return;
  }
  fill('legend', state.negotiators.map((p) => h('span', {}, swatch(colour(state, p)), p)),
    state.status === 'agreement' || state.partialAgreement
      ? h('span', {}, h('span', { class: 'swatch ring' }), state.status === 'agreement' ? 'agreement' : 'partial agreement')
      : null);
  const offers = state.moves.filter((m) => m.offer);
  if (!offers.length) {
    fill('trace', h('p', { class: 'empty' }, !!state.partial ? 'No proposals yet.' : 'No offers yet.'));
    return;
  }
  const issues = state.issues && state.issues.length
    ? state.issues.filter((i) => offers.some((m) => i in m.offer))
    : Object.keys(offers[0].offer);
  const agreement = state.agreement || state.partialAgreement;
  fill('trace', issues.map((issue) => h('div', { 'data-issue': issue }, issueChart(state, offers, issue, agreement))));
}

/** Single text: one row per proposal, the draft it started from with the changed issue marked. */
function renderDrafts(state) {
  const t = state.text;
  fill('legend', h('span', {}, swatch('var(--ok-soft)'), 'adopted change'),
    h('span', {}, swatch('#dfe2e8'), 'vetoed change'),
    h('span', {}, swatch('var(--accent-soft)'), 'being voted on'));
  if (!t.proposals.length) {
    fill('trace', h('p', { class: 'empty' }, 'No proposal.'));
    return;
  }
  const tint = { adopted: 'var(--ok-soft)', vetoed: '#dfe2e8' };
  fill('trace', h('div', { class: 'full-log' }, h('table', { 'data-testid': 'drafts' },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), state.issues.map((i) => h('th', {}, i)), h('th', {}, 'Result'))),
    h('tbody', {}, t.proposals.map((q) => h('tr', { 'data-testid': 'draft-row', 'data-proposal': String(q.proposal) },
      h('td', { class: 'num' }, String(q.proposal + 1)),
      state.issues.map((i) => {
        const changed = q.change && i in q.change;
        const cell = h('td', { class: 'small', 'data-issue': i, title: changed ? `proposed: ${fmtValue(q.change[i])}` : null },
          i in q.draft ? fmtValue(q.draft[i]) : '—', changed ? h('strong', {}, ` → ${fmtValue(q.change[i])}`) : null);
        if (changed) cell.style.background = tint[q.resolution] || 'var(--accent-soft)';
        return cell;
      }),
      h('td', { class: 'small' }, q.resolution || 'voting'))),
    h('tr', { 'data-testid': 'draft-row', 'data-proposal': 'standing' },
      h('td', { class: 'num' }, '·'),
      state.issues.map((i) => h('td', { class: 'small', 'data-issue': i }, h('strong', {}, fmtValue(t.draft[i])))),
      h('td', { class: 'small' }, state.status === 'agreement' ? 'agreed text' : 'standing text'))))));
}

const PROPOSAL_STATE = { settled: ['pill-agreement', 'Settled'], lapsed: ['pill-ended', 'Lapsed'], open: ['pill-open', 'Open'] };

/** What each state of a partial-rounds proposal means (hover text and the note under the rounds). */
const PROPOSAL_HELP = {
  settled: 'Settled: every negotiator accepted it; its issues stay settled in later rounds.',
  lapsed: 'Lapsed: it can no longer be accepted, because another proposal settled one of its issues first or the round closed before every negotiator accepted it. Its issues, if still open, can be proposed again.',
  open: 'Open: it can still be accepted this round.',
};

function renderMoves(state) {
  if (!!state.partial) {
    renderRounds(state);
    return;
  }
  if (!!state.text) {
    renderVotes(state);
    return;
  }
  if (!state.moves.length) {
    fill('moves', h('p', { class: 'empty' }, 'No moves yet.'));
    return;
  }
  // Numbered 1, 2, 3… in the order made, as on the convener's page.
  const numbered = state.moves.map((m, i) => [i + 1, m]);
  fill('moves', h('table', { 'data-testid': 'move-log' },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'Round'), h('th', {}, 'Party'), h('th', {}, 'Move'))),
    h('tbody', {}, numbered.reverse().map(([k, m]) => h('tr', { 'data-testid': 'move', 'data-kind': m.kind },
      h('td', { class: 'num' }, String(k)),
      h('td', {}, String(m.round + 1)),
      h('td', { class: 'who' }, swatch(colour(state, m.party)), m.party),
      h('td', { class: 'small' }, m.offer ? `${moveVerb(m.kind)}: ${packageLine(m.offer, state.issues)}` : moveVerb(m.kind)))))));
}

/** Partial rounds: each round's proposals, who accepted them, what they settled, who closed the round. */
function renderRounds(state) {
  const rounds = state.partial.rounds;
  if (!rounds.some((r) => r.proposals.length || r.closed_by.length || r.ended_by)) {
    fill('moves', h('p', { class: 'empty' }, 'No moves yet.'));
    return;
  }
  const rows = [];
  for (const r of [...rounds].reverse()) {
    const notes = [];
    if (Object.keys(r.settled).length) notes.push(`settled ${packageLine(r.settled, state.issues)}`);
    if (r.closed_by.length) notes.push(`closed by ${r.closed_by.join(', ')}`);
    if (r.ended_by) notes.push(`ended by ${r.ended_by}`);
    rows.push(h('tr', { class: 'round-head', 'data-testid': 'round-head', 'data-round': String(r.round) },
      h('th', { colspan: 4, scope: 'rowgroup' }, `Round ${r.round + 1}`, notes.length ? h('span', { class: 'small muted' }, ` — ${notes.join('; ')}`) : null)));
    if (!r.proposals.length) {
      rows.push(h('tr', {}, h('td', { colspan: 4, class: 'small muted' }, 'No proposal.')));
    }
    for (const q of r.proposals) {
      const [cls, label] = PROPOSAL_STATE[q.state] || ['pill-ended', q.state];
      rows.push(h('tr', { 'data-testid': 'traced-proposal', 'data-party': q.party, 'data-state': q.state, 'data-proposal': String(q.id) },
        h('td', { class: 'who' }, swatch(colour(state, q.party)), q.party),
        h('td', { class: 'small' }, packageLine(q.offer, state.issues)),
        h('td', { class: 'small', title: 'accepted by (the proposer first)' }, q.accepted_by.join(', ')),
        h('td', {}, h('span', { class: `pill ${cls}`, title: PROPOSAL_HELP[q.state] || null, 'data-help': q.state }, label))));
    }
  }
  fill('moves', h('table', { 'data-testid': 'rounds' },
    h('thead', {}, h('tr', {}, h('th', {}, 'By'), h('th', {}, 'Proposal'), h('th', {}, 'Accepted by'), h('th', {}, ''))),
    h('tbody', {}, rows)),
  h('p', { class: 'hint small', 'data-testid': 'lapsed-help' }, PROPOSAL_HELP.lapsed));
}

/** Single text: every negotiator's vote on every proposal, latest first. */
function renderVotes(state) {
  const t = state.text;
  if (!t.proposals.length) {
    fill('moves', h('p', { class: 'empty' }, 'No proposal.'));
    return;
  }
  const voteText = (q, party) => {
    const v = q.votes.find((x) => x.party === party);
    if (!v) return '—';
    if (v.accept === null) return 'voted';
    return v.accept ? 'accept' : 'veto';
  };
  fill('moves', h('table', { 'data-testid': 'votes' },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'Change'),
      state.negotiators.map((n) => h('th', { class: 'who' }, swatch(colour(state, n)), n)), h('th', {}, 'Result'))),
    h('tbody', {}, [...t.proposals].reverse().map((q) => h('tr', {
      'data-testid': 'text-proposal', 'data-proposal': String(q.proposal), 'data-resolution': q.resolution || 'voting',
    },
    h('td', { class: 'num' }, String(q.proposal + 1)),
    h('td', { class: 'small' }, q.change ? packageLine(q.change, state.issues) : 'no change'),
    state.negotiators.map((n) => h('td', { class: 'small', 'data-vote': n }, voteText(q, n))),
    h('td', {}, q.resolution
      ? h('span', { class: `pill ${q.resolution === 'adopted' ? 'pill-agreement' : 'pill-ended'}` }, q.resolution === 'adopted' ? 'Adopted' : 'Vetoed')
      : h('span', { class: 'pill pill-open' }, 'Voting')))))));
}

// ---------------------------------------------------------------- utility space

const SPACE_DOTS = {
  alternating_offers: 'Dots: offers, coloured by who made them, joined in the order made. Hover a mark for its package.',
  partial_rounds: 'Below the space: each proposal\'s worth from its own issues, a contribution (weight × value; additive preferences only), coloured by who made it. Hover a mark for its package.',
  single_text: 'Dots: the proposed drafts in order (green adopted, grey vetoed, blue being voted on). Ring: the standing text. Hover a mark for its package.',
};

function renderSpace(state, view) {
  const space = view && view.utility_space;
  if (!space) {
    const who = view && 'mediator' in view
      ? `the session's mediator (${mediatorName(view)}${view.mediator ? '' : ', as the scenario names none'})`
      : 'the session\'s mediator';
    const parts = [h('p', { class: 'callout', 'data-testid': 'space-note' },
      `The utility-space plot (every offer, the Pareto frontier and the fair packages) appears here for ${who} once every negotiator has disclosed its preferences.`)];
    if (view) {
      parts.push(disclosureList({ ...view, caller_is_mediator: false }));
      const waiting = view.negotiators.filter((n) => !view.disclosed.includes(n));
      if (!waiting.length) {
        parts.push(h('p', { class: 'hint small', 'data-testid': 'not-mediator' },
          `Everyone has disclosed, but this link is not the mediator's: only ${mediatorName(view)} sees the utility space.`));
      }
    } else {
      parts.push(h('p', { class: 'hint small' }, 'This server does not offer preference disclosure, so the utility space stays private.'));
    }
    fill('space', parts);
    return;
  }
  fill('space',
    spaceView(space, state, { colour: (p) => colour(state, p), single: !!state.text, partial: !!state.partial }),
    h('p', { class: 'hint small' }, SPACE_DOTS[traceKind(state)]),
    disclosureList({ ...view, caller_is_mediator: true }));
}

// ---------------------------------------------------------------- refresh

/** The state from the mediator view alone (view-only tokens cannot read the record). */
function stateFromView(view) {
  const state = {
    protocol: view.protocol || 'alternating_offers',
    negotiators: view.negotiators,
    issues: view.issues || [],
    // Each discrete issue's options in the scenario's order.
    options: Object.fromEntries((view.issues || []).map((i, k) => [i, (view.issue_options || [])[k] || []])),
    moveCount: view.move_count,
    deadlineRounds: view.deadline_rounds || 0,
    moves: [],
    status: view.status,
    agreement: null,
    partialAgreement: null,
    reason: null,
    round: view.round,
    turn: view.turn,
  };
  if (view.partial) {
    // Every proposal in order, round by round.
    state.partial = view.partial;
    state.moves = view.partial.rounds.flatMap((r) => r.proposals.map((q) => ({
      seq: q.id, party: q.party, kind: 'offer', offer: q.offer, round: r.round, state: q.state,
    })));
    if (view.status === 'agreement') state.agreement = view.partial.settled;
    state.partialAgreement = view.partial.partial_agreement;
  } else if (view.single_text) {
    state.text = view.single_text;
    state.moves = view.single_text.proposals.map((q) => ({
      seq: q.proposal, party: null, kind: 'proposal', offer: q.proposed_draft, round: q.proposal, resolution: q.resolution,
    }));
    state.agreement = view.single_text.agreement;
  } else {
    // Every move (acceptances and rejections too) when the server lists them.
    state.moves = view.moves && (view.moves.length || !view.offers.length)
      ? view.moves.map((m) => ({ seq: m.seq, party: m.party, kind: m.kind, offer: m.offer || null, round: m.round }))
      : view.offers.map((o) => ({ seq: o.seq, party: o.party, kind: 'offer', offer: o.offer, round: o.round }));
    state.agreement = view.status === 'agreement' && view.offers.length ? view.offers[view.offers.length - 1].offer : null;
    // While open, the round in play; once finished, that of the last offer.
    if (view.status !== 'open') state.round = view.offers.length ? view.offers[view.offers.length - 1].round : 0;
  }
  return state;
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
    renderTitles(state);
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
