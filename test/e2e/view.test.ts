// The cluster view in a real browser (Debian's Chromium driven by playwright-core, which never downloads a
// browser) against the lab's real engines: the 3 engines, a container placed by constraint with its reason,
// a failed placement with what each filter rejected, and an engine shown Unhealthy within 2 s of its stop.
// A screenshot is kept in test-artifacts/view.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labStartNode, labStopNode } from '../../src/lab/lab.js';
import { cleanEngines, docker, lab, startShoal, until, type Shoal } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
/** No GPU, no QUIC, no first-run, sync or component updates: Chromium talks to Shoal on loopback only. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Belt and braces: no host resolves but 127.0.0.1, where Shoal listens.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const STOPPED = 2;

let shoal: Shoal | undefined;
let context: BrowserContext | undefined;
let page: Page;
let dataDir = '';

beforeAll(async () => {
  await cleanEngines();
  shoal = await startShoal();
  // A fresh profile each run (--user-data-dir): nothing carried over, nothing left behind.
  dataDir = mkdtempSync(join(tmpdir(), 'shoal-view-chromium-'));
  context = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1100 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await shoal?.stop();
  await cleanEngines();
});

const engine = (name: string) => page.locator(`[data-engine="${name}"]`);
const decision = (name: string) => page.locator(`li.decision[data-decision="${name}"]`);

it('shows the lab, where a container went and why, and a stopped engine going Unhealthy', async () => {
  const host = shoal?.host ?? '';
  const run = await docker(host, [
    'run',
    '-d',
    '--name',
    'view-zone-b',
    '--cpus',
    '0.5',
    '-m',
    '64m',
    '-e',
    'constraint:zone==b',
    'busybox:local',
    'sleep',
    '600',
  ]);
  expect(run.code, run.stderr).toBe(0);

  await page.goto(`${host.replace('tcp://', 'http://')}/shoal/`);
  await expect.poll(() => page.locator('[data-engine]').count()).toBe(3);
  for (const name of ['node-0', 'node-1', 'node-2'])
    expect(await engine(name).locator('.state').textContent()).toBe('Healthy');
  expect(await page.locator('#live').textContent()).toBe('live');
  // node-1 is the lab's zone=b engine: the container is listed there, with its reservation in the bars.
  const node1 = engine('node-1');
  await node1.locator('[data-container="view-zone-b"]').waitFor();
  expect(await node1.locator('.labels').textContent()).toContain('zone=b');
  expect(await node1.locator('[data-bar="cpu"]').getAttribute('aria-valuenow')).toBe('0.5');
  expect(await node1.locator('[data-bar="memory"]').getAttribute('aria-valuenow')).toBe(String(64 * 2 ** 20));
  const placed = decision('view-zone-b');
  expect(await placed.locator('.outcome').textContent()).toBe('view-zone-b → node-1');
  const reason = (await placed.locator('.reason').textContent()) ?? '';
  expect(reason).toContain('node-1 was the only eligible engine of 3');
  expect(reason).toContain('constraint rejected node-0, node-2');
  expect(reason).toContain('conditions: zone==b');

  // A placement that fails shows up live (no reload), with what the filter rejected on each engine.
  const refused = await docker(host, [
    'run',
    '-d',
    '--name',
    'view-nowhere',
    '-e',
    'constraint:zone==x',
    'busybox:local',
  ]);
  expect(refused.code).not.toBe(0);
  const failed = decision('view-nowhere');
  await failed.waitFor({ timeout: 5000 });
  expect(await failed.getAttribute('data-ok')).toBe('false');
  expect(await failed.locator('[data-rejected]').allTextContents()).toEqual([
    'node-0constraintconstraint zone==x does not hold (zone=a)',
    'node-1constraintconstraint zone==x does not hold (zone=b)',
    'node-2constraintconstraint zone==x does not hold (zone=c)',
  ]);

  // Stop an engine: the page says Unhealthy within 2 s of its daemon having stopped (refresh 1–2 s, failure
  // retry 2). dockerd itself takes about a second to shut down, and keeps its event stream open meanwhile.
  const stopAsked = Date.now();
  await labStopNode(lab(), STOPPED);
  const stopped = Date.now();
  await engine(`node-${STOPPED}`).locator('.state[data-state="Unhealthy"]').waitFor({ timeout: 10_000 });
  const shown = Date.now();
  process.stdout.write(
    `view: node-${STOPPED}'s dockerd took ${stopped - stopAsked} ms to stop; shown Unhealthy ${shown - stopped} ms after it had stopped\n`,
  );
  expect(shown - stopped).toBeLessThan(2000);
  expect(await engine(`node-${STOPPED}`).getAttribute('class')).toContain('unhealthy');
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'view.png');
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`view: screenshot ${shot}\n`);

  await labStartNode(lab(), STOPPED);
  await engine(`node-${STOPPED}`).locator('.state[data-state="Healthy"]').waitFor({ timeout: 15_000 });
  await until('all engines healthy again', () => shoal?.manager.pool.healthy().length === 3);
});
