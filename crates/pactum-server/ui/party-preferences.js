// The party's own preferences on its page: reservation value, discount
// factor, red lines and each issue's weight and value table; under them the
// preference editor (prefs.js) while the server still takes edits, and the
// disclosure to the session's mediator.
//
// Rules: only this party sees its preferences; a value it made a red line
// is marked as one. The disclosure box says who discloses, never what, and
// appears only when the server offers disclosure.

import { api, bar, disclosureList, fill, fmtU, fmtValue, h, mediatorName, notice, serverPaths } from './common.js';
import { mountPreferenceEditor } from './prefs.js';
import { $, base, crossesRedLine, page, prefs, prefsEditable, reload, token } from './party-page.js';

/** Draws this party's preferences, then the disclosure box and the editor when the server offers them. */
export function renderPreferences() {
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
        await reload.refresh();
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
export function renderDisclosure() {
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
