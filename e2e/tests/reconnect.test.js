// A party page whose event stream drops (the server is killed and started
// again on the same database and port) opens it again with Last-Event-ID,
// and moves made meanwhile reach the page.
//
// Environment: see ../lib/harness.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BIN, CHROMIUM, ROOT, openContext, waitContains, waitLive } from '../lib/harness.js';

let browser;
let workDir;
let server = null;

/** A port free right now on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `pactum serve` on `port` over `db`; resolves once it listens. */
function serve(db, port) {
  let log = '';
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error(`pactum serve did not start:\n${log}`)), 20_000);
    const onData = (chunk) => {
      log += chunk;
      if (/serving on http:\/\/\S+\r?\n/.test(log)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pactum serve exited with ${code}:\n${log}`));
    });
  });
}

function kill(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'pactum-e2e-reconnect-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) await kill(server);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('a party page resumes its event stream after the server restarts', async () => {
  const db = path.join(workDir, 'reconnect.db');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = await serve(db, port);

  const scenario = readFileSync(path.join(ROOT, 'examples', 'car-purchase.toml'), 'utf8');
  const created = await (await fetch(`${base}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario_toml: scenario, protocol: 'alternating_offers', deadline_rounds: 10 }),
  })).json();
  const token = Object.fromEntries(created.invitations.map((i) => [i.party, i.token]));
  const move = async (party, offer) => {
    const resp = await fetch(`${base}/sessions/${created.session_id}/moves`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token[party]}` },
      body: JSON.stringify({ kind: 'offer', offer }),
    });
    assert.equal(resp.status, 200, await resp.clone().text());
    return resp.json();
  };

  const problems = [];
  const { page } = await openContext(browser, 'Dealer', problems, Object.values(token));
  const streams = [];
  page.on('request', (req) => {
    if (req.url().endsWith('/events')) streams.push(req.headers()['last-event-id'] ?? null);
  });
  const params = new URLSearchParams({ session: created.session_id, token: token.Dealer });
  await page.goto(`${base}/party.html#${params}`);
  await waitLive(page);

  const first = await move('Buyer', { price: 19000, warranty: 3, colour: 'black', delivery: 2 });
  await waitContains(page, '[data-testid="turn"]', 'Your turn');

  // The server dies; the page notices its stream is gone.
  await kill(server);
  await page.waitForFunction(() => document.documentElement.dataset.stream !== 'live');
  server = await serve(db, port);
  await waitLive(page);
  assert.ok(streams.length >= 2, `the stream was not opened again: ${JSON.stringify(streams)}`);
  assert.equal(streams[0], null, 'the first stream has no Last-Event-ID');
  assert.equal(streams.at(-1), String(first.seq), 'the reopened stream resumes after the last event seen');

  // Dealer counters through the API; the Buyer's answer reaches the page.
  await move('Dealer', { price: 22000, warranty: 1, colour: 'silver', delivery: 4 });
  await move('Buyer', { price: 20000, warranty: 2, colour: 'black', delivery: 3 });
  await waitContains(page, '[data-testid="round"]', 'Round 2');
  await waitContains(page, '[data-testid="turn"]', 'Your turn');

  // Requests cut by the kill are expected; nothing else may go wrong.
  const unexpected = problems.filter((p) => !/request failed|ERR_|Failed to load resource/.test(p));
  assert.deepEqual(unexpected, []);
});
