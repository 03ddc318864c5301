// A negotiator's page: own preferences, the standing offer, moves, suggestions.

import {
  api, bar, disclosureList, fill, fmtU, fmtValue, fragment, h, mediatorName, notice, packageLine,
  roundText, sameValue, serverPaths, statusPill, svg, watch,
} from './common.js';
import { ownUtilityChart } from './space.js';
import { textNotes, withWords, wordsSent } from './words.js';
import { mountPreferenceEditor } from './prefs.js';

const $ = (id) => document.getElementById(id);
const { session, token } = fragment();
const base = `/sessions/${encodeURIComponent(session)}`;

/** What the page knows; `me` and `offers` are the API's answers. */
const page = {
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

// ---------------------------------------------------------------- helpers

function prefs() {
  return page.me.preferences;
}

/** The value function of `issue` at `value`, or null when unknown. */
function valueUtility(issue, value) {
  const spec = page.issues.find((i) => i.issue === issue);
  if (!spec || !spec.values) return null;
  const v = spec.values.find((x) => sameValue(x.value, value));
  return v ? v.utility : null;
}

/** Own utility of a package from the preferences (additive only), or null. */
function utilityOf(pkg) {
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
function contributionOf(pkg) {
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
function fmtPlus(u) {
  return u === null ? '—' : `+${fmtU(u)}`;
}

function crossesRedLine(issue, value) {
  const values = page.redLines.get(issue);
  return !!values && values.some((v) => sameValue(isNaN(v) ? v : Number(v), value));
}

/** Red lines arrive as "issue: v1, v2". */
function parseRedLines(lines) {
  const map = new Map();
  for (const line of lines || []) {
    const at = line.indexOf(': ');
    if (at < 0) continue;
    map.set(line.slice(0, at), line.slice(at + 2).split(', '));
  }
  return map;
}

function myTurn() {
  return page.me.status === 'open' && page.me.turn === page.me.party;
}

/** The offer standing now and who made it (the latest offer in the history). */
function standingBy() {
  if (!page.me.standing_offer || !page.offers.length) return null;
  return page.offers[page.offers.length - 1].party;
}

function partyColour(name) {
  const i = page.me.negotiators.indexOf(name);
  return `var(--p${Math.max(0, i) % 4})`;
}

function swatch(name) {
  const s = h('span', { class: 'swatch' });
  s.style.background = partyColour(name);
  return s;
}

// ---------------------------------------------------------------- preferences

function renderPreferences() {
  const p = prefs();
  const facts = [];
  facts.push(h('dt', {}, 'Reservation value'),
    h('dd', { 'data-testid': 'reservation' }, p.reservation_value == null ? 'none' : fmtU(p.reservation_value)));
  if (p.discount_factor != null) facts.push(h('dt', {}, 'Discount factor'), h('dd', {}, String(p.discount_factor)));
  facts.push(h('dt', {}, 'Red lines'), h('dd', {}, p.red_lines.length ? p.red_lines.join('; ') : 'none'));
  const parts = [
    h('p', { class: 'hint small' },
      'Your utility of a package is the sum over issues of weight × value. ',
      p.reservation_value == null ? '' : `No deal is worth ${fmtU(p.reservation_value)} to you.`),
    h('dl', { class: 'kv' }, facts),
  ];
  if (p.kind !== 'additive') {
    parts.push(h('p', { class: 'callout' },
      `Your utility is given by ${p.rectangles ?? 'several'} hyper-rectangles; the server computes it for every offer.`));
  } else {
    parts.push(h('div', { class: 'issues' }, page.issues.map((spec) => h('div', { class: 'issue', 'data-issue': spec.issue },
      h('div', { class: 'issue-head' },
        h('h3', {}, spec.issue),
        h('span', { class: 'weight' }, `weight ${spec.weight.toFixed(2)}`)),
      bar(spec.weight, 'weight'),
      spec.values
        ? h('table', { class: 'values' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Value'), h('th', {}, ''), h('th', { class: 'num' }, 'Utility'))),
          h('tbody', {}, spec.values.map((v) => h('tr', { class: crossesRedLine(spec.issue, v.value) ? 'redline' : null, title: crossesRedLine(spec.issue, v.value) ? 'Red line: you will not accept this value' : null },
            h('td', {}, fmtValue(v.value)),
            h('td', { class: 'barcell' }, bar(v.utility)),
            h('td', { class: 'num' }, v.utility.toFixed(2))))))
        : h('p', { class: 'hint small' }, 'Too many values to list.')))));
  }
  parts.push(h('div', { id: 'disclosure', class: 'disclosure', hidden: true }));
  parts.push(h('div', { id: 'edit-prefs-box', hidden: true }));
  fill('prefs', parts);
  setUpDisclosure();
  setUpPreferenceEditor();
}

// ---------------------------------------------------------------- editing preferences

/** Whether this party may still change its preferences (before its first move, as the server says). */
function prefsEditable() {
  return page.me.status === 'open' && page.me.preferences_editable !== false;
}

/**
 * The preference editor (prefs.js) under the preferences, when the server
 * takes edits (PUT /me/preferences) and this party may still make them.
 */
async function setUpPreferenceEditor() {
  const paths = await serverPaths();
  if (!paths.includes('/sessions/{id}/me/preferences')) return;
  if (prefs().kind !== 'additive' || !prefsEditable()) return;
  mountPreferenceEditor($('edit-prefs-box'), {
    preferences: prefs(),
    issues: page.issues,
    redLines: page.redLines,
    save: async (body) => {
      try {
        await api('PUT', `${base}/me/preferences`, { token, body });
        notice('Your preferences are updated. Only a commitment to them is recorded; nobody else sees them.');
        page.formBuilt = false;
        page.lastSnapshot = '';
        await refresh();
      } catch (e) {
        notice(`Preferences not changed: ${e.message}`, 'error');
      }
    },
  });
}

// ---------------------------------------------------------------- disclosure

/**
 * Lets the party show its preferences to the session's mediator (the
 * scenario's mediator party, or the convener when it names none), when the
 * server supports it, and shows who discloses (never what), kept current
 * by every refresh.
 */
async function setUpDisclosure() {
  const paths = await serverPaths();
  if (!paths.includes('/sessions/{id}/disclosure')) return;
  const box = $('disclosure');
  const choose = async (disclose) => {
    try {
      await api('PUT', `${base}/disclosure`, { token, body: { disclose } });
      page.disclosure = await api('GET', `${base}/disclosure`, { token });
      renderDisclosure();
    } catch (e) {
      notice(`Disclosure not changed: ${e.message}`, 'error');
    }
  };
  fill(box,
    h('h3', { class: 'small muted' }, 'Disclosure to the mediator'),
    h('p', { class: 'small', id: 'disclosure-state' }, ''),
    h('div', { id: 'disclosure-list' }),
    h('div', { class: 'actions', id: 'disclosure-actions' },
      h('button', { type: 'button', class: 'secondary small', id: 'disclose', onclick: () => choose(true) }, 'Disclose to the mediator'),
      h('button', { type: 'button', class: 'secondary small', id: 'withdraw', onclick: () => choose(false) }, 'Withdraw')));
  box.hidden = false;
  renderDisclosure();
}

/** The party's own disclosure choice and who else discloses, from `page.disclosure`. */
function renderDisclosure() {
  const s = page.disclosure;
  const state = $('disclosure-state');
  if (!s || !state || !$('disclosure-list')) return;
  const to = s.mediator ? `the scenario's mediator, ${s.mediator}` : 'the convener, who mediates (the scenario names no mediator)';
  const others = s.all_disclosed ? '; so does every negotiator.' : '; not every negotiator does yet.';
  fill(state, s.mine
    ? `You disclose your preferences to ${to}${others}`
    : `You do not disclose your preferences. Disclosing lets ${to} see the utility space (every negotiator's utilities) to guide the talks; other negotiators never see your preferences.${s.open ? ' You can withdraw until the negotiation ends.' : ''}`);
  state.dataset.disclose = String(!!s.mine);
  state.dataset.mediator = mediatorName(s);
  fill('disclosure-list', disclosureList(s, page.me && page.me.party));
  $('disclose').disabled = !!s.mine || !s.open;
  $('withdraw').disabled = !s.mine || !s.open;
  $('disclosure-actions').hidden = !s.open;
}

// ---------------------------------------------------------------- offer form

function buildForm() {
  const form = $('offer-form');
  form.replaceChildren();
  if (prefs().kind !== 'additive' || !page.issues.length) {
    form.append(h('p', { class: 'callout' }, 'This page can make offers only for additive preferences; use the API for this scenario.'));
    page.formBuilt = true;
    return;
  }
  for (const spec of page.issues) {
    const id = `offer-${spec.issue}`;
    let control;
    if (spec.values) {
      // Best values first? No: keep the scenario's order, which is how people read scales.
      control = h('select', { id, 'data-issue': spec.issue, onchange: updateFormUtility },
        spec.values.map((v) => h('option', { value: fmtValue(v.value) },
          `${fmtValue(v.value)}   (${v.utility.toFixed(2)})${crossesRedLine(spec.issue, v.value) ? '  — red line' : ''}`)));
    } else {
      control = h('input', { id, type: 'text', 'data-issue': spec.issue, oninput: updateFormUtility });
    }
    form.append(h('div', { class: 'issue-row' },
      h('label', { for: id }, spec.issue),
      control,
      h('span', { class: 'contrib', id: `${id}-contrib`, title: 'weight × value utility' }, '')));
  }
  form.append(
    h('div', { class: 'offer-total' },
      h('span', { class: 'muted' }, 'Your utility'),
      h('span', { class: 'value', id: 'offer-utility', 'data-testid': 'offer-utility' }, '—'),
      h('span', { id: 'offer-utility-bar', class: 'grow' }),
      h('span', { id: 'offer-warning', class: 'small' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'send-offer' }, 'Send offer'),
      h('button', { type: 'button', id: 'from-standing', class: 'secondary', onclick: () => prefillForm(page.me.standing_offer?.offer) }, 'Start from the standing offer'),
      h('button', { type: 'button', id: 'from-best', class: 'secondary', onclick: () => prefillForm(bestPackage()) }, 'My best package')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    sendOffer();
  });
  page.formBuilt = true;
  prefillForm(page.me.standing_offer?.offer || bestPackage());
}

/** The package with each issue at its best value for this party. */
function bestPackage() {
  const pkg = {};
  for (const spec of page.issues) {
    if (!spec.values || !spec.values.length) continue;
    const allowed = spec.values.filter((v) => !crossesRedLine(spec.issue, v.value));
    const pool = allowed.length ? allowed : spec.values;
    pkg[spec.issue] = pool.reduce((a, b) => (b.utility > a.utility ? b : a)).value;
  }
  return pkg;
}

function prefillForm(pkg) {
  if (!pkg) return;
  for (const spec of page.issues) {
    const el = $(`offer-${spec.issue}`);
    if (el && spec.issue in pkg) el.value = fmtValue(pkg[spec.issue]);
  }
  updateFormUtility();
}

/** The package currently chosen in the form, with values as the API gave them. */
function formPackage() {
  const pkg = {};
  for (const spec of page.issues) {
    const el = $(`offer-${spec.issue}`);
    if (!el) continue;
    if (spec.values) {
      const v = spec.values.find((x) => fmtValue(x.value) === el.value);
      pkg[spec.issue] = v ? v.value : el.value;
    } else {
      const raw = el.value.trim();
      pkg[spec.issue] = raw !== '' && !isNaN(raw) ? Number(raw) : raw;
    }
  }
  return pkg;
}

function updateFormUtility() {
  if (!$('offer-utility')) return;
  const pkg = formPackage();
  for (const spec of page.issues) {
    const vu = valueUtility(spec.issue, pkg[spec.issue]);
    const el = $(`offer-${spec.issue}-contrib`);
    if (el) el.textContent = vu === null ? '' : `+${(spec.weight * vu).toFixed(3)}`;
  }
  const u = utilityOf(pkg);
  $('offer-utility').textContent = fmtU(u);
  fill('offer-utility-bar', u === null ? '' : bar(u));
  const warnings = [];
  const rv = prefs().reservation_value;
  if (u !== null && rv != null && u < rv) warnings.push(`below your reservation value (${fmtU(rv)})`);
  const crossed = page.issues.filter((s) => crossesRedLine(s.issue, pkg[s.issue])).map((s) => s.issue);
  if (crossed.length) warnings.push(`crosses your red line on ${crossed.join(', ')}`);
  const warn = $('offer-warning');
  warn.textContent = warnings.length ? `⚠ ${warnings.join('; ')}` : '';
  warn.className = warnings.length ? 'small warn-text' : 'small';
}

// ---------------------------------------------------------------- moves

async function move(body, what) {
  if (page.busy) return;
  page.busy = true;
  updateButtons();
  try {
    const answer = await api('POST', `${base}/moves`, { token, body: withWords(body) });
    wordsSent();
    if (answer.status === 'open') notice(`${what}.`, 'ok');
    else notice(''); // the banner says how it finished
  } catch (e) {
    notice(`Your move was not accepted: ${e.message}`, 'error');
  } finally {
    page.busy = false;
    await watcher.refresh();
    updateButtons();
  }
}

function sendOffer() {
  move({ kind: 'offer', offer: formPackage() }, 'Offer sent');
}

let endArmed = null;

function endClicked() {
  const button = $('end');
  if (!endArmed) {
    button.classList.add('armed');
    button.textContent = 'Click again to end';
    endArmed = setTimeout(disarmEnd, 4000);
    return;
  }
  disarmEnd();
  move({ kind: 'end' }, 'You ended the negotiation');
}

function disarmEnd() {
  clearTimeout(endArmed);
  endArmed = null;
  const button = $('end');
  button.classList.remove('armed');
  button.textContent = 'End negotiation';
}

/** Whether the session's suggestions include the fair (Nash) package (privacy level "full"). */
function fullPrivacy() {
  return page.me && page.me.privacy === 'full';
}

/** What the suggestion card says before any suggestion is shown. */
function defaultSuggestionHint() {
  const nash = fullPrivacy() ? ', and the Nash bargaining package' : '';
  if (page.singleText) {
    return `The mediator combines every party’s private preferences and proposes packages that leave everyone at least as well off as the draft${nash}. You see only your own utility of each.`;
  }
  if (isPartial()) {
    return fullPrivacy()
      ? 'The mediator combines every party’s private preferences into the Nash bargaining package; use its values on the open issues for a proposal. You see only your own utility.'
      : 'At this session’s privacy level the mediator suggests packages that improve on an agreement, once there is one. You see only your own utility of each.';
  }
  return `The mediator combines every party’s private preferences and proposes packages that leave everyone at least as well off as the standing offer${nash}. You see only your own utility of each.`;
}

// ---------------------------------------------------------------- locking preferences

/** Who the suggestions still wait for (their preferences not locked yet), as the server says. */
function waitingForLocks() {
  return (page.me && page.me.waiting_for_locks) || [];
}

/** The lock state: the caller's own lock button, and whom the suggestions wait for. */
function renderLock() {
  const open = page.me.status === 'open';
  const locked = page.me.preferences_locked !== false;
  const waiting = waitingForLocks();
  const button = $('lock-prefs');
  button.hidden = !open || locked;
  button.disabled = page.busy;
  let text = '';
  if (!locked) {
    text = 'Suggestions come once every negotiator’s preferences are locked (by locking them here or by a first move); yours can then no longer change.';
  } else if (waiting.length) {
    text = `Your preferences are locked. Waiting for others to lock theirs: ${waiting.join(', ')}.`;
  } else if (open) {
    text = 'Every negotiator’s preferences are locked: the mediator can make suggestions.';
  }
  fill('lock-state', text);
  $('lock-box').hidden = !text && button.hidden;
}

async function lockPreferences() {
  const button = $('lock-prefs');
  button.disabled = true;
  try {
    await api('POST', `${base}/preferences/lock`, { token });
    notice('Your preferences are locked: they can no longer change.');
    page.lastSnapshot = '';
    await refresh();
  } catch (e) {
    notice(`Preferences not locked: ${e.message}`, 'error');
    button.disabled = false;
  }
}

/** Suggestions are about one standing offer: drop them when it changes. */
function resetSuggestions() {
  fill('suggestions', h('p', { class: 'hint' },
    page.suggestionsShown
      ? 'The standing offer changed: ask again for suggestions about the new one.'
      : defaultSuggestionHint()));
}

function updateButtons() {
  const open = page.me.status === 'open';
  const turn = myTurn() && !page.busy;
  const by = standingBy();
  const canRespond = turn && !!page.me.standing_offer && by !== page.me.party;
  $('accept').disabled = !canRespond;
  $('reject').disabled = !canRespond;
  $('end').disabled = !turn;
  $('respond').hidden = !open;
  const send = $('send-offer');
  if (send) send.disabled = !turn;
  const fromStanding = $('from-standing');
  if (fromStanding) fromStanding.disabled = !page.me.standing_offer;
  $('compose-card').hidden = !open || isPartial();
  $('suggest-card').hidden = !canAsk();
  if ($('edit-prefs-box') && !prefsEditable()) $('edit-prefs-box').hidden = true;
  $('ask').disabled = !canAsk() || waitingForLocks().length > 0;
  renderLock();
}

// ---------------------------------------------------------------- status and standing offer

function renderStatus() {
  const me = page.me;
  fill('me-party', me.party);
  fill('me-status', statusPill(me.status));
  // The API's round counts moves made; once over, the last offer's round is the telling one.
  const lastRound = page.offers.length ? page.offers[page.offers.length - 1].round : 0;
  fill('me-round', h('span', { 'data-testid': 'round' }, me.status === 'open'
    ? roundText(me.round, me.deadline_rounds)
    : me.status === 'agreement' ? `Agreed on an offer of round ${lastRound + 1}` : 'Over'));
  document.title = `Pactum · ${me.party}`;
  const banner = $('turn-banner');
  banner.hidden = false;
  if (me.status === 'agreement') {
    banner.className = 'callout ok';
    banner.textContent = 'Agreement reached. The negotiation is over.';
  } else if (me.status === 'ended') {
    banner.className = 'callout';
    banner.textContent = 'The negotiation ended without agreement.';
  } else if (myTurn()) {
    banner.className = 'callout warn';
    banner.textContent = me.standing_offer
      ? standingBy() === me.party
        ? 'Your turn. Your offer stands: make a new offer or end the negotiation.'
        : 'Your turn: accept the standing offer, reject it, make a counter-offer or end.'
      : 'Your turn: make the first offer.';
  } else {
    banner.className = 'callout';
    banner.textContent = `Waiting for ${me.turn} to move.`;
  }
  banner.dataset.testid = 'turn';
}

function renderStanding() {
  const me = page.me;
  const standing = me.standing_offer;
  const by = standingBy();
  const agreed = me.status === 'agreement';
  fill('standing-title', agreed ? 'Agreement' : 'Standing offer');
  if (!standing) {
    fill('standing-by', '');
    fill('standing', h('p', { class: 'empty' },
      me.status === 'open' ? `No offer yet. ${me.turn === me.party ? 'You make' : `${me.turn} makes`} the first one.` : 'No offer was made.'));
    return;
  }
  const last = page.offers[page.offers.length - 1];
  fill('standing-by', by ? `${agreed ? 'Proposed' : 'Offered'} by ${by === me.party ? 'you' : by}${last ? ` in round ${last.round + 1}` : ''}` : '');
  const rv = prefs().reservation_value;
  const u = standing.my_utility;
  const verdict = rv == null
    ? null
    : u >= rv
      ? h('span', { class: 'small', 'data-testid': 'verdict' }, `above your reservation value (${fmtU(rv)})`)
      : h('span', { class: 'small warn-text', 'data-testid': 'verdict' }, `below your reservation value (${fmtU(rv)})`);
  const keys = page.issues.length ? page.issues.map((i) => i.issue) : Object.keys(standing.offer);
  fill('standing',
    h('div', { 'data-testid': agreed ? 'agreement' : 'standing-offer' },
      h('table', { class: 'package' }, h('tbody', {}, keys.filter((k) => k in standing.offer).map((k) => {
        const vu = valueUtility(k, standing.offer[k]);
        return h('tr', {},
          h('th', { scope: 'row' }, k),
          h('td', { dataset: { issue: k } }, fmtValue(standing.offer[k])),
          h('td', { class: 'num small muted' }, vu === null ? '' : vu.toFixed(2)));
      })))),
    h('div', { class: 'big-utility' },
      h('span', { class: 'value', id: 'standing-utility', 'data-testid': 'my-utility' }, fmtU(u)),
      h('span', { class: 'label' }, agreed ? 'your utility of the agreement' : 'your utility')),
    bar(u),
    verdict ? h('p', { class: 'small', id: 'standing-verdict' }, verdict) : null);
}

// ---------------------------------------------------------------- history

function renderHistory() {
  const offers = page.offers;
  if (!offers.length) {
    fill('history', h('p', { class: 'empty' }, 'No offers yet.'));
    return;
  }
  const keys = page.issues.map((i) => i.issue);
  fill('history',
    ownUtilityChart(offers, {
      negotiators: page.me.negotiators, reservation: prefs().reservation_value, colour: partyColour, issues: keys, agreed: page.me.status === 'agreement',
    }),
    h('div', { class: 'legend' }, page.me.negotiators.map((n) => h('span', {}, swatch(n), n === page.me.party ? `${n} (you)` : n))),
    h('div', { class: 'log' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Round'), h('th', {}, 'By'), h('th', {}, 'Package'), h('th', { class: 'num' }, 'Yours'))),
      h('tbody', {}, [...offers].reverse().map((o) => h('tr', { class: o.party === page.me.party ? 'mine' : null },
        h('td', {}, String(o.round + 1)),
        h('td', { class: 'who' }, swatch(o.party), o.party === page.me.party ? 'you' : o.party),
        h('td', { class: 'small' }, packageLine(o.offer, keys)),
        h('td', { class: 'num' }, fmtU(o.my_utility))))))));
}

// ---------------------------------------------------------------- suggestions

/** Whether the mediator can be asked: while the negotiation is open, and after an agreement (post-settlement), unless the convener turned suggestions off. */
function canAsk() {
  return page.me.privacy !== 'off' && (page.me.status === 'open' || page.me.status === 'agreement');
}

async function askMediator(heading = null) {
  const button = $('ask');
  button.disabled = true;
  fill('suggestions', h('p', { class: 'hint' }, 'Asking the mediator…'));
  try {
    const s = await api('POST', `${base}/suggestions`, { token });
    renderSuggestions(s, heading);
  } catch (e) {
    fill('suggestions', h('p', { class: 'callout warn' }, `No suggestions: ${e.message}`));
  } finally {
    button.disabled = !canAsk() || waitingForLocks().length > 0;
  }
}

/** After an agreement, the post-settlement step: packages everyone weakly prefers to it (asked for once). */
function showPostSettlement() {
  if (page.postSettlementAsked) return;
  page.postSettlementAsked = true;
  askMediator('After the agreement, the mediator looks for packages that leave everyone at least as well off:');
}

function suggestionRow(tag, view, testid) {
  const keys = page.issues.map((i) => i.issue);
  // A single text has no offers to fill in.
  const open = page.me.status === 'open' && !page.singleText;
  return h('div', { class: 'suggestion', 'data-testid': testid },
    h('div', {}, h('span', { class: 'tag' }, tag), h('span', { class: 'pkg' }, packageLine(view.offer, keys))),
    h('div', { class: 'actions', style: null },
      h('span', { class: 'u', title: 'your utility' }, fmtU(view.my_utility)),
      open ? h('button', {
        type: 'button', class: 'secondary small',
        onclick: () => {
          if (isPartial()) {
            prefillPartialForm(view.offer);
            $('partial-compose-card').scrollIntoView({ behavior: 'smooth', block: 'center' });
            return;
          }
          prefillForm(view.offer);
          $('compose-card').scrollIntoView({ behavior: 'smooth', block: 'center' });
        },
      }, 'Use') : null));
}

/** Events of the session's stream: the mediator's automatic suggestions. */
function liveEvent(name, data) {
  if (name !== 'suggestions' || !page.me || page.me.status !== 'open') return;
  if (page.singleText) {
    // About the draft as it stood after the proposal was decided.
    page.suggestedDraft = page.text ? JSON.stringify(page.text.draft) : '';
    renderSuggestions(data, `After proposal ${data.round + 1}, the mediator suggests:`);
    return;
  }
  renderSuggestions(data, `After round ${data.round + 1}, the mediator suggests:`);
}

/** What suggestions improve on: the standing offer, or the single text's draft. */
function baseline() {
  if (page.me && page.me.status === 'agreement') return 'agreement';
  return page.singleText ? 'draft' : 'standing offer';
}

function renderSuggestions(s, heading = null) {
  page.suggestionsShown = true;
  const parts = [];
  if (heading) parts.push(h('p', { class: 'small', 'data-testid': 'auto-suggestions' }, heading));
  if (s.standing_offer_utility != null) {
    parts.push(h('p', { class: 'small', 'data-testid': 'baseline-utility' }, `The ${baseline()} is worth ${fmtU(s.standing_offer_utility)} to you.`));
  }
  if (s.standing_offer_utility != null) {
    if (s.improving.length) {
      parts.push(h('h3', { class: 'small muted' }, `Better for everyone than the ${baseline()}`));
      s.improving.forEach((v) => parts.push(suggestionRow('Pareto', v, 'improving')));
    } else {
      parts.push(h('p', { class: 'empty' }, `No package is better for everyone than the ${baseline()}: it is Pareto-efficient.`));
    }
  }
  if (s.nash) {
    parts.push(h('h3', { class: 'small muted' }, 'A fair split of the gains'));
    parts.push(suggestionRow('Nash', s.nash, 'nash'));
  } else if (s.privacy === 'full') {
    parts.push(h('p', { class: 'empty' }, 'No package is acceptable to every negotiator.'));
  } else if (s.standing_offer_utility == null) {
    parts.push(h('p', { class: 'empty' }, `Nothing to improve on yet: suggestions come once there is a ${baseline()}.`));
  }
  if (s.rests_on) {
    const what = s.rests_on.length ? s.rests_on.join('; ') : 'nothing';
    parts.push(h('p', { class: 'hint small', 'data-testid': 'rests-on' },
      `At the privacy level the convener chose (${s.privacy}), these suggestions rest on: ${what}.`,
      s.privacy === 'pareto' ? ' No reservation value is used.' : ''));
  }
  if (page.singleText && s.improving && s.improving.length) {
    parts.push(h('p', { class: 'hint small' }, 'The mediator’s single text moves one issue at a time; vote for the changes that lead towards these packages.'));
  }
  parts.push(h('p', { class: 'hint small' }, 'Numbers are your own utilities; the mediator never shows you anyone else’s.'));
  fill('suggestions', parts);
}

// ---------------------------------------------------------------- single negotiating text

/** Whether this session is a single negotiating text (its protocol, from /me). */
function isSingleText(me) {
  if (page.singleText === undefined) page.singleText = me.protocol === 'single_text';
  return page.singleText;
}

function renderText() {
  const t = page.text;
  const keys = page.issues.map((i) => i.issue);
  $('text-card').hidden = false;
  for (const id of ['standing-card', 'compose-card', 'history-card']) $(id).hidden = true;
  $('suggest-card').hidden = t.status !== 'open';
  // Suggestions are about one draft: drop them once it changes.
  if (page.suggestionsShown && page.suggestedDraft && page.suggestedDraft !== JSON.stringify(t.draft)) {
    page.suggestedDraft = '';
    page.suggestionsShown = false;
    fill('suggestions', h('p', { class: 'hint' }, 'The draft changed: new suggestions follow the next decided proposal, or ask the mediator.'));
  }
  fill('text-proposal', t.status === 'open' ? `Proposal ${t.proposal + 1} of ${t.deadline_rounds}` : '');
  fill('me-round', h('span', { 'data-testid': 'round' }, t.status === 'open' ? `Proposal ${t.proposal + 1} of ${t.deadline_rounds}` : 'Over'));
  const rows = [
    h('p', { class: 'small' }, 'The mediator holds one draft and proposes one change at a time; a change is adopted only when every negotiator accepts it. At the deadline the draft everyone accepted is the agreement.'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Draft'), h('dd', { 'data-testid': 'draft' }, packageLine(t.draft, keys)),
      h('dt', {}, 'Your utility of the draft'), h('dd', { 'data-testid': 'draft-utility' }, fmtU(t.my_utility_draft))),
  ];
  if (t.status === 'open' && t.change) {
    rows.push(h('dl', { class: 'kv' },
      h('dt', {}, 'Proposed change'), h('dd', { 'data-testid': 'change' }, packageLine(t.change, keys)),
      h('dt', {}, 'Your utility with it'), h('dd', { 'data-testid': 'proposed-utility' }, fmtU(t.my_utility_proposed)),
      h('dt', {}, 'Voted so far'), h('dd', { 'data-testid': 'voted' }, t.voted.length ? t.voted.join(', ') : 'nobody')));
  }
  if (t.my_vote != null) rows.push(h('p', { class: 'small', 'data-testid': 'my-vote' }, t.my_vote ? 'You accepted this change.' : 'You vetoed this change.'));
  rows.push(...textNotes(t));
  if (t.agreement) rows.push(h('p', { class: 'callout ok' }, `Agreement: ${packageLine(t.agreement, keys)}`));
  fill('text-body', rows);
  $('text-vote').hidden = t.status !== 'open' || t.my_vote != null || !t.change;
  const banner = $('turn-banner');
  banner.hidden = false;
  banner.dataset.testid = 'turn';
  if (t.status === 'agreement') {
    banner.className = 'callout ok';
    banner.textContent = 'Agreement reached on the single text. The negotiation is over.';
  } else if (t.status === 'ended') {
    banner.className = 'callout';
    banner.textContent = 'The negotiation ended: no change was adopted by everyone.';
  } else if (t.waiting_for && t.waiting_for.length) {
    banner.className = 'callout';
    banner.textContent = 'The mediator proposes once every negotiator has locked its preferences.';
  } else if (t.my_vote == null) {
    banner.className = 'callout warn';
    banner.textContent = 'Your vote: accept or veto the proposed change.';
  } else {
    banner.className = 'callout';
    banner.textContent = 'Waiting for the other negotiators to vote.';
  }
}

async function castVote(accept) {
  if (page.busy || !page.text) return;
  page.busy = true;
  try {
    const v = await api('POST', `${base}/votes`, { token, body: withWords({ accept, proposal: page.text.proposal }) });
    wordsSent();
    if (v.resolution) notice(v.resolution === 'adopted' ? 'Everyone accepted: the change is adopted.' : 'The change was vetoed.');
    page.lastSnapshot = '';
    await refresh();
  } catch (e) {
    notice(`Vote not counted: ${e.message}`, 'error');
  } finally {
    page.busy = false;
  }
}

// ---------------------------------------------------------------- partial rounds

function isPartial() {
  return !!page.me && page.me.protocol === 'partial_rounds';
}

/** Issue names in the scenario's order (the order of the preferences). */
function issueKeys(pkg) {
  const keys = page.issues.map((i) => i.issue);
  return keys.length ? keys.filter((k) => k in pkg) : Object.keys(pkg);
}

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

function renderPartial() {
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
function prefillPartialForm(pkg) {
  for (const el of document.querySelectorAll('#partial-form [data-partial-issue]')) {
    const issue = el.dataset.partialIssue;
    if (!(issue in pkg)) continue;
    el.value = fmtValue(pkg[issue]);
    const box = document.querySelector(`#partial-form [data-include="${CSS.escape(issue)}"]`);
    if (box) box.checked = true;
  }
  updatePartialForm();
}

async function partialMove(body, what) {
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
    await watcher.refresh();
  } finally {
    page.busy = false;
    renderPartial();
  }
}

let partialEndArmed = null;

function partialEndClicked() {
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

// ---------------------------------------------------------------- refresh

async function refresh() {
  const disclosurePath = (await serverPaths()).includes('/sessions/{id}/disclosure');
  const [me, offers, disclosure] = await Promise.all([
    api('GET', `${base}/me`, { token }),
    api('GET', `${base}/offers`, { token }),
    disclosurePath ? api('GET', `${base}/disclosure`, { token }) : null,
  ]);
  // Who discloses changes without any move: shown before the snapshot check.
  page.disclosure = disclosure;
  if (page.me) renderDisclosure();
  if (isSingleText(me)) page.text = await api('GET', `${base}/single_text`, { token });
  const snapshot = JSON.stringify([me, offers, page.text]);
  if (snapshot === page.lastSnapshot) return me.status === 'open';
  page.lastSnapshot = snapshot;
  const standingChanged = page.me && JSON.stringify(page.me.standing_offer) !== JSON.stringify(me.standing_offer);
  page.me = me;
  page.offers = offers;
  if (standingChanged && page.suggestionsShown) resetSuggestions();
  if (me.status !== 'open') notice(''); // the banner says how it finished
  if (!page.formBuilt) {
    page.issues = me.preferences.issues || [];
    page.redLines = parseRedLines(me.preferences.red_lines);
    renderPreferences();
    buildForm();
    if (page.singleText || isPartial()) fill('suggestions', h('p', { class: 'hint' }, defaultSuggestionHint()));
    $('content').hidden = false;
  }
  renderStatus();
  renderStanding();
  renderHistory();
  updateButtons();
  if (page.singleText) renderText();
  if (isPartial() && me.partial) renderPartial();
  if (me.status === 'agreement') showPostSettlement();
  return me.status === 'open';
}

let watcher = null;

function init() {
  if (!session || !token) {
    notice('This page needs an invitation link (…/party.html#session=…&token=…). Ask the convener for yours.', 'error');
    return;
  }
  $('accept').addEventListener('click', () => move({ kind: 'accept' }, 'You accepted the standing offer'));
  $('reject').addEventListener('click', () => move({ kind: 'reject' }, 'You rejected the standing offer'));
  $('end').addEventListener('click', endClicked);
  $('ask').addEventListener('click', () => askMediator());
  $('lock-prefs').addEventListener('click', lockPreferences);
  $('vote-accept').addEventListener('click', () => castVote(true));
  $('vote-veto').addEventListener('click', () => castVote(false));
  $('close-round').addEventListener('click', () => partialMove({ kind: 'reject' }, 'You closed your part of the round'));
  $('partial-end').addEventListener('click', partialEndClicked);
  watcher = watch(session, token, async () => {
    try {
      return await refresh();
    } catch (e) {
      if (e.status === 401 || e.status === 403 || e.status === 404) {
        notice(`This link does not open a negotiation: ${e.message}`, 'error');
        return false;
      }
      throw e;
    }
  }, { onEvent: liveEvent });
}

init();
