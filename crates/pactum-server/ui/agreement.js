// The agreement document of a finished session, for the convener (the
// page's link carries the session and the admin token in its fragment):
// the parties, every issue's agreed value with the scenario's description
// of the issue, the date, and the hash of the record entry holding the
// agreement's certificate; printable, and saved as Markdown or HTML.
//
// Rules: everything comes from the session's export (its scenario text and
// signed record), which the server gives once the negotiation is over and
// which `pactum verify` checks offline; issues are listed in the scenario's
// order, each exactly once; a session that ended without agreement says so
// and lists no terms.

import { api, fill, fmtValue, fragment, h, notice, replayRecord } from './common.js';

const $ = (id) => document.getElementById(id);

/**
 * The parts of a native TOML scenario the document shows (a light scan,
 * not a parser): its name and description, its issues' names and notes,
 * and its parties' names and roles.
 */
export function scanScenario(text) {
  const out = { name: '', description: '', issues: [], parties: [] };
  let table = null; // the object the keys below a header go to, or null to skip
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const t = lines[i].trim();
    if (t.startsWith('[')) {
      if (t === '[[issues]]') out.issues.push(table = {});
      else if (t === '[[parties]]') out.parties.push(table = {});
      else table = null;
      continue;
    }
    const m = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(t);
    if (!m) continue;
    const [, key, rest] = m;
    let value = null;
    if (rest.startsWith('"""')) {
      // A multi-line string: up to the closing quotes.
      let body = rest.slice(3);
      while (!body.includes('"""') && i + 1 < lines.length) {
        i += 1;
        body += `\n${lines[i]}`;
      }
      value = body.slice(0, body.indexOf('"""')).replace(/^\n/, '').replace(/\\\n\s*/g, '').trim();
    } else if (rest.startsWith('"')) {
      const s = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      value = s ? JSON.parse(`"${s[1]}"`) : null;
    }
    if (value === null) continue;
    const target = table === null && !out.issues.length && !out.parties.length ? out : table;
    if (target && ['name', 'description', 'notes', 'role'].includes(key)) target[key] = value;
  }
  return out;
}

/** The document's content from an export: { title, date, parties, terms, certificate, status }. */
export function agreementOf(session, exported) {
  const scenario = scanScenario(exported.scenario_toml || '');
  const state = replayRecord(exported.record);
  const entries = exported.record.events || [];
  const certificate = entries.find((e) => e.event && e.event.type === 'certificate');
  // The date of the move that concluded it (the agreement entry has none).
  const last = state.moves.at(-1);
  const at = (last && last.at) || state.createdAt || null;
  return {
    session,
    title: scenario.name || 'Negotiation',
    description: scenario.description,
    status: state.status,
    reason: state.reason,
    date: at ? new Date(at) : null,
    parties: state.negotiators.map((name) => {
      const p = scenario.parties.find((x) => x.name === name);
      return { name, role: (p && p.role) || 'negotiator' };
    }).concat(scenario.parties.filter((p) => p.role && p.role !== 'negotiator').map((p) => ({ name: p.name, role: p.role }))),
    terms: state.status === 'agreement'
      ? scenario.issues.map((i) => ({ issue: i.name, value: state.agreement[i.name], notes: i.notes || '' }))
      : [],
    certificate: certificate ? { hash: certificate.hash, seq: certificate.seq, pareto: certificate.event.pareto_optimal } : null,
    head: entries.length ? entries[entries.length - 1].hash : '',
  };
}

const dateText = (d) => (d ? d.toISOString().slice(0, 10) : '—');

/** The document as Markdown. */
export function markdown(doc) {
  const cell = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [`# Agreement: ${doc.title}`, ''];
  if (doc.description) lines.push(doc.description, '');
  lines.push(`- Date: ${dateText(doc.date)}`, `- Session: ${doc.session}`, '', '## Parties', '');
  for (const p of doc.parties) lines.push(`- ${p.name} (${p.role})`);
  lines.push('', '## Agreed terms', '');
  if (doc.status === 'agreement') {
    lines.push('| Issue | Agreed value | Description |', '|---|---|---|');
    for (const t of doc.terms) lines.push(`| ${cell(t.issue)} | ${cell(fmtValue(t.value))} | ${cell(t.notes)} |`);
  } else {
    lines.push(`No agreement was reached (${doc.reason || 'ended'}).`);
  }
  lines.push('', '## Certificate', '');
  if (doc.certificate) {
    lines.push(`- Certificate hash: \`${doc.certificate.hash}\` (record entry ${doc.certificate.seq})`,
      `- Pareto optimal: ${doc.certificate.pareto ? 'yes' : 'no'}`);
  } else {
    lines.push('- No certificate: there is no agreement to certify.');
  }
  lines.push(`- Record head: \`${doc.head}\``, '', 'The session\'s export, checked by `pactum verify FILE`, proves every line above.', '');
  return lines.join('\n');
}

/** The document as page content (also saved as HTML). */
function render(doc) {
  return h('article', { class: 'agreement-doc', id: 'agreement-doc' },
    h('h1', {}, `Agreement: ${doc.title}`),
    doc.description ? h('p', { class: 'muted' }, doc.description) : null,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Date'), h('dd', { 'data-testid': 'agreement-date' }, dateText(doc.date)),
      h('dt', {}, 'Session'), h('dd', {}, h('code', {}, doc.session))),
    h('h2', {}, 'Parties'),
    h('ul', { 'data-testid': 'agreement-parties' }, doc.parties.map((p) => h('li', {}, `${p.name} (${p.role})`))),
    h('h2', {}, 'Agreed terms'),
    doc.status === 'agreement'
      ? h('table', { class: 'terms', 'data-testid': 'agreement-terms' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Issue'), h('th', {}, 'Agreed value'), h('th', {}, 'Description'))),
        h('tbody', {}, doc.terms.map((t) => h('tr', { 'data-issue': t.issue },
          h('th', { scope: 'row' }, t.issue), h('td', { 'data-testid': 'agreed-value' }, fmtValue(t.value)), h('td', {}, t.notes)))))
      : h('p', { class: 'callout', 'data-testid': 'no-agreement' }, `No agreement was reached (${doc.reason || 'ended'}).`),
    h('h2', {}, 'Certificate'),
    doc.certificate
      ? h('dl', { class: 'kv' },
        h('dt', {}, 'Certificate hash'), h('dd', {}, h('code', { 'data-testid': 'certificate-hash' }, doc.certificate.hash)),
        h('dt', {}, 'Record entry'), h('dd', {}, String(doc.certificate.seq)),
        h('dt', {}, 'Pareto optimal'), h('dd', {}, doc.certificate.pareto ? 'yes' : 'no'))
      : h('p', {}, 'No certificate: there is no agreement to certify.'),
    h('p', { class: 'small muted' }, 'Record head ', h('code', {}, doc.head),
      '. The session\'s export, checked by ', h('code', {}, 'pactum verify FILE'), ', proves every line above.'));
}

/** Offers `text` as a file download. */
function saveAs(text, type, filename) {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type })), download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** A standalone HTML file of the document, with the print styles inline. */
function htmlFile(doc, article) {
  const css = 'body{font:15px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d2330}'
    + 'table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}'
    + 'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dd{margin:0}code{word-break:break-all}.muted{color:#5b6474}';
  const title = `Agreement: ${doc.title}`.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n<style>${css}</style>\n</head>\n<body>\n${article.outerHTML}\n</body>\n</html>\n`;
}

async function init() {
  const { session, token } = fragment();
  if (!session || !token) {
    notice('This page needs the convener\'s link to it (the session and admin token after #).', 'error');
    return;
  }
  let exported;
  try {
    exported = await api('GET', `/sessions/${encodeURIComponent(session)}/export`, { token });
  } catch (e) {
    notice(e.status === 409
      ? 'The negotiation is still open: the agreement document is ready once it is over.'
      : `The session could not be read: ${e.message}`, 'error');
    return;
  }
  const doc = agreementOf(session, exported);
  const article = render(doc);
  fill('document', article);
  document.title = `Pactum · Agreement: ${doc.title}`;
  const stem = `agreement-${session.slice(0, 8)}`;
  $('print').addEventListener('click', () => window.print());
  $('save-md').addEventListener('click', () => saveAs(markdown(doc), 'text/markdown', `${stem}.md`));
  $('save-html').addEventListener('click', () => saveAs(htmlFile(doc, article), 'text/html', `${stem}.html`));
  $('tools').hidden = false;
}

init();
