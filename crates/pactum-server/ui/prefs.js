// The preference editor on a negotiator's page: the party's own weights,
// value tables, reservation value and red lines, sent whole to
// PUT /me/preferences.
//
// Rules: the number fields are what is saved; every other control (100
// points split across issues, the ranking of an issue's options and its
// curve, "no deal is as good as this package") writes into them. Fields
// show numbers rounded, and a field left as shown sends the exact number it
// stands for (saving changes only what was edited); numeric issues go back
// as piecewise-linear functions through their listed values. A field out of
// range says why next to itself, and nothing is sent while one does. The
// packages ranking highest are computed here, from the numbers being
// edited, never from the server's copy.

import { fill, fmtU, fmtValue, h, roundedText, sameValue } from './common.js';
import { bestPackages, packageText, packageUtility } from './packages.js';
import { CURVES, rankList, rankValue, tiersOf } from './rank.js';

/** Most values a numeric issue may list and still be edited here. */
const MAX_EDITABLE_VALUES = 50;

/** Weights summing to 1 within this are taken to sum to 1. */
const WEIGHT_SUM_TOLERANCE = 1e-6;

/** Packages shown as ranking highest. */
const TOP = 5;

const sel = (attr, issue) => `[${attr}="${CSS.escape(issue)}"]`;

/** The number a form field stands for: the exact one behind a rounded display left untouched. */
function exactNumber(input) {
  if (input.dataset.exact !== undefined && input.dataset.exact !== '' && input.value === input.dataset.shown) {
    return Number(input.dataset.exact);
  }
  return Number(input.value);
}

/** Sets a field to `value`: shown rounded, saved as `exact` (the rounded number unless given). */
function setField(input, value, exact = null) {
  input.value = roundedText(value);
  input.dataset.shown = input.value;
  input.dataset.exact = exact === null ? input.value : String(exact);
}

/** What is wrong with a field's content, in words, or '' when nothing is. */
function fieldProblem(input) {
  const raw = input.value.trim();
  const x = Number(raw);
  if (input.dataset.points !== undefined) {
    if (raw === '' || !Number.isFinite(x) || x < 0) return 'Points are a number of at least 0 (of 100 in all).';
  } else if (input.dataset.weight !== undefined) {
    if (raw === '' || !Number.isFinite(x) || x < 0) return 'A weight is a number of at least 0.';
  } else if (input.id === 'edit-reservation') {
    if (raw !== '' && (!Number.isFinite(x) || x < 0 || x > 1)) return 'The reservation value is between 0 and 1 (empty for none).';
  } else if (input.dataset.value !== undefined) {
    if (raw === '' || !Number.isFinite(x) || x < 0 || x > 1) return 'A value is between 0 and 1.';
  }
  return '';
}

/** Shows (or clears) the field's problem right after it; true when there is none. */
function checkField(input) {
  const problem = fieldProblem(input);
  let note = input.nextElementSibling;
  if (!note || !note.classList.contains('field-error')) {
    note = h('span', { class: 'field-error small', role: 'alert', 'data-testid': 'field-error' });
    input.after(note);
  }
  note.textContent = problem;
  note.hidden = !problem;
  input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  return !problem;
}

/** Red lines as the API takes them, from the page's map of "issue: v1, v2" (numbers as numbers). */
function redLineValue(spec, text) {
  const v = spec && spec.values && spec.values.find((x) => fmtValue(x.value) === text);
  if (v) return v.value;
  return text !== '' && !isNaN(text) ? Number(text) : text;
}

/**
 * A form to replace one's own preferences (PUT /me/preferences; allowed
 * before one's first move); `save(body)` sends them.
 */
export function mountPreferenceEditor(box, { preferences: p, issues, redLines, save }) {
  // Shown rounded (no 0.8500000000000001); a field left as shown sends the
  // exact number it stands for, so saving changes only what was edited.
  const num = (value, attrs = {}) => {
    const shown = roundedText(value);
    return h('input', {
      type: 'number', step: 'any', min: '0', value: shown, class: 'num-input',
      'data-shown': shown, 'data-exact': typeof value === 'number' ? String(value) : '', ...attrs,
    });
  };
  const isRed = (issue, value) => (redLines.get(issue) || []).some((v) => sameValue(isNaN(v) ? v : Number(v), value));
  /** Per issue with editable values: its ranking { tiers } and curve select. */
  const ranked = new Map();

  const rows = issues.map((spec) => {
    const weight = num(spec.weight, { 'data-weight': spec.issue, 'aria-label': `Weight of ${spec.issue}` });
    const points = num(Number((spec.weight * 100).toFixed(2)), {
      step: 'any', 'data-points': spec.issue, 'aria-label': `Points for ${spec.issue} (of 100)`,
    });
    const numeric = spec.values && spec.values.length && typeof spec.values[0].value === 'number';
    const editable = spec.values && (!numeric || spec.values.length <= MAX_EDITABLE_VALUES);
    const parts = [
      h('legend', {}, spec.issue),
      h('div', { class: 'weight-row' },
        h('label', { class: 'small' }, 'Points ', points),
        h('label', { class: 'small' }, 'Weight ', weight)),
    ];
    if (editable) {
      const state = { tiers: tiersOf(spec.values) };
      const curve = h('select', { 'data-curve': spec.issue, 'aria-label': `How strongly you prefer better ranks of ${spec.issue}` },
        h('option', { value: '' }, 'as the numbers say'),
        Object.keys(CURVES).map((k) => h('option', { value: k }, k)));
      const meaning = h('span', { class: 'hint small', 'data-curve-meaning': spec.issue });
      const widget = rankList(spec.issue, state, () => {
        if (!curve.value) curve.value = 'linear';
        applyCurve(spec.issue);
      });
      ranked.set(spec.issue, { state, curve, widget });
      curve.addEventListener('change', () => applyCurve(spec.issue));
      ranked.get(spec.issue).meaning = meaning;
      parts.push(
        h('div', { class: 'rank-head small' },
          h('span', {}, 'Rank the options, best first (drag them, or focus one and press ↑/↓; options may share a rank). How strongly: '),
          curve, meaning),
        widget.list,
        h('details', { class: 'edit-numbers' },
          h('summary', { class: 'small' }, 'Values and red lines'),
          h('div', { class: 'edit-values' }, spec.values.map((v) => h('div', { class: 'value-row' },
            h('label', { class: 'small' }, `${fmtValue(v.value)} `,
              num(v.utility, { max: '1', 'data-issue': spec.issue, 'data-value': JSON.stringify(v.value), 'aria-label': `Value of ${spec.issue} = ${fmtValue(v.value)}` })),
            h('label', { class: 'small redline-box', title: 'You will not accept a package with this value' },
              h('input', {
                type: 'checkbox', 'data-redline-issue': spec.issue, 'data-redline-value': JSON.stringify(v.value),
                checked: isRed(spec.issue, v.value) || null, 'aria-label': `Red line: ${spec.issue} = ${fmtValue(v.value)}`,
              }), ' red line'))))),
        h('p', { class: 'small warn-text', 'data-redline-warning': spec.issue, hidden: true }));
    } else {
      parts.push(h('span', { class: 'hint small' }, 'Values unchanged (too many to edit here).'));
    }
    return h('fieldset', { class: 'edit-issue', 'data-issue': spec.issue }, parts);
  });
  const reservation = num(p.reservation_value ?? '', { max: '1', id: 'edit-reservation', 'aria-label': 'Reservation value' });
  const weightSum = h('div', { class: 'weight-sum', id: 'weight-sum', 'data-testid': 'weight-sum', hidden: true });
  const pointsTotal = h('div', { class: 'small', id: 'points-total', 'data-testid': 'points-total' });
  const top = h('div', { id: 'top-packages', 'data-testid': 'top-packages' });
  const picker = h('div', { id: 'reservation-picker', class: 'reservation-picker' });
  const problems = h('p', { class: 'small warn-text', id: 'prefs-problems', 'data-testid': 'prefs-problems', hidden: true });
  const form = h('form', { id: 'edit-prefs-form', autocomplete: 'off', novalidate: true },
    h('p', { class: 'hint small' }, 'Split 100 points across the issues by how much each matters to you; the weights follow (points ÷ 100).'),
    rows,
    pointsTotal,
    weightSum,
    h('h4', { class: 'small muted' }, 'Your best packages now'),
    top,
    h('h4', { class: 'small muted' }, 'Your reservation value'),
    h('label', { class: 'small' }, 'Reservation value (empty for none) ', reservation),
    picker,
    problems,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-prefs', class: 'small' }, 'Save my preferences')));

  const field = (attr, issue) => form.querySelector(sel(attr, issue));
  const valueInputs = (issue) => [...form.querySelectorAll(`${sel('data-issue', issue)}[data-value]`)];

  /** The preferences the form holds now: { weights, values: issue -> [{value, utility}] | null, reservation, red }. */
  const draft = () => {
    const d = { weights: {}, values: {}, red: new Map(), reservation: reservation.value.trim() === '' ? null : exactNumber(reservation) };
    for (const spec of issues) {
      d.weights[spec.issue] = exactNumber(field('data-weight', spec.issue));
      const inputs = valueInputs(spec.issue);
      d.values[spec.issue] = inputs.length
        ? inputs.map((i) => ({ value: JSON.parse(i.dataset.value), utility: exactNumber(i) }))
        : spec.values;
      const boxes = [...form.querySelectorAll(`${sel('data-redline-issue', spec.issue)}`)];
      const red = boxes.length
        ? boxes.filter((b) => b.checked).map((b) => JSON.parse(b.dataset.redlineValue))
        : (redLines.get(spec.issue) || []).map((t) => redLineValue(spec, t));
      if (red.length) d.red.set(spec.issue, red);
    }
    return d;
  };

  /** Writes the ranking of `issue` through its curve into its value fields. */
  function applyCurve(issue) {
    const { state, curve } = ranked.get(issue);
    if (!curve.value) return;
    const count = state.tiers.length;
    state.tiers.forEach((tier, t) => {
      const u = rankValue(t, count, curve.value);
      for (const value of tier) {
        const input = valueInputs(issue).find((i) => sameValue(JSON.parse(i.dataset.value), value));
        if (input) setField(input, u);
      }
    });
    valueInputs(issue).forEach(checkField);
    update();
  }

  /** Points given, and what to do when they do not add up to 100. */
  const checkPoints = () => {
    const given = [...form.querySelectorAll('[data-points]')].map((i) => Number(i.value));
    if (given.some((x) => !Number.isFinite(x))) {
      fill(pointsTotal, '');
      return;
    }
    const total = Number(given.reduce((a, b) => a + b, 0).toFixed(2));
    pointsTotal.className = total === 100 ? 'small ok-text' : 'small warn-text';
    fill(pointsTotal, total === 100
      ? 'Points given: 100 of 100.'
      : total < 100
        ? `⚠ Points given: ${total} of 100: ${roundedText(100 - total, 2)} left to give.`
        : `⚠ Points given: ${total} of 100: take ${roundedText(total - 100, 2)} away.`);
  };

  /** Everything computed from the form: the sums, red-line warnings, the best packages, the picker. */
  function update() {
    checkWeightSum(form, () => {
      for (const spec of issues) {
        const points = field('data-points', spec.issue);
        setField(points, Number((exactNumber(field('data-weight', spec.issue)) * 100).toFixed(2)));
        checkField(points);
        checkField(field('data-weight', spec.issue));
      }
      update();
    });
    checkPoints();
    for (const { curve, meaning } of ranked.values()) meaning.textContent = curve.value ? `(${CURVES[curve.value]})` : '';
    const d = draft();
    for (const spec of issues) {
      const warn = field('data-redline-warning', spec.issue);
      if (!warn) continue;
      const all = (d.red.get(spec.issue) || []).length === (spec.values || []).length;
      warn.hidden = !all;
      warn.textContent = all ? `⚠ Every option of ${spec.issue} is a red line: no package is acceptable to you.` : '';
    }
    renderTop(d);
    renderPicker(d);
  }

  const useAsReservation = (u) => {
    setField(reservation, u, u);
    checkField(reservation);
    update();
  };

  function renderTop(d) {
    const valid = [...form.querySelectorAll('input[type="number"]')].every((i) => !fieldProblem(i));
    if (!valid) {
      fill(top, h('p', { class: 'hint small' }, 'Fix the marked fields to see your best packages.'));
      return;
    }
    const found = bestPackages(issues, d, TOP);
    const note = found.enumerated
      ? h('p', { class: 'hint small', 'data-testid': 'top-note' },
        `The ${Math.min(TOP, found.packages.length)} best of ${found.count.toLocaleString('en')} packages by your own utility${found.excluded ? `, leaving out ${found.excluded.toLocaleString('en')} that cross a red line` : ''}.`)
      : h('p', { class: 'hint small', 'data-testid': 'top-note' },
        `${found.reason} So here is the package of your best value on each issue instead.`);
    if (!found.packages.length) {
      fill(top, note, h('p', { class: 'empty small' }, 'Every package crosses one of your red lines.'));
      return;
    }
    fill(top, note, h('table', { class: 'top-packages' },
      h('tbody', {}, found.packages.map((pk, k) => h('tr', { 'data-testid': 'top-package', 'data-utility': String(pk.utility) },
        h('td', { class: 'num' }, String(k + 1)),
        h('td', { class: 'small', 'data-testid': 'top-package-offer' }, packageText(issues, pk.package)),
        h('td', { class: 'num', 'data-testid': 'top-package-utility' },
          fmtU(pk.utility), d.reservation !== null && pk.utility < d.reservation ? h('span', { class: 'warn-text', title: 'below your reservation value' }, ' ↓') : ''),
        h('td', {}, found.enumerated ? h('button', {
          type: 'button', class: 'secondary small', 'data-reservation-from': String(k),
          title: 'Make this package\'s utility your reservation value', onclick: () => useAsReservation(pk.utility),
        }, 'No deal is as good') : ''))))));
  }

  /** Choose any package; "no deal is as good as this package" makes its utility the reservation value. */
  function renderPicker(d) {
    const listed = issues.filter((s) => d.values[s.issue]);
    if (listed.length < issues.length) {
      fill(picker, h('p', { class: 'hint small' }, 'Some issues list too many values to pick a whole package here; type the reservation value instead.'));
      return;
    }
    let selects = [...picker.querySelectorAll('select[data-res-issue]')];
    if (!selects.length) {
      selects = issues.map((s) => h('select', { 'data-res-issue': s.issue, 'aria-label': `${s.issue} of the package`, onchange: update },
        s.values.map((v) => h('option', { value: JSON.stringify(v.value) }, fmtValue(v.value)))));
      const u = h('span', { class: 'value', id: 'picked-utility', 'data-testid': 'picked-utility' });
      const use = h('button', {
        type: 'button', class: 'secondary small', id: 'reservation-from-package',
        onclick: () => {
          const value = Number(u.dataset.utility);
          if (Number.isFinite(value)) useAsReservation(value);
        },
      }, 'No deal is as good as this package');
      fill(picker,
        h('p', { class: 'small' }, 'Or pick a package that no deal is as good as: its utility becomes your reservation value.'),
        h('div', { class: 'picker-row' }, issues.map((s, i) => h('label', { class: 'small' }, `${s.issue} `, selects[i]))),
        h('div', { class: 'picker-row' }, h('span', { class: 'small muted' }, 'Worth to you: '), u, use));
    }
    const pkg = Object.fromEntries(selects.map((s) => [s.dataset.resIssue, JSON.parse(s.value)]));
    const u = packageUtility(issues, d, pkg);
    const out = picker.querySelector('#picked-utility');
    out.textContent = fmtU(u);
    out.dataset.utility = u === null ? '' : String(u);
  }

  form.addEventListener('input', (ev) => {
    const t = ev.target;
    if (t.matches('input[type="number"]')) checkField(t);
    if (t.matches('[data-points]') && !fieldProblem(t)) {
      const w = field('data-weight', t.dataset.points);
      setField(w, Number(t.value) / 100);
      checkField(w);
    } else if (t.matches('[data-weight]') && !fieldProblem(t)) {
      const points = field('data-points', t.dataset.weight);
      setField(points, Number((Number(t.value) * 100).toFixed(2)));
      checkField(points);
    } else if (t.matches('[data-value]')) {
      // Typed numbers: the ranking follows them and no curve applies.
      const r = ranked.get(t.dataset.issue);
      if (r && !fieldProblem(t)) {
        r.curve.value = '';
        r.state.tiers = tiersOf(draft().values[t.dataset.issue]);
        r.widget.render();
      }
    }
    update();
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.matches('[data-redline-issue]')) update();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const bad = [...form.querySelectorAll('input[type="number"]')].filter((i) => !checkField(i));
    if (bad.length) {
      problems.hidden = false;
      problems.textContent = `Nothing was sent: fix ${bad.length === 1 ? 'the marked field' : `the ${bad.length} marked fields`} first (${bad.map((i) => i.getAttribute('aria-label')).join('; ')}).`;
      bad[0].focus();
      return;
    }
    problems.hidden = true;
    const d = draft();
    const body = { weights: d.weights, values: {}, red_lines: [] };
    for (const spec of issues) {
      const listed = (d.values[spec.issue] || []).map((v) => [v.value, v.utility]);
      if (listed.length && typeof listed[0][0] === 'number') {
        body.values[spec.issue] = { type: 'piecewise_linear', points: listed };
      } else {
        body.values[spec.issue] = Object.fromEntries(listed);
      }
      if (d.red.has(spec.issue)) body.red_lines.push({ issue: spec.issue, values: d.red.get(spec.issue) });
    }
    if (d.reservation !== null) body.reservation_value = d.reservation;
    await save(body);
  });
  fill(box, h('details', { id: 'edit-prefs' },
    h('summary', {}, 'Edit my preferences'),
    h('p', { class: 'hint small' }, 'Weights are non-negative, values and the reservation value between 0 and 1. You can change them until you lock them or make your first move.'),
    form));
  box.hidden = false;
  update();
}

/**
 * Warns when the form's weights do not sum to 1 and offers to rescale them
 * (each divided by their sum, rounded to four decimals, the largest taking
 * up the rounding so that they sum to 1 again); `rescaled()` runs after.
 */
function checkWeightSum(form, rescaled) {
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
        inputs.forEach((input, i) => setField(input, scaled[i]));
        rescaled();
      },
    }, 'Rescale them to sum to 1'));
}
