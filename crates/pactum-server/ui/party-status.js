// The page's header and turn banner in alternating offers, the standing
// offer (or agreement) with the party's own utility of it, and the history
// of offers with the party's own utility of each.
//
// Rules: the party sees only its own utilities; the standing offer is
// compared with its reservation value when it has one.

import { bar, fill, fmtU, fmtValue, h, packageLine, roundText, statusPill } from './common.js';
import { ownUtilityChart } from './space.js';
import { $, myTurn, page, partyColour, prefs, standingBy, swatch, valueUtility } from './party-page.js';

/** The header (party, status, round) and the turn banner of alternating offers. */
export function renderStatus() {
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

/** The standing offer (or the agreement) with this party's utility and verdict. */
export function renderStanding() {
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

/** Every offer so far: this party's utility chart and the log, newest first. */
export function renderHistory() {
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
