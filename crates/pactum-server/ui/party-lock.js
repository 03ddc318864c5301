// Locking preferences: the party's own lock button (POST
// /preferences/lock) and whom the mediator's suggestions still wait for.
//
// Rules: once locked, preferences can no longer change; the button shows
// only while the negotiation is open and this party has not locked.

import { api, fill, notice } from './common.js';
import { $, base, page, reload, token, waitingForLocks } from './party-page.js';

/** The lock state: the caller's own lock button, and whom the suggestions wait for. */
export function renderLock() {
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

/** Locks this party's preferences (POST /preferences/lock) and reloads the page. */
export async function lockPreferences() {
  const button = $('lock-prefs');
  button.disabled = true;
  try {
    await api('POST', `${base}/preferences/lock`, { token });
    notice('Your preferences are locked: they can no longer change.');
    page.lastSnapshot = '';
    await reload.refresh();
  } catch (e) {
    notice(`Preferences not locked: ${e.message}`, 'error');
    button.disabled = false;
  }
}
