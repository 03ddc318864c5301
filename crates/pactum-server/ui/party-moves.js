// Moves in alternating offers (POST /moves, with the words typed for it):
// accept, reject, an offer, or ending, and which of those controls are on.
//
// Rules: one move at a time (controls off while one is on its way); a party
// responds only on its turn and never to its own standing offer; ending
// takes a second click within four seconds.

import { api, notice } from './common.js';
import { withWords, wordsSent } from './words.js';
import {
  $, base, canAsk, isPartial, myTurn, page, prefsEditable, reload, standingBy, token, waitingForLocks,
} from './party-page.js';
import { renderLock } from './party-lock.js';

/** Sends one move (POST /moves, with the words typed) unless one is on its way, then reloads. */
export async function move(body, what) {
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
    await reload.watched();
    updateButtons();
  }
}

let endArmed = null;

/** The first click arms the End button; a second within four seconds ends the negotiation. */
export function endClicked() {
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

/** Which alternating-offers controls are shown and enabled, from whose turn it is. */
export function updateButtons() {
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
