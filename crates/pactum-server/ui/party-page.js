// What a negotiator's page knows, and what every part of the page derives
// from it: the link's session and token, the API's answers (`page`), and
// the party's own utility of a package or of part of one.
//
// Rules: nothing here asks the server or draws. A utility is computed only
// from additive preferences (null otherwise, shown as a dash); a partial
// package's worth is a contribution (weight × value over its own issues).
// The modules above reload the page only through `reload`, which party.js
// sets, so no module imports one above it.

import { fmtU, fragment, h, sameValue } from './common.js';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);
/** The session and this party's token, from the invitation link's fragment. */
export const { session, token } = fragment();
/** The session's API path. */
export const base = `/sessions/${encodeURIComponent(session)}`;

/** What the page knows; `me` and `offers` are the API's answers. */
export const page = {
  me: null,
  offers: [],
  issues: [], // [{issue, weight, values: [{value, utility}] | null}]
  redLines: new Map(), // issue -> [value strings]
  formBuilt: false,
  suggestionsShown: false,
  lastSnapshot: '',
  busy: false,
  /** The single-text view (GET /single_text) in a single-text session, else null. */
  text: null,
  singleText: undefined, // unknown until the first refresh
  /** The draft the shown suggestions are about (single text). */
  suggestedDraft: '',
  /** Open issues the partial-offer form was built for (partial rounds). */
  partialFormKey: null,
  /** Who discloses to the session's mediator (GET /disclosure), or null. */
  disclosure: null,
};

/**
 * How the modules above reload the page from the server, set once by
 * party.js: `refresh` reads and draws; `watched` does so through the
 * session's watcher, which runs one refresh at a time.
 */
export const reload = { refresh: null, watched: null };

// ---------------------------------------------------------------- helpers

/** This party's preferences, as GET /me gave them. */
export function prefs() {
  return page.me.preferences;
}

/** The value function of `issue` at `value`, or null when unknown. */
export function valueUtility(issue, value) {
  const spec = page.issues.find((i) => i.issue === issue);
  if (!spec || !spec.values) return null;
  const v = spec.values.find((x) => sameValue(x.value, value));
  return v ? v.utility : null;
}

/** Own utility of a package from the preferences (additive only), or null. */
export function utilityOf(pkg) {
  if (prefs().kind !== 'additive') return null;
  let u = 0;
  for (const spec of page.issues) {
    const vu = valueUtility(spec.issue, pkg[spec.issue]);
    if (vu === null) return null;
    u += spec.weight * vu;
  }
  return u;
}

/**
 * Own utility contributed by the issues of a partial package (additive
 * preferences: the sum of weight × value over those issues), or null.
 */
export function contributionOf(pkg) {
  if (prefs().kind !== 'additive') return null;
  let u = 0;
  for (const [issue, value] of Object.entries(pkg)) {
    const spec = page.issues.find((i) => i.issue === issue);
    const vu = valueUtility(issue, value);
    if (!spec || vu === null) return null;
    u += spec.weight * vu;
  }
  return u;
}

/** "+0.300", or a dash when unknown. */
export function fmtPlus(u) {
  return u === null ? '—' : `+${fmtU(u)}`;
}

/** Whether `value` of `issue` is one of this party's red lines. */
export function crossesRedLine(issue, value) {
  const values = page.redLines.get(issue);
  return !!values && values.some((v) => sameValue(isNaN(v) ? v : Number(v), value));
}

/** Red lines arrive as "issue: v1, v2". */
export function parseRedLines(lines) {
  const map = new Map();
  for (const line of lines || []) {
    const at = line.indexOf(': ');
    if (at < 0) continue;
    map.set(line.slice(0, at), line.slice(at + 2).split(', '));
  }
  return map;
}

/** Whether the negotiation is open and it is this party's turn. */
export function myTurn() {
  return page.me.status === 'open' && page.me.turn === page.me.party;
}

/** The offer standing now and who made it (the latest offer in the history). */
export function standingBy() {
  if (!page.me.standing_offer || !page.offers.length) return null;
  return page.offers[page.offers.length - 1].party;
}

/** The colour of a negotiator in charts and tables (by its place in the session). */
export function partyColour(name) {
  const i = page.me.negotiators.indexOf(name);
  return `var(--p${Math.max(0, i) % 4})`;
}

/** A small square of a negotiator's colour. */
export function swatch(name) {
  const s = h('span', { class: 'swatch' });
  s.style.background = partyColour(name);
  return s;
}

/** Whether this party may still change its preferences (before its first move, as the server says). */
export function prefsEditable() {
  return page.me.status === 'open' && page.me.preferences_editable !== false;
}

/** Whether the session's suggestions include the fair (Nash) package (privacy level "full"). */
export function fullPrivacy() {
  return page.me && page.me.privacy === 'full';
}

/** Who the suggestions still wait for (their preferences not locked yet), as the server says. */
export function waitingForLocks() {
  return (page.me && page.me.waiting_for_locks) || [];
}

/** Whether the mediator can be asked: while the negotiation is open, and after an agreement (post-settlement), unless the convener turned suggestions off. */
export function canAsk() {
  return page.me.privacy !== 'off' && (page.me.status === 'open' || page.me.status === 'agreement');
}

/** Whether this session runs partial rounds (its protocol, from /me). */
export function isPartial() {
  return !!page.me && page.me.protocol === 'partial_rounds';
}

/** Issue names in the scenario's order (the order of the preferences). */
export function issueKeys(pkg) {
  const keys = page.issues.map((i) => i.issue);
  return keys.length ? keys.filter((k) => k in pkg) : Object.keys(pkg);
}
