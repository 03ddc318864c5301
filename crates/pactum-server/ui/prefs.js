// The preference editor on a negotiator's page: the party's own weights,
// value tables and reservation value, sent whole to PUT /me/preferences.
//
// Rules: fields show numbers rounded, and a field left as shown sends the
// exact number it stands for (saving changes only what was edited); numeric
// issues go back as piecewise-linear functions through their listed values.

import { fill, fmtValue, h, roundedText } from './common.js';

/** Most values a numeric issue may list and still be edited here. */
const MAX_EDITABLE_VALUES = 50;

/**
 * A form to replace one's own weights, value tables and reservation value
 * (PUT /me/preferences; allowed before one's first move). Numeric issues are
 * sent as piecewise-linear functions through their listed values.
 */
export function mountPreferenceEditor(box, { preferences: p, issues, save }) {
  // Shown rounded (no 0.8500000000000001); a field left as shown sends the
  // exact number it stands for, so saving changes only what was edited.
  const num = (value, attrs = {}) => {
    const shown = roundedText(value);
    return h('input', {
      type: 'number', step: 'any', min: '0', value: shown, class: 'num-input',
      'data-shown': shown, 'data-exact': typeof value === 'number' ? String(value) : '', ...attrs,
    });
  };
  const rows = issues.map((spec) => {
    const weight = num(spec.weight, { 'data-weight': spec.issue, 'aria-label': `Weight of ${spec.issue}` });
    const numeric = spec.values && spec.values.length && typeof spec.values[0].value === 'number';
    const editable = spec.values && (!numeric || spec.values.length <= MAX_EDITABLE_VALUES);
    const values = editable
      ? spec.values.map((v) => h('label', { class: 'small' }, `${fmtValue(v.value)} `,
        num(v.utility, { max: '1', 'data-issue': spec.issue, 'data-value': JSON.stringify(v.value), 'aria-label': `Value of ${spec.issue} = ${fmtValue(v.value)}` })))
      : [h('span', { class: 'hint small' }, 'Values unchanged (too many to edit here).')];
    return h('fieldset', { class: 'edit-issue', 'data-issue': spec.issue },
      h('legend', {}, spec.issue), h('label', { class: 'small' }, 'Weight ', weight), h('div', { class: 'edit-values' }, values));
  });
  const reservation = num(p.reservation_value ?? '', { max: '1', id: 'edit-reservation', 'aria-label': 'Reservation value' });
  const weightSum = h('div', { class: 'weight-sum', id: 'weight-sum', 'data-testid': 'weight-sum', hidden: true });
  const form = h('form', { id: 'edit-prefs-form', autocomplete: 'off' },
    rows,
    weightSum,
    h('label', { class: 'small' }, 'Reservation value (empty for none) ', reservation),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-prefs', class: 'small' }, 'Save my preferences')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { weights: {}, values: {} };
    for (const spec of issues) {
      body.weights[spec.issue] = exactNumber(form.querySelector(`[data-weight="${CSS.escape(spec.issue)}"]`));
      const inputs = [...form.querySelectorAll(`[data-issue="${CSS.escape(spec.issue)}"][data-value]`)];
      const listed = inputs.length ? inputs.map((i) => [JSON.parse(i.dataset.value), exactNumber(i)])
        : (spec.values || []).map((v) => [v.value, v.utility]);
      if (listed.length && typeof listed[0][0] === 'number') {
        body.values[spec.issue] = { type: 'piecewise_linear', points: listed };
      } else {
        body.values[spec.issue] = Object.fromEntries(listed);
      }
    }
    if (reservation.value !== '') body.reservation_value = exactNumber(reservation);
    await save(body);
  });
  form.addEventListener('input', (ev) => {
    if (ev.target.matches('[data-weight]')) checkWeightSum(form);
  });
  fill(box, h('details', { id: 'edit-prefs' },
    h('summary', {}, 'Edit my preferences'),
    h('p', { class: 'hint small' }, 'Weights are non-negative, values and the reservation value between 0 and 1. You can change them until you lock them or make your first move.'),
    form));
  box.hidden = false;
  checkWeightSum(form);
}

/** The number a form field stands for: the exact one behind a rounded display left untouched. */
function exactNumber(input) {
  if (input.dataset.exact !== undefined && input.dataset.exact !== '' && input.value === input.dataset.shown) {
    return Number(input.dataset.exact);
  }
  return Number(input.value);
}

/** Weights summing to 1 within this are taken to sum to 1. */
const WEIGHT_SUM_TOLERANCE = 1e-6;

/**
 * Warns when the form's weights do not sum to 1 and offers to rescale them
 * (each divided by their sum, rounded to four decimals, the largest taking
 * up the rounding so that they sum to 1 again).
 */
function checkWeightSum(form) {
  const inputs = [...form.querySelectorAll('[data-weight]')];
  const box = form.querySelector('#weight-sum');
  const weights = inputs.map(exactNumber);
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) {
    box.hidden = false;
    box.className = 'weight-sum small warn-text';
    fill(box, '⚠ Every weight must be a number of at least 0.');
    return;
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.className = 'weight-sum small warn-text';
  if (sum === 0) {
    fill(box, '⚠ The weights sum to 0: give at least one issue a weight above 0.');
    return;
  }
  fill(box,
    h('span', { 'data-testid': 'weight-sum-warning' }, `⚠ The weights sum to ${roundedText(sum)}, not 1.`),
    h('button', {
      type: 'button', class: 'secondary small', id: 'rescale-weights',
      onclick: () => {
        const scaled = weights.map((w) => Number((w / sum).toFixed(4)));
        const largest = scaled.indexOf(Math.max(...scaled));
        const others = scaled.reduce((a, w, i) => (i === largest ? a : a + w), 0);
        scaled[largest] = Number((1 - others).toFixed(4));
        inputs.forEach((input, i) => {
          input.value = String(scaled[i]);
          input.dataset.shown = input.value;
          input.dataset.exact = input.value;
        });
        checkWeightSum(form);
      },
    }, 'Rescale them to sum to 1'));
}

