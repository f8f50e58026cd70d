import { createHash } from 'node:crypto';
import { LIVE_PAGE_SCRIPT } from './live-page-script.js';

export const OUTCOME_COLORS = { allow: '#2e7d32', deny: '#c62828', report: '#ef8f00' } as const;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1b1b1b; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: #555; }
.rates { display: flex; gap: 32px; margin: 12px 0; }
.rate b { font-size: 28px; display: block; }
.allow { color: ${OUTCOME_COLORS.allow}; } .deny { color: ${OUTCOME_COLORS.deny}; } .report { color: ${OUTCOME_COLORS.report}; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
td.host { font-family: ui-monospace, monospace; }
td.num { text-align: right; }
td.empty { color: #888; }
.bar { height: 12px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.cols section { overflow-x: auto; }
canvas { border-bottom: 1px solid #bbb; display: block; }
.caption { color: #555; font-size: 12px; }
#status { color: ${OUTCOME_COLORS.deny}; }
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Inline script and style allowed by hash only; the page loads nothing from anywhere. */
export const LIVE_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(LIVE_PAGE_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const destinationHead =
  '<tr><th>destination</th><th></th><th>count</th><th>client groups</th><th>last client</th><th>reasons</th></tr>';

/** GET /ui: one self-contained page (inline style and script, no external assets). */
export function renderLivePage(): string {
  const rate = (o: string): string =>
    `<div class="rate ${o}"><b id="rate-${o}">–</b>${o} per second (<span id="total-${o}">0</span> since start)</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>egressgate live</title>
<style>${STYLE}</style>
</head>
<body>
<h1>egressgate live</h1>
<div class="meta"><span id="updated">waiting for the first update…</span> <span id="status"></span></div>
<div class="rates">${rate('allow')}${rate('deny')}${rate('report')}</div>
<canvas id="chart" width="960" height="120" aria-label="decisions per second, last 60 s"></canvas>
<div class="caption">decisions per second over the last minute: allow, deny, report</div>
<div class="cols">
<section><h2>Top denied destinations</h2><table><thead>${destinationHead}</thead><tbody id="denied"></tbody></table></section>
<section><h2>Top reported destinations (report mode)</h2><table><thead>${destinationHead}</thead><tbody id="reported"></tbody></table></section>
</div>
<h2>Last decisions</h2>
<table><thead><tr><th>time</th><th>decision</th><th>group</th><th>client</th><th>destination</th><th>rule or reason</th></tr></thead><tbody id="recent"></tbody></table>
<script>${LIVE_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
