import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_COLORS } from '../../src/observe/render-live-page.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from '../operations/ops-fixture.js';
import { spawnServe, type ServeProcess } from '../operations/spawn-serve.js';
import { openTunnel } from '../support/open-tunnel.js';
import type { Upstream } from '../support/start-upstream.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM)
  console.warn('skipping the /ui Chromium test: chromium is not installed (Debian package "chromium")');

/** Headless Chromium given 4 s of page time (the page polls once a second), then a DOM dump or a screenshot. */
function chromium(
  url: string,
  profileDir: string,
  output: ['--dump-dom'] | [`--screenshot=${string}`],
): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--force-color-profile=srgb',
    '--hide-scrollbars',
    '--virtual-time-budget=4000',
    `--user-data-dir=${profileDir}`,
    '--window-size=1600,1000',
    ...output,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM ?? 'chromium',
      args,
      { timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 8 << 20 },
      (err, out, stderr) =>
        err ? reject(new Error(`chromium failed: ${err.message}\n${stderr}`)) : resolve(out),
    );
  });
}

/** CONNECT status, as `user` (proxy Basic auth) or as nobody. */
async function connect(port: number, target: string, user?: string): Promise<number> {
  const headers: Record<string, string> =
    user === undefined
      ? {}
      : { 'Proxy-Authorization': `Basic ${Buffer.from(`${user}:pw-${user}`).toString('base64')}` };
  const { status, socket } = await openTunnel(port, target, { headers });
  socket.destroy();
  return status;
}

/** Horizontal runs of one colour wider than 20 px, one per bar (rows of the same run merged). */
function findBars(png: PNG, hex: string): { y: number; x: number; width: number }[] {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const near = (i: number): boolean =>
    [0, 1, 2].every((c) => Math.abs((png.data[i + c] ?? 0) - (rgb[c] ?? 0)) <= 6);
  const bars: { y: number; x: number; width: number }[] = [];
  let inBar = false;
  for (let y = 0; y < png.height; y++) {
    let best: { x: number; width: number } | null = null;
    let start = -1;
    for (let x = 0; x <= png.width; x++) {
      const hit = x < png.width && near((y * png.width + x) * 4);
      if (hit && start < 0) start = x;
      if (!hit && start >= 0) {
        if (best === null || x - start > best.width) best = { x: start, width: x - start };
        start = -1;
      }
    }
    const isBar = best !== null && best.width > 20;
    if (isBar && !inBar && best !== null) bars.push({ y, ...best });
    inBar = isBar;
  }
  return bars;
}

describe.skipIf(!CHROMIUM)('admin /ui in headless Chromium, on real traffic', () => {
  let upstream: Upstream;
  let policy: PolicyDir;
  let dir: string;
  let gate: ServeProcess;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    policy = await makePolicyDir(['one.ops.test']);
    dir = await mkdtemp(join(tmpdir(), 'eg-ui-'));
    const file = join(dir, 'config.yaml');
    await writeFile(
      file,
      [
        'listen: 127.0.0.1:0',
        'admin: 127.0.0.1:0',
        `policies: ${policy.dir}`,
        `connectTo: ['::127.0.0.1:${upstream.port}']`,
        'clientGroups:',
        // A proxy user in report mode and everyone else enforced, both from loopback.
        '  - { name: trial, cidrs: [127.0.0.0/8], users: [alice], profiles: [' +
          PROFILE +
          '], mode: report }',
        '  - { name: lab, cidrs: [127.0.0.0/8], profiles: [' + PROFILE + '] }',
        '',
      ].join('\n'),
    );
    process.env['EGRESSGATE_PROXY_PASSWORD_ALICE'] = 'pw-alice';
    gate = await spawnServe(file);
    const p = gate.proxyPort;
    for (let i = 0; i < 3; i++) expect(await connect(p, 'blocked.ops.test:443')).toBe(403);
    expect(await connect(p, 'rare.ops.test:443')).toBe(403);
    expect(await connect(p, 'one.ops.test:443')).toBe(200);
    for (let i = 0; i < 2; i++) expect(await connect(p, 'trial-only.ops.test:443', 'alice')).toBe(200);
    await gate.waitForLine(
      (l) => l['event'] === 'decision' && l['host'] === 'trial-only.ops.test' && l['decision'] === 'report',
    );
  }, 60_000);

  afterAll(async () => {
    gate.child.kill('SIGTERM');
    await gate.exited;
    delete process.env['EGRESSGATE_PROXY_PASSWORD_ALICE'];
    await upstream.close();
    await policy.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('is one self-contained page with a strict CSP, listed on /', async () => {
    const res = await fetch(`http://127.0.0.1:${gate.adminPort}/ui`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<link|src=|href=|url\(|@import/i);
    expect(res.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'sha256-[^']+'/,
    );
    expect(await (await fetch(`http://127.0.0.1:${gate.adminPort}/`)).text()).toMatch(/^\s+\/ui\s/m);
  });

  it('shows the counts, the top denied and reported destinations with their groups, and the last decisions', async () => {
    const dom = await chromium(`http://127.0.0.1:${gate.adminPort}/ui`, join(dir, 'dom-profile'), [
      '--dump-dom',
    ]);
    const text = (id: string): string =>
      (new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(?:span|tbody)>`).exec(dom)?.[1] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    expect(text('total-allow')).toBe('1');
    expect(text('total-deny')).toBe('4');
    expect(text('total-report')).toBe('2');
    expect(text('denied')).toMatch(
      /^blocked\.ops\.test:443 3 lab 127\.0\.0\.1 no_matching_rule rare\.ops\.test:443 1 lab/,
    );
    expect(text('reported')).toMatch(/^trial-only\.ops\.test:443 2 trial 127\.0\.0\.1 no_matching_rule$/);
    const recent = text('recent');
    expect(recent).toMatch(/report trial 127\.0\.0\.1 trial-only\.ops\.test:443 no_matching_rule/);
    expect(recent).toMatch(/allow lab 127\.0\.0\.1 one\.ops\.test:443 ops-test\/tunnel/);
    expect(recent.match(/ deny lab /g)).toHaveLength(4);
    expect(text('status')).toBe('');
  }, 90_000);

  it('draws denied and reported bars proportional to their counts (screenshot)', async () => {
    const png = join(dir, 'ui.png');
    await chromium(`http://127.0.0.1:${gate.adminPort}/ui`, join(dir, 'shot-profile'), [
      `--screenshot=${png}`,
    ]);
    const image = PNG.sync.read(await readFile(png));
    expect(image.width).toBe(1600);
    const denied = findBars(image, OUTCOME_COLORS.deny);
    expect(denied).toHaveLength(2);
    const [first, second] = denied;
    expect(first?.width).toBeGreaterThan(250);
    const ratio = (second?.width ?? 0) / (first?.width ?? 1);
    expect(ratio).toBeGreaterThan(1 / 3 - 0.03);
    expect(ratio).toBeLessThan(1 / 3 + 0.03);
    expect(first?.x).toBe(second?.x);
    // One reported destination: one bar, as long as the longest denied one (both are their table's top).
    const reported = findBars(image, OUTCOME_COLORS.report);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.width).toBe(first?.width);
    expect(reported[0]?.x).toBeGreaterThan((first?.x ?? 0) + 300);
  }, 90_000);
});
