// The convener's desk: the sessions convened from this browser, kept in
// its localStorage only (id, title, when created, the admin link), never
// on the server.
//
// Rules: newest first, one entry per session; removing an entry forgets its
// link in this browser and changes nothing on the server; entries that do
// not read back (another page's data, a hand edit) are left out.

import { copyText, fill, h, notice } from './common.js';

/** Where the desk is kept in localStorage. */
const DESK_KEY = 'pactum:desk';

/** The desk's entries: [{ id, title, created (ISO time), admin (link) }], newest first. */
export function readDesk() {
  try {
    const list = JSON.parse(localStorage.getItem(DESK_KEY) || '[]');
    return Array.isArray(list) ? list.filter((e) => e && typeof e.id === 'string' && typeof e.admin === 'string') : [];
  } catch {
    return [];
  }
}

function writeDesk(list) {
  try {
    localStorage.setItem(DESK_KEY, JSON.stringify(list));
  } catch {
    notice('This browser does not keep the list of your sessions (storage is off); keep the admin links yourself.', 'error');
  }
  renderDesk();
}

/** Adds (or moves to the top) a session convened here. */
export function rememberSession(entry) {
  writeDesk([entry, ...readDesk().filter((e) => e.id !== entry.id)]);
}

/** Shows the desk in the element with id "desk". */
export function renderDesk() {
  const list = readDesk();
  if (!list.length) {
    fill('desk', h('p', { class: 'empty small' }, 'Sessions you convene here are listed, with their admin links, in this browser.'));
    return;
  }
  fill('desk', h('ul', { class: 'desk' }, list.map((e) => {
    const when = new Date(e.created);
    const copy = h('button', {
      type: 'button', class: 'secondary small', 'data-copy': 'admin',
      onclick: async () => {
        const ok = await copyText(e.admin);
        copy.textContent = ok ? 'Copied' : 'Copy failed';
        setTimeout(() => { copy.textContent = 'Copy link'; }, 1500);
      },
    }, 'Copy link');
    return h('li', { class: 'desk-entry', 'data-testid': 'desk-session', 'data-session': e.id },
      h('div', { class: 'desk-title' },
        h('a', { href: e.admin, 'data-testid': 'desk-open' }, e.title || 'Untitled scenario'),
        h('span', { class: 'small muted' }, ` · ${Number.isNaN(when.getTime()) ? '' : when.toLocaleString()} · `, h('code', {}, e.id.slice(0, 8)))),
      h('div', { class: 'actions' },
        copy,
        h('button', {
          type: 'button', class: 'secondary small', 'data-remove': e.id,
          title: 'Forget this session in this browser (the session itself stays on the server)',
          onclick: () => writeDesk(readDesk().filter((x) => x.id !== e.id)),
        }, 'Remove')));
  })));
}
