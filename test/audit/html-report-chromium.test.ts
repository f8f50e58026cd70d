import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_COLOR } from '../../src/audit/render-bar-chart.js';
import { renderReport } from '../../src/audit/render-report.js';
import { auditSession } from './audit-fixture.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) {
  console.warn('skipping the HTML screenshot test: chromium is not installed (Debian package "chromium")');
}

function screenshot(url: string, png: string, profileDir: string): Promise<void> {
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
    `--user-data-dir=${profileDir}`,
    `--screenshot=${png}`,
    '--window-size=1200,900',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM ?? 'chromium', args, { timeout: 60_000, killSignal: 'SIGKILL' }, (err, _out, stderr) =>
      err ? reject(new Error(`chromium failed: ${err.message}\n${stderr}`)) : resolve(),
    );
  });
}

function dumpDom(url: string, profileDir: string): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    `--user-data-dir=${profileDir}`,
    '--dump-dom',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM ?? 'chromium',
      args,
      { timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, out, stderr) =>
        err ? reject(new Error(`chromium failed: ${err.message}\n${stderr}`)) : resolve(out),
    );
  });
}

interface Bar {
  y: number;
  x: number;
  width: number;
}

/** Horizontal runs of the bar colour, one per bar (rows of the same run merged). */
function findBars(png: PNG, rgb: readonly [number, number, number]): Bar[] {
  const near = (i: number): boolean =>
    Math.abs((png.data[i] ?? 0) - rgb[0]) <= 6 &&
    Math.abs((png.data[i + 1] ?? 0) - rgb[1]) <= 6 &&
    Math.abs((png.data[i + 2] ?? 0) - rgb[2]) <= 6;
  const bars: Bar[] = [];
  let previousRow: { x: number; width: number } | null = null;
  for (let y = 0; y < png.height; y++) {
    let best: { x: number; width: number } | null = null;
    let start = -1;
    for (let x = 0; x <= png.width; x++) {
      const hit = x < png.width && near((y * png.width + x) * 4);
      if (hit && start < 0) start = x;
      if (!hit && start >= 0) {
        if (!best || x - start > best.width) best = { x: start, width: x - start };
        start = -1;
      }
    }
    // A new bar starts where a row of bar colour follows a row without it.
    if (best && best.width > 20 && !previousRow) bars.push({ y, ...best });
    previousRow = best && best.width > 20 ? best : null;
  }
  return bars;
}

describe.skipIf(!CHROMIUM)('HTML report in headless Chromium', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-html-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('renders the top-denied bar chart with bars proportional to connections', async () => {
    const report = await auditSession({ whatIf: true });
    const html = renderReport(report, 'html');
    expect(html).not.toMatch(/<script|<link|src="|href="http|url\(/i);
    const page = join(tmp, 'report.html');
    await writeFile(page, html);
    const png = join(tmp, 'report.png');
    await screenshot(pathToFileURL(page).href, png, join(tmp, 'profile'));
    const image = PNG.sync.read(await readFile(png));
    expect(image.width).toBe(1200);

    const hex = BAR_COLOR.slice(1);
    const rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    const bars = findBars(image, rgb);
    const top = report.denied.slice(0, 10);
    expect(bars).toHaveLength(top.length);
    // registry-1.docker.io (3 connections) first; the others had 1: a third of its length.
    const [first, second] = bars;
    expect(top[0]).toMatchObject({ host: 'registry-1.docker.io', connections: 3 });
    expect(first?.width).toBeGreaterThan(300);
    const ratio = (second?.width ?? 0) / (first?.width ?? 1);
    expect(ratio).toBeGreaterThan(1 / 3 - 0.03);
    expect(ratio).toBeLessThan(1 / 3 + 0.03);
    // All bars start at the same x (one axis), and later bars are not longer than earlier ones.
    expect(new Set(bars.map((b) => b.x)).size).toBe(1);
    for (let i = 1; i < bars.length; i++) expect(bars[i]?.width).toBeLessThanOrEqual(bars[i - 1]?.width ?? 0);
  }, 90_000); // chromium start-up on a loaded 2-core CI machine can take a while

  it('parses into the same sections as the markdown report, with the window, clients and tighten rows', async () => {
    const report = await auditSession({ whatIf: true });
    const page = join(tmp, 'sections.html');
    await writeFile(page, renderReport(report, 'html'));
    const dom = await dumpDom(pathToFileURL(page).href, join(tmp, 'profile-dom'));
    const text = (html: string): string =>
      html
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
    const headings = [...dom.matchAll(/<h([123])>(.*?)<\/h\1>/g)].map((m) => `${m[1]} ${text(m[2] ?? '')}`);
    let fenced = false;
    const markdown = renderReport(report, 'markdown')
      .split('\n')
      .filter((l) => {
        if (l.startsWith('```')) fenced = !fenced;
        return !fenced && /^#{1,3} /.test(l);
      })
      .map((l) => `${l.indexOf(' ')} ${l.slice(l.indexOf(' ') + 1).replace(/`/g, '')}`);
    expect(headings).toEqual(markdown);
    expect(headings).toContain('2 Tighten');
    expect(text(dom)).toContain(
      'Observed 2026-11-16 09:00:01Z to 2026-11-16 09:00:28Z (0.01 hour(s)); 46 line(s) read.',
    );
    // The wildcard row names the one concrete name used under *.servicebus.windows.net.
    expect(dom).toMatch(
      /<code>arc-agents-v2\/cluster-connect-relay<\/code>.*?<code>westeurope\.servicebus\.windows\.net<\/code>/,
    );
  }, 90_000);
});
