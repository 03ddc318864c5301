// A negotiator's page: reads the party's view of the session (GET /me,
// /offers, /disclosure, /single_text) at every change and draws each part,
// which lives in a party-*.js module of its own.
//
// Rules: a page opens only with an invitation link (session and token in
// the fragment); an answer equal to the last one draws nothing again; the
// preferences and the offer form are built once (again after an edit).

import { api, fill, h, notice, serverPaths, watch } from './common.js';
import { $, base, isPartial, page, parseRedLines, reload, session, token } from './party-page.js';
import { lockPreferences } from './party-lock.js';
import { endClicked, move, updateButtons } from './party-moves.js';
import { buildForm } from './party-offer.js';
import { renderDisclosure, renderPreferences } from './party-preferences.js';
import { renderHistory, renderStanding, renderStatus } from './party-status.js';
import { castVote, isSingleText, renderText } from './party-text.js';
import { partialEndClicked, partialMove, renderPartial } from './party-partial.js';
import {
  askMediator, defaultSuggestionHint, liveEvent, resetSuggestions, showPostSettlement,
} from './party-suggestions.js';

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

reload.refresh = refresh;
reload.watched = () => watcher.refresh();

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
