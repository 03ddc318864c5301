// Words with moves, on the party page and the mediator page: the session's
// messages (GET /sessions/{id}/messages), a text field whose words go with
// the negotiator's next move (an offer's rationale), and the mediator's own
// messages without a move (POST /sessions/{id}/messages).
//
// Rules kept: every message is inserted as text, never as markup (h() sets
// text nodes), so "<script>" shows as written; a message has at most 500
// characters (the server refuses longer ones and control characters, naming
// the field); the words are cleared only once the move carrying them was
// accepted. Also the single text's notes a party reads: whom the packages
// mediator waits for, and why it stopped.

import { api, fragment, h, fill } from './common.js';

const MAX_CHARS = 500;
const { session, token } = fragment();
const base = `/sessions/${encodeURIComponent(session)}`;
const isMediatorPage = location.pathname.endsWith('/mediator.html');

const KIND_TEXT = {
  offer: 'with an offer', accept: 'accepting', reject: 'rejecting', end: 'ending', leave: 'leaving',
  vote: 'with a vote', message: 'message',
};

let shown = '';

/** The words of the text field, for a move's body: `{ ...body, message }` when there are any. */
export function withWords(body) {
  const field = document.getElementById('words-input');
  const text = field ? field.value : '';
  return text.trim() ? { ...body, message: text } : body;
}

/** The move carrying the words was accepted: clear the field and show the words. */
export function wordsSent() {
  const field = document.getElementById('words-input');
  if (field) field.value = '';
  updateCount();
  refreshWords();
}

/** The single text's notes for a negotiator: whom the packages mediator waits for, why it stopped. */
export function textNotes(t) {
  const notes = [];
  if (t.mediator && t.mediator !== 'draft_and_vote') {
    notes.push(h('p', { class: 'small', 'data-testid': 'text-mediator' }, `Mediator: ${t.mediator.replaceAll('_', ' ')}.`));
  }
  if (t.waiting_for && t.waiting_for.length) {
    notes.push(h('p', { class: 'callout', 'data-testid': 'text-waiting' },
      `The mediator proposes once every negotiator has locked its preferences (Lock my preferences). Not locked yet: ${t.waiting_for.join(', ')}.`));
  }
  if (t.stopped) notes.push(h('p', { class: 'callout', 'data-testid': 'text-stopped' }, `${t.stopped[0].toUpperCase()}${t.stopped.slice(1)}.`));
  return notes;
}

function updateCount() {
  const field = document.getElementById('words-input');
  const count = document.getElementById('words-count');
  if (field && count) count.textContent = `${field.value.length} / ${MAX_CHARS}`;
}

function messageItem(m) {
  const when = m.kind === 'message' ? 'message' : `${KIND_TEXT[m.kind] || m.kind}${m.round != null ? ` · round ${m.round + 1}` : ''}`;
  return h('li', { 'data-testid': 'word', 'data-seq': String(m.seq) },
    h('strong', {}, m.party), ' ', h('span', { class: 'hint small' }, `(${when})`), ' ',
    h('span', { class: 'word-text' }, m.message));
}

/** Reloads the messages and shows them (as text). */
export async function refreshWords() {
  if (!document.getElementById('words-list')) return;
  let answer;
  try {
    answer = await api('GET', `${base}/messages`, { token });
  } catch {
    return; // the page shows the session's own errors
  }
  const snapshot = JSON.stringify(answer.messages);
  if (snapshot === shown) return;
  shown = snapshot;
  fill('words-list', answer.messages.length
    ? h('ul', { class: 'words' }, ...answer.messages.map(messageItem))
    : h('p', { class: 'hint small' }, 'No words yet.'));
}

async function postMessage() {
  const field = document.getElementById('words-input');
  const status = document.getElementById('words-status');
  if (!field.value.trim()) return;
  try {
    await api('POST', `${base}/messages`, { token, body: { message: field.value } });
    status.textContent = 'Posted.';
    wordsSent();
  } catch (e) {
    status.textContent = `Not posted: ${e.message}`;
  }
}

function card() {
  const hint = isMediatorPage
    ? 'Your words reach every party of the session and stay in the record.'
    : 'Sent with your next move or vote, shown to every party and the mediator, kept in the record. With an offer: its rationale.';
  const field = h('textarea', {
    id: 'words-input', rows: '2', maxlength: String(MAX_CHARS), 'data-testid': 'words-input',
    placeholder: isMediatorPage ? 'A message to the parties' : 'e.g. our red line on territory',
    'aria-label': isMediatorPage ? 'Message to the parties' : 'Words with your next move',
  });
  field.addEventListener('input', updateCount);
  const actions = h('div', { class: 'actions' }, h('span', { class: 'hint small', id: 'words-count' }, `0 / ${MAX_CHARS}`));
  if (isMediatorPage) {
    const post = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'words-post' }, 'Post message');
    post.addEventListener('click', postMessage);
    actions.append(post, h('span', { class: 'hint small', id: 'words-status', role: 'status' }));
  }
  return h('section', { class: 'card', id: 'words-card' },
    h('div', { class: 'card-head' }, h('h2', {}, 'Words'), h('span', { class: 'hint' }, hint)),
    field, actions, h('div', { id: 'words-list' }));
}

function install() {
  if (!session || !token || document.getElementById('words-card')) return;
  const anchor = isMediatorPage
    ? document.querySelector('#content > section')
    : document.getElementById('text-card');
  if (!anchor) return;
  anchor.after(card());
  refreshWords();
  setInterval(refreshWords, 2000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', install);
else install();
