/**
 * The /ui page's script, as text. It polls /ui/data once a second and writes every value with
 * textContent (hosts are whatever clients asked for, never markup). Kept free of template
 * placeholders so its CSP hash is computed over exactly these bytes.
 */
export const LIVE_PAGE_SCRIPT = `
'use strict';
const COLORS = { allow: '#2e7d32', deny: '#c62828', report: '#ef8f00' };
const OUTCOMES = ['allow', 'deny', 'report'];
const history = [];
let previous = null;
const $ = (id) => document.getElementById(id);
function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}
function bar(row, value, max, color) {
  const td = cell(row, '');
  const div = document.createElement('div');
  div.className = 'bar';
  div.style.width = Math.max(2, Math.round((300 * value) / Math.max(1, max))) + 'px';
  div.style.background = color;
  td.appendChild(div);
}
function fill(id, rows, build) {
  const body = $(id);
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, 'none yet', 'empty').colSpan = 6;
    body.appendChild(tr);
  }
  for (const r of rows) {
    const tr = document.createElement('tr');
    build(tr, r);
    body.appendChild(tr);
  }
}
function destinations(id, list, key, color) {
  const rows = list.filter((d) => d[key] > 0).sort((a, b) => b[key] - a[key]).slice(0, 10);
  const max = rows.length > 0 ? rows[0][key] : 1;
  fill(id, rows, (tr, d) => {
    cell(tr, d.host + ':' + d.port, 'host');
    bar(tr, d[key], max, color);
    cell(tr, d[key], 'num');
    cell(tr, (d.groups || []).join(', '));
    cell(tr, d.lastClient);
    cell(tr, Object.keys(d.reasons).join(', '));
  });
}
function drawChart() {
  const canvas = $('chart');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(1, ...history.flatMap((h) => OUTCOMES.map((o) => h[o])));
  const slot = canvas.width / 60;
  history.forEach((h, i) => {
    OUTCOMES.forEach((o, j) => {
      const height = Math.round(((canvas.height - 10) * h[o]) / max);
      ctx.fillStyle = COLORS[o];
      ctx.fillRect(i * slot + j * (slot / 3), canvas.height - height, Math.max(1, slot / 3 - 1), height);
    });
  });
}
function render(data) {
  const live = data.live;
  if (previous !== null && live.now > previous.now) {
    const seconds = (live.now - previous.now) / 1000;
    const rate = {};
    for (const o of OUTCOMES) rate[o] = Math.max(0, live.totals[o] - previous.totals[o]) / seconds;
    history.push(rate);
    if (history.length > 60) history.shift();
    for (const o of OUTCOMES) $('rate-' + o).textContent = rate[o].toFixed(1);
  }
  previous = live;
  for (const o of OUTCOMES) $('total-' + o).textContent = String(live.totals[o]);
  drawChart();
  destinations('denied', data.denied.destinations, 'denied', COLORS.deny);
  destinations('reported', data.denied.destinations, 'reported', COLORS.report);
  fill('recent', live.recent, (tr, d) => {
    cell(tr, d.time.slice(11, 19));
    cell(tr, d.outcome, 'outcome ' + d.outcome);
    cell(tr, d.group === null ? '-' : d.group);
    cell(tr, d.client);
    cell(tr, d.host + ':' + d.port, 'host');
    cell(tr, d.why);
  });
  $('updated').textContent = 'updated ' + new Date(live.now).toLocaleTimeString();
  $('status').textContent = '';
}
async function poll() {
  try {
    const res = await fetch('ui/data', { cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    render(await res.json());
  } catch (err) {
    $('status').textContent = 'cannot reach the gateway: ' + err.message;
  }
  setTimeout(poll, 1000);
}
poll();
`;
