// The gateway's admin pages: a login form and a dashboard that polls /workers and /matches.
// Plain HTML with a few lines of script, no build step; values are inserted as text, never HTML.

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; min-width: 40em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
th { background: #f4f4f4; }
.error { color: #b00; }
`;

/** The login form; `failed` shows that the last token was wrong. */
export function renderLogin(failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skirmish cluster: sign in</title><style>${STYLE}</style></head>
<body>
<h1>Skirmish cluster</h1>
<form method="post" action="/login">
  <label>Admin token <input type="password" name="token" autocomplete="current-password" autofocus></label>
  <button type="submit">Sign in</button>
</form>
${failed ? '<p class="error">Wrong token.</p>' : ''}
</body></html>
`;
}

/** The dashboard: live tables of workers and matches, refreshed every two seconds. */
export function renderDashboard(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skirmish cluster</title><style>${STYLE}</style></head>
<body>
<h1>Skirmish cluster</h1>
<p id="status"></p>
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
refresh();
setInterval(refresh, 2000);
</script>
</body></html>
`;
}
