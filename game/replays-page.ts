// Browser entry of `/replays.html`: the server's recordings (`GET /replays`), newest first, each
// linked to the viewer and to its file.

/** One recording as `GET /replays` lists it (net/server's RecordingEntry, read defensively). */
interface ReplayListing {
  id: string;
  /** Match type (e.g. `classic`). */
  type?: string;
  /** When the match started, ms since the epoch. */
  startedAt?: number;
  bytes?: number;
  /** Simulated seconds recorded, once finished. */
  durationS?: number;
  /** True while the match is still being recorded. */
  live?: boolean;
}

/** The listings of the response body (an array); entries without an id are skipped. */
function parseListings(body: unknown): ReplayListing[] {
  if (!Array.isArray(body)) throw new Error('the server sent no list of replays');
  return body.filter((r): r is ReplayListing => typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string');
}

const sizeText = (bytes: number | undefined): string =>
  bytes === undefined ? '' : bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} kB`;

const timeOf = (at: number | undefined): number => (typeof at === 'number' && Number.isFinite(at) ? at : 0);

async function main(): Promise<void> {
  const status = document.querySelector('[data-replays="status"]') as HTMLElement;
  const table = document.querySelector('.replays-list table') as HTMLTableElement;
  let listings: ReplayListing[];
  try {
    const response = await fetch('/replays', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    listings = parseListings(await response.json());
  } catch (error) {
    status.textContent = `Could not list the replays: ${(error as Error).message}.`;
    return;
  }
  if (listings.length === 0) {
    status.textContent = 'No match has been recorded yet.';
    return;
  }
  listings.sort((a, b) => timeOf(b.startedAt) - timeOf(a.startedAt));
  const rows = listings.map((r) => {
    const tr = document.createElement('tr');
    const cell = (text: string, className?: string): HTMLTableCellElement => {
      const td = document.createElement('td');
      td.textContent = text;
      if (className !== undefined) td.className = className;
      return td;
    };
    const watch = document.createElement('a');
    watch.href = `replay.html?id=${encodeURIComponent(r.id)}`;
    watch.textContent = r.id;
    const first = document.createElement('td');
    first.append(watch);
    const live = r.live === true;
    const download = document.createElement('a');
    download.href = `/replays/${encodeURIComponent(r.id)}`;
    download.download = `${r.id}.replay`;
    download.textContent = 'download';
    const last = document.createElement('td');
    last.append(download);
    const started = timeOf(r.startedAt);
    const length = live ? 'live' : r.durationS === undefined ? '' : `${Math.round(r.durationS)} s`;
    tr.append(first, cell(r.type ?? ''), cell(started > 0 ? new Date(started).toLocaleString() : ''),
      cell(length, live ? 'live' : undefined), cell(sizeText(r.bytes)), last);
    return tr;
  });
  table.tBodies[0]!.replaceChildren(...rows);
  table.hidden = false;
  status.textContent = `${listings.length} recorded match${listings.length === 1 ? '' : 'es'}: click one to watch it.`;
}

void main();
