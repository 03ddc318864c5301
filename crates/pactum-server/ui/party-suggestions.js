// The mediator's suggestions on a negotiator's page: asked for, pushed by
// the session's stream after a round, or after an agreement
// (post-settlement), each with the party's own utility and a way to use it.
//
// Rules: suggestions are about one standing offer (or draft) and are
// dropped when it changes; the party sees only its own utility of each; a
// suggestion fills the offer or proposal form, never sends it.

import { api, fill, fmtU, h, packageLine } from './common.js';
import { $, base, canAsk, fullPrivacy, isPartial, page, token, waitingForLocks } from './party-page.js';
import { prefillForm } from './party-offer.js';
import { prefillPartialForm } from './party-partial.js';

/** What the suggestion card says before any suggestion is shown. */
export function defaultSuggestionHint() {
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

/** Suggestions are about one standing offer: drop them when it changes. */
export function resetSuggestions() {
  fill('suggestions', h('p', { class: 'hint' },
    page.suggestionsShown
      ? 'The standing offer changed: ask again for suggestions about the new one.'
      : defaultSuggestionHint()));
}

// ---------------------------------------------------------------- suggestions

/** Asks the mediator for suggestions (POST /suggestions) and shows them under `heading`. */
export async function askMediator(heading = null) {
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
export function showPostSettlement() {
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
export function liveEvent(name, data) {
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
