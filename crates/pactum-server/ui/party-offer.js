// The offer form of alternating offers: one control per issue, the party's
// own utility of the package as it is chosen, and warnings.
//
// Rules: an offer can be composed here only from additive preferences; the
// form warns, without refusing, when the package falls below the
// reservation value or crosses a red line. It starts from the standing
// offer, else from the party's best package (red lines avoided).

import { bar, fill, fmtU, fmtValue, h } from './common.js';
import { $, crossesRedLine, page, prefs, utilityOf, valueUtility } from './party-page.js';
import { move } from './party-moves.js';

/** Builds the offer form, one control per issue, and fills it with a first package. */
export function buildForm() {
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

/** Puts a package's values into the offer form (issues it lacks keep theirs). */
export function prefillForm(pkg) {
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

function sendOffer() {
  move({ kind: 'offer', offer: formPackage() }, 'Offer sent');
}
