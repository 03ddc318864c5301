// The wall-clock time limit of a session (its deadline_seconds), as a
// countdown in the page's header: on the convener's page (convener.js
// calls showTimeLimit), and on the party and mediator pages, where this
// module asks the server itself (GET /me or GET /mediator with the link's
// token) when it runs as their script.
//
// Rules: the server's answer says how many milliseconds are left at the
// request; the countdown runs from there on the browser's clock, and is
// set right again at every answer (every POLL_MS here), so a wrong clock
// on the computer does not move the deadline. The countdown is shown only
// while the negotiation is open; a session without a time limit shows none.

import { api, fragment, h } from './common.js';

/** How often the party and mediator pages ask for the time left. */
const POLL_MS = 15_000;

/** "4:05", "1:02:03" or "2 d 03:04:05" for a duration in milliseconds (seconds rounded up). */
export function durationText(ms) {
  let s = Math.ceil(Math.max(0, ms) / 1000);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  const two = (n) => String(n).padStart(2, '0');
  if (days) return `${days} d ${two(hours)}:${two(minutes)}:${two(s)}`;
  if (hours) return `${hours}:${two(minutes)}:${two(s)}`;
  return `${minutes}:${two(s)}`;
}

const timers = new WeakMap();

/**
 * Shows `limit` (the API's time_limit view: deadline_seconds, left_ms,
 * passed; or null) in `el`, ticking every second while `open`.
 */
export function showTimeLimit(el, limit, open) {
  clearInterval(timers.get(el));
  if (!limit || !open) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.hidden = false;
  const end = Date.now() + limit.left_ms;
  const tick = () => {
    const left = Math.max(0, end - Date.now());
    el.dataset.leftMs = String(left);
    el.classList.toggle('urgent', left < 60_000);
    el.textContent = left > 0 ? `⏱ ${durationText(left)} left` : '⏱ Time is up';
    el.title = `The negotiation ends ${Math.round(limit.deadline_seconds / 60)} minutes after it was created, or at its last round if that comes first.`;
    if (left === 0) clearInterval(timers.get(el));
  };
  tick();
  timers.set(el, setInterval(tick, 1000));
}

/** The party or mediator page: a countdown in the header, kept right by asking the server. */
async function runOnPage(endpoint) {
  const { session, token } = fragment();
  const meta = document.querySelector('header.top .meta') || document.querySelector('header.top');
  if (!session || !token || !meta) return;
  const el = h('span', { class: 'countdown', 'data-testid': 'countdown', role: 'timer', hidden: true });
  meta.prepend(el);
  const poll = async () => {
    try {
      const view = await api('GET', `/sessions/${encodeURIComponent(session)}/${endpoint}`, { token });
      showTimeLimit(el, view.time_limit || null, view.status === 'open');
      if (view.status !== 'open' || !view.time_limit) return;
    } catch {
      // The page itself reports a link that does not work.
      return;
    }
    setTimeout(poll, POLL_MS);
  };
  poll();
}

if (location.pathname.endsWith('/party.html')) runOnPage('me');
else if (location.pathname.endsWith('/mediator.html')) runOnPage('mediator');
