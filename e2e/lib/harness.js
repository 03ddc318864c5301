// What the browser tests share: a `pactum serve` on a fresh SQLite file,
// Debian's Chromium through playwright-core, pages in their own browser
// contexts that record what would be a bug, and waiting helpers.
//
// Environment: PACTUM_BIN (default target/debug/pactum, built if missing),
// CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const BIN = process.env.PACTUM_BIN || path.join(ROOT, 'target', 'debug', 'pactum');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
export const TIMEOUT = 15_000;

/** Starts `pactum serve` on a free port; resolves to { server, baseUrl }. */
function startServer(db) {
  let log = '';
  return new Promise((resolve, reject) => {
    const server = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error(`pactum serve did not start:\n${log}`)), 20_000);
    const onData = (chunk) => {
      log += chunk;
      // The whole line: output may arrive cut anywhere, even inside the port.
      const m = /serving on (http:\/\/\S+)\r?\n/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ server, baseUrl: m[1] });
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pactum serve exited with ${code}:\n${log}`));
    });
  });
}

/**
 * Builds `pactum` if needed, starts a server on a fresh database in a
 * temporary folder and launches Chromium. `stop()` undoes all of it.
 */
export async function startAll() {
  if (!existsSync(BIN)) {
    const build = spawnSync('cargo', ['build', '-p', 'pactum-cli'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(build.status, 0, 'cargo build -p pactum-cli failed');
  }
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const workDir = mkdtempSync(path.join(tmpdir(), 'pactum-e2e-'));
  const { server, baseUrl } = await startServer(path.join(workDir, 'e2e.db'));
  // playwright-core gives the browser a fresh, temporary user-data-dir.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const stop = async () => {
    await browser.close();
    if (server.exitCode === null) {
      server.removeAllListeners('exit');
      server.kill('SIGTERM');
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  return { baseUrl, browser, workDir, stop };
}

/**
 * A page in its own browser context that records what would be a bug:
 * console errors, uncaught exceptions, failed requests and any URL that
 * carries a token.
 */
export async function openContext(browser, name, problems, tokens) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${name}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`${name}: request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('request', (req) => {
    const url = req.url();
    for (const t of tokens) {
      if (t && url.includes(t)) problems.push(`${name}: a token was sent in a URL: ${url.split('/').slice(0, 4).join('/')}/…`);
    }
    if (url.includes('#')) problems.push(`${name}: a fragment reached the network layer`);
  });
  return { context, page };
}

/** Waits until the element matching `selector` has exactly `text` (trimmed). */
export async function waitText(page, selector, text) {
  try {
    await page.waitForFunction(
      ([sel, want]) => {
        const el = document.querySelector(sel);
        return !!el && el.textContent.trim() === want;
      },
      [selector, text],
      { timeout: TIMEOUT },
    );
  } catch (e) {
    const got = await page.locator(selector).first().textContent().catch(() => '(missing)');
    throw new Error(`${selector}: expected ${JSON.stringify(text)}, got ${JSON.stringify(got && got.trim())}`, { cause: e });
  }
}

/** Waits until the element matching `selector` contains `text`. */
export async function waitContains(page, selector, text) {
  try {
    await page.locator(selector).filter({ hasText: text }).first().waitFor();
  } catch (e) {
    const got = await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => '(missing)');
    throw new Error(`${selector}: expected to contain ${JSON.stringify(text)}, got ${JSON.stringify(got && got.trim())}`, { cause: e });
  }
}

/** Waits until the page reads the session's event stream. */
export async function waitLive(page) {
  await page.waitForFunction(() => document.documentElement.dataset.stream === 'live', null, { timeout: TIMEOUT });
}

/** Chooses a package in the party page's offer form. */
export async function choose(page, pkg) {
  for (const [issue, value] of Object.entries(pkg)) {
    await page.selectOption(`select[data-issue="${issue}"]`, String(value));
  }
}

/** The package shown in a package table under `selector`. */
export async function shownPackage(page, selector) {
  return page.$$eval(`${selector} td[data-issue]`, (cells) =>
    Object.fromEntries(cells.map((c) => [c.dataset.issue, c.textContent.trim()])));
}

/** The session and token in a page link's fragment. */
export function linkParams(link) {
  const fragment = new URLSearchParams(new URL(link).hash.slice(1));
  return { session: fragment.get('session'), token: fragment.get('token') };
}

/**
 * A JSON request to the server: `url` absolute, or a path joined to `baseUrl`.
 * Checks the status (`want`, or any 2xx when omitted) and returns the parsed
 * body (null when empty).
 */
export async function request(baseUrl, method, url, token, body, want) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const full = url.startsWith('http') ? url : `${baseUrl}${url}`;
  const res = await fetch(full, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (want === undefined) assert.ok(res.ok, `${method} ${url}: ${res.status} ${text}`);
  else assert.equal(res.status, want, `${method} ${url}: ${text}`);
  return text ? JSON.parse(text) : null;
}
