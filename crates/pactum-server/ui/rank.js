// Ranking an issue's options: a list from best to worst where options may
// share a rank (ties), reordered by dragging or from the keyboard, and the
// curve that maps ranks to values in [0, 1].
//
// Rules: the best rank is worth 1 and the worst 0 (one rank alone is worth
// 1); between them the curve decides: linear (equal steps), convex (small
// steps near the bottom, large near the top: only the best options are
// worth much) or concave (the reverse: anything but the worst is worth a
// lot). Values are rounded to four decimals, so what is shown is what is
// saved. Keyboard: on a focused option, Arrow Up moves it one step up,
// Arrow Down one step down, where the steps alternate between tying with
// the neighbouring rank and taking a rank of its own; so every order with
// ties can be reached with the two keys alone (or the option's two small
// arrows, on a touch screen).

import { fmtValue, h, sameValue } from './common.js';

/** The curves a ranking can be mapped through, by name, with what they mean. */
export const CURVES = {
  linear: 'equal steps from the best rank to the worst',
  convex: 'only the best ranks are worth much',
  concave: 'all but the worst ranks are worth a lot',
};

/** The value of rank `t` (0 = best) of `count` ranks on `curve`, rounded to four decimals. */
export function rankValue(t, count, curve) {
  const x = count > 1 ? (count - 1 - t) / (count - 1) : 1;
  const y = curve === 'convex' ? x * x : curve === 'concave' ? Math.sqrt(x) : x;
  return Number(y.toFixed(4));
}

/** Values grouped into ranks, best first, from their utilities (equal utilities tie). */
export function tiersOf(entries) {
  const sorted = [...entries].sort((a, b) => b.utility - a.utility);
  const tiers = [];
  for (const e of sorted) {
    const last = tiers.at(-1);
    if (last && Math.abs(last.utility - e.utility) < 1e-9) last.values.push(e.value);
    else tiers.push({ utility: e.utility, values: [e.value] });
  }
  return tiers.map((t) => t.values);
}

/** Where `value` sits in `tiers`: [tier, index within it], or null. */
function find(tiers, value) {
  for (let t = 0; t < tiers.length; t += 1) {
    const i = tiers[t].findIndex((v) => sameValue(v, value));
    if (i >= 0) return [t, i];
  }
  return null;
}

/** `tiers` with `value` moved one step up (`dir` -1) or down (+1); the same tiers when it cannot move. */
export function step(tiers, value, dir) {
  const at = find(tiers, value);
  if (!at) return tiers;
  const [t, i] = at;
  const out = tiers.map((tier) => [...tier]);
  if (out[t].length > 1) {
    // Tied: it takes a rank of its own just above (or below) its ties.
    out[t].splice(i, 1);
    out.splice(dir < 0 ? t : t + 1, 0, [value]);
    return out;
  }
  const next = t + dir;
  if (next < 0 || next >= out.length) return tiers;
  // Alone: it ties with the neighbouring rank.
  out.splice(t, 1);
  out[dir < 0 ? next : t].push(value);
  return out;
}

/** `tiers` with `value` moved into tier `t` (a tie), or into a new rank before tier `gap`. */
export function drop(tiers, value, { tier = null, gap = null }) {
  const at = find(tiers, value);
  if (!at) return tiers;
  const target = tier !== null ? tiers[tier] : null;
  const out = tiers.map((x) => x.filter((v) => !sameValue(v, value)));
  if (target) {
    out[tier].push(value);
  } else {
    // Mark the place before removing empty tiers, so the index stays right.
    out.splice(gap, 0, [value]);
  }
  return out.filter((x) => x.length);
}

/**
 * A ranking widget for `issue`: calls `onChange(tiers)` after every move.
 * `state.tiers` holds the current ranking (best first); `render()` redraws
 * it and keeps the focus on the option that moved.
 */
export function rankList(issue, state, onChange) {
  const list = h('ol', { class: 'rank-list', 'data-rank': issue, 'aria-label': `Options of ${issue}, best first` });
  let dragged = null;
  const change = (tiers, focusValue) => {
    if (tiers === state.tiers) return;
    state.tiers = tiers;
    onChange(tiers);
    render();
    if (focusValue !== undefined) {
      const el = [...list.querySelectorAll('[data-rank-value]')]
        .find((x) => sameValue(JSON.parse(x.dataset.rankValue), focusValue));
      if (el) el.focus();
    }
  };
  const gapEl = (k) => {
    const gap = h('li', { class: 'rank-gap', 'data-gap': String(k), 'aria-hidden': 'true' });
    gap.addEventListener('dragover', (ev) => { ev.preventDefault(); gap.classList.add('over'); });
    gap.addEventListener('dragleave', () => gap.classList.remove('over'));
    gap.addEventListener('drop', (ev) => {
      ev.preventDefault();
      if (dragged !== null) change(drop(state.tiers, dragged, { gap: k }));
    });
    return gap;
  };
  const render = () => {
    const items = [gapEl(0)];
    state.tiers.forEach((tier, t) => {
      const row = h('li', { class: 'rank-tier', 'data-tier': String(t) },
        h('span', { class: 'rank-no', title: tier.length > 1 ? 'tied' : null }, `${t + 1}${tier.length > 1 ? '=' : ''}`),
        tier.map((value) => {
          // Touch screens rarely drag: the small arrows do what the arrow keys do.
          const nudge = (dir, label) => h('button', {
            type: 'button', class: 'rank-nudge', tabindex: '-1', 'data-nudge': dir < 0 ? 'up' : 'down',
            'aria-label': `Move ${fmtValue(value)} ${dir < 0 ? 'up' : 'down'}`,
            onclick: () => change(step(state.tiers, value, dir), value),
          }, label);
          const item = h('span', {
            class: 'rank-item', draggable: 'true', tabindex: '0', role: 'group', 'aria-roledescription': 'ranked option',
            'data-rank-value': JSON.stringify(value),
            'aria-label': `${fmtValue(value)}: rank ${t + 1} of ${state.tiers.length}${tier.length > 1 ? ', tied' : ''}. Arrow keys move it.`,
          }, nudge(-1, '▲'), h('span', { class: 'rank-label' }, fmtValue(value)), nudge(1, '▼'));
          item.addEventListener('dragstart', (ev) => {
            dragged = value;
            ev.dataTransfer.effectAllowed = 'move';
            ev.dataTransfer.setData('text/plain', JSON.stringify(value));
          });
          item.addEventListener('dragend', () => { dragged = null; });
          item.addEventListener('keydown', (ev) => {
            if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
              ev.preventDefault();
              change(step(state.tiers, value, ev.key === 'ArrowUp' ? -1 : 1), value);
            }
          });
          return item;
        }));
      row.addEventListener('dragover', (ev) => { ev.preventDefault(); row.classList.add('over'); });
      row.addEventListener('dragleave', () => row.classList.remove('over'));
      row.addEventListener('drop', (ev) => {
        ev.preventDefault();
        if (dragged !== null) change(drop(state.tiers, dragged, { tier: t }));
      });
      items.push(row, gapEl(t + 1));
    });
    list.replaceChildren(...items);
  };
  render();
  return { list, render };
}
