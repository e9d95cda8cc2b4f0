// The admin pages of the gateway and the embedded server: a login form and a dashboard that polls
// /workers, /matches and its chart data (/dashboard/stats).
// Plain HTML with a few lines of script, no build step; values are inserted as text, never HTML.

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; min-width: 40em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
th { background: #f4f4f4; }
.error { color: #b00; }
`;

/** The login form; `failed` shows that the last token was wrong. */
export function renderLogin(failed: boolean, title = 'Skirmish cluster'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: sign in</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<form method="post" action="/login">
  <label>Admin token <input type="password" name="token" autocomplete="current-password" autofocus></label>
  <button type="submit">Sign in</button>
</form>
${failed ? '<p class="error">Wrong token.</p>' : ''}
</body></html>
`;
}

/**
 * The dashboard: live tables of workers and matches, refreshed every two seconds, and uPlot
 * charts (uPlot, served from node_modules) of players and tick p99 per worker over time.
 */
export function renderDashboard(title = 'Skirmish cluster'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style>
<link rel="stylesheet" href="/dashboard/uplot.css"><script src="/dashboard/uplot.js"></script></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="status"></p>
<h2>Players</h2><div id="players-chart"></div>
<h2>Tick p99 (ms, worst match type)</h2><div id="tick-chart"></div>
<h2>Workers</h2>
<table id="workers"><thead><tr><th>id</th><th>host</th><th>pid</th><th>url</th><th>matches</th><th>players</th><th>heartbeat age</th></tr></thead><tbody></tbody></table>
<h2>Matches</h2>
<table id="matches"><thead><tr><th>id</th><th>type</th><th>players</th><th>reserved</th><th>capacity</th><th>worker</th><th>age</th></tr></thead><tbody></tbody></table>
<script>
function fill(id, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
    return tr;
  }));
}
async function refresh() {
  const status = document.getElementById('status');
  try {
    const [workers, matches] = await Promise.all(['/workers', '/matches'].map(async (u) => {
      const r = await fetch(u, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(u + ': ' + r.status);
      return r.json();
    }));
    fill('workers', workers.map((w) => [w.id, w.host, w.pid, w.url, w.matches, w.players, w.heartbeatAgeMs + ' ms']));
    fill('matches', matches.map((m) => [m.id, m.type, m.players, m.reserved ?? 0, m.capacity, m.worker, Math.round((Date.now() - m.createdAt) / 1000) + ' s']));
    status.textContent = workers.length + ' workers, ' + matches.length + ' matches, '
      + matches.reduce((s, m) => s + m.players, 0) + ' players; updated ' + new Date().toLocaleTimeString();
    status.className = '';
  } catch (e) {
    status.textContent = 'registry unavailable (' + e.message + ')';
    status.className = 'error';
  }
}
// Time series of /stats: one line per worker (workers that come later get a line from then on).
const WINDOW = 300; // points kept: 10 minutes at one every 2 s
const series = { t: [], ids: [], players: new Map(), tick: new Map() };
let charts;
function column(map, id) {
  if (!map.has(id)) map.set(id, series.t.map(() => null));
  return map.get(id);
}
async function sample() {
  let stats;
  try {
    const r = await fetch('/dashboard/stats', { credentials: 'same-origin' });
    if (!r.ok) return;
    stats = await r.json();
  } catch { return; }
  series.t.push(stats.t / 1000);
  const seen = new Set();
  for (const w of stats.workers) {
    if (!series.ids.includes(w.id)) series.ids.push(w.id);
    seen.add(w.id);
    column(series.players, w.id).push(w.players);
    const p99 = Object.values(w.tickP99Ms);
    column(series.tick, w.id).push(p99.length ? Math.max(...p99) : null);
  }
  for (const id of series.ids) if (!seen.has(id)) { column(series.players, id).push(null); column(series.tick, id).push(null); }
  if (series.t.length > WINDOW) {
    series.t.shift();
    for (const m of [series.players, series.tick]) for (const c of m.values()) c.shift();
  }
  draw();
}
function draw() {
  if (typeof uPlot === 'undefined') return;
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const make = (el, map) => new uPlot({
    width: Math.min(900, window.innerWidth - 60), height: 220,
    series: [{}, ...series.ids.map((id, i) => ({ label: id, stroke: colors[i % colors.length], spanGaps: false }))],
    axes: [{}, {}],
  }, [series.t, ...series.ids.map((id) => column(map, id))], document.getElementById(el));
  const key = series.ids.join(',');
  if (!charts || charts.key !== key) {
    charts?.players.destroy(); charts?.tick.destroy();
    charts = { key, players: make('players-chart', series.players), tick: make('tick-chart', series.tick) };
  } else {
    charts.players.setData([series.t, ...series.ids.map((id) => column(series.players, id))]);
    charts.tick.setData([series.t, ...series.ids.map((id) => column(series.tick, id))]);
  }
}
refresh();
setInterval(refresh, 2000);
sample();
setInterval(sample, 2000);
</script>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
