// Bench results as markdown: one table per section, ours ÷ baseline for every server figure.
import { MAX_WAIT_MS } from '../bots/probe';
import { fmt, fmtRatio, markdownTable } from '../lib/table';
import type { BenchResults, ServerComparison } from './results';
import type { ScenarioResult } from './scenario';
import { interestTable } from './interest';
import { replayTable } from './replay';

function engineTable(r: BenchResults): string {
  return markdownTable(
    ['entities', 'map', 'tick p50 ms', 'tick p99 ms', 'ticks timed'],
    r.engine.map((e) => [e.entities.toLocaleString('en-US'), `${e.mapSize}²`, fmt(e.p50Ms, 2), fmt(e.p99Ms, 2), String(e.ticks)]),
  );
}

function codecTable(r: BenchResults): string {
  return markdownTable(
    ['entities', 'turn B/entity', 'turn encode ns/entity', 'turn decode ns/entity', 'full B/entity', 'full encode ns/entity', 'full decode ns/entity'],
    r.codec.map((c) => [
      c.entities.toLocaleString('en-US'), fmt(c.turn.bytesPerEntity, 1), fmt(c.turn.encodeNsPerEntity, 0), fmt(c.turn.decodeNsPerEntity, 0),
      fmt(c.full.bytesPerEntity, 1), fmt(c.full.encodeNsPerEntity, 0), fmt(c.full.decodeNsPerEntity, 0),
    ]),
  );
}

// † marks a figure read from /proc because the server did not answer /metrics in time.
const mark = (text: string, source: string | null): string => (source === 'proc' && text !== '–' ? `${text}†` : text);

function lagCell(s: ScenarioResult): string {
  return s.lagP99Ms === null && s.lagAtLeastMs !== null ? `> ${fmt(s.lagAtLeastMs, 0)}` : fmt(s.lagP99Ms, 1);
}

// A turn not seen within 10 s is counted as 10 s: at that value the figure is a lower bound.
const observed = (ms: number | null): string => (ms !== null && ms >= MAX_WAIT_MS ? `≥ ${fmt(MAX_WAIT_MS, 0)}` : fmt(ms, 1));

const HEADER = ['players', 'server', 'connected', 'CPU %', 'CPU µs/player-tick', 'tick p99 ms', 'write p99 ms', 'recording % of tick (of tick + write)', 'loop lag p99 ms', '↓ B/client/s', '↑ B/client/s',
  'updates/s/client', 'input→observed p50 ms', 'p99 ms', 'turns seen / lost', 'heap KiB/conn', 'load avg'];

// Recording's share of simulate + build, and in brackets of all the tick costs once its socket writes count.
const recordingCell = (s: ScenarioResult): string =>
  s.recordingPctOfTickAndWrite === null ? fmt(s.recordingPctOfTick, 1) : `${fmt(s.recordingPctOfTick, 1)} (${fmt(s.recordingPctOfTickAndWrite, 1)})`;

function serverRow(players: string, who: string, s: ScenarioResult): string[] {
  const connected = s.playersSeen === null ? '–' : `${s.playersSeen}/${s.players}`;
  // The probe turned, but the observer saw none of it before the run ended.
  const unseen = s.bots !== null && s.observedN === 0 && s.windowS !== null ? `none in ${fmt(s.windowS, 0)} s` : undefined;
  return [
    players, who, connected, mark(fmt(s.cpuPct, 0), s.cpuSource), fmt(s.cpuUsPerPlayerTick, 1), fmt(s.tickP99Ms, 2), fmt(s.writeP99Ms, 2), recordingCell(s), lagCell(s),
    mark(fmt(s.downBytesPerClientPerSec, 0), s.wireSource), mark(fmt(s.upBytesPerClientPerSec, 0), s.wireSource),
    fmt(s.bots?.updatesPerSec, 1), unseen ?? observed(s.observedP50Ms), unseen ?? observed(s.observedP99Ms),
    // How many turns the p99 rests on, and how many the observer could not see (probe dead or out of view).
    s.bots === null ? '–' : `${s.observedN} / ${s.lostTurns}`, fmt(s.heapPerConnKiB, 1),
    s.loadAvg ? `${fmt(s.loadAvg[0], 1)}–${fmt(s.loadAvg[1], 1)}` : '–',
  ];
}

function ratioRow(c: ServerComparison): string[] {
  const q = c.ratio;
  // Against a lower bound of the baseline's lag, ours ÷ baseline is an upper bound.
  const lag = c.baseline.lagP99Ms === null && c.baseline.lagAtLeastMs !== null && c.ours.lagP99Ms !== null
    ? `< ${fmtRatio(c.ours.lagP99Ms / c.baseline.lagAtLeastMs)}`
    : fmtRatio(q.lagP99Ms);
  // Against a baseline figure that is itself a lower bound (≥ 10 s), the ratio is an upper bound.
  const bound = (r: number | null, base: number | null): string => (base !== null && base >= MAX_WAIT_MS && r !== null ? `< ${fmtRatio(r)}` : fmtRatio(r));
  return [
    '', 'ours ÷ baseline', '', fmtRatio(q.cpuPct), '', '', '', lag, fmtRatio(q.downBytesPerClientPerSec),
    fmtRatio(q.upBytesPerClientPerSec), fmtRatio(q.updatesPerSec),
    bound(q.observedP50Ms, c.baseline.observedP50Ms), bound(q.observedP99Ms, c.baseline.observedP99Ms), '',
    fmtRatio(q.heapPerConnKiB), '',
  ];
}

function serverTable(r: BenchResults): string {
  const rows: string[][] = [];
  for (const c of r.servers) {
    rows.push(serverRow(String(c.players), 'ours', c.ours), serverRow('', 'baseline', c.baseline), ratioRow(c));
  }
  return markdownTable(
    HEADER,
    rows,
  );
}

function profileText(r: BenchResults): string {
  const p = r.profile;
  if (p === undefined) return '';
  const list = (costs: { name: string; pct: number }[]): string => costs.map((c) => `  ${c.pct.toFixed(1).padStart(5)}%  ${c.name}`).join('\n');
  return [
    `\nCPU profile of our server under 200 bots (${p.busyMs} ms busy, ${p.idleMs} ms idle): ${p.file}`,
    'by area (self time):', list(p.areas.slice(0, 8)),
    'by function (self time):', list(p.self.slice(0, 10)),
    'by function (inclusive):', list(p.inclusive.slice(0, 10)),
  ].join('\n');
}

/** Other processes' CPU (% of one core) above which a measurement is flagged. */
const BUSY_PCT = 15;

/** A warning naming the scenarios something else on the machine competed with, if any. */
function busyWarning(r: BenchResults): string {
  const busy = [...r.servers.flatMap((c) => [c.ours, c.baseline]), ...(r.large ? [r.large] : []), ...(r.classicMap ? [r.classicMap] : [])].filter((s) => (s.otherCpuPct ?? 0) > BUSY_PCT);
  if (busy.length === 0) return '';
  const list = busy.map((s) => `${s.server === 'engine' ? 'ours' : 'baseline'} ${s.players} (${fmt(s.otherCpuPct, 0)} %)`).join(', ');
  return `\n**Warning:** other processes used CPU during ${list}; those rows are not clean measurements.`;
}


function classicMapText(r: BenchResults): string {
  if (r.classicMap === undefined) return '';
  return [
    '',
    `### 3b. Our server, ${r.classicMap.players} players on the classic ${r.classicMap.mapSize} × ${r.classicMap.mapSize} map (every client sees every player)`,
    '',
    markdownTable(HEADER, [serverRow(String(r.classicMap.players), 'ours', r.classicMap)]),
  ].join('\n');
}

function largeText(r: BenchResults): string {
  if (r.large === undefined) return '';
  return [
    '',
    `### 4. Our server, ${r.large.players} players on a ${r.large.mapSize} × ${r.large.mapSize} map (each client sees a 200 × 200 square around itself)`,
    '',
    markdownTable(
      HEADER,
      [serverRow(String(r.large.players), 'ours', r.large)],
    ),
  ].join('\n');
}

function seekersText(r: BenchResults): string {
  const runs = [r.seekers, r.wanderers].filter((s): s is NonNullable<typeof s> => s !== undefined);
  if (runs.length === 0) return '';
  const name = (s: (typeof runs)[number]): string =>
    s.load === 'seekers' ? `${s.seekers} classic seekers, ${s.observers} engine observers` : `${s.observers} engine wanderers`;
  return [
    '',
    `### 5. Bytes per client against the content floor (classic map ${runs[0]!.mapSize}²)`,
    '',
    markdownTable(
      ['load', '↓ B/client/s', 'messages/s', 'motions/s', 'hits+kills/s', 'joins/s', 'content floor B/s', 'wire ÷ floor'],
      runs.map((s) => s.error !== undefined ? [name(s), s.error, '', '', '', '', '', ''] : [name(s), fmt(s.downBytesPerClientPerSec, 0), fmt(s.messagesPerSec, 1),
        fmt(s.motionsPerSec, 1), fmt(s.hitsPerSec, 1), fmt(s.joinsPerSec, 2), fmt(s.floorBytesPerSec, 0), `${fmt(s.floorRatio, 2)}×`]),
    ),
    '',
    'Seekers send `move {x,y}` to a random point twice a second; the delta clients watching them (or the wanderers themselves) count the bytes they read ' +
      'on their TCP sockets (WebSocket, Engine.IO framing and Socket.IO ping included), per second over the window. ' +
      'Content floor: the motions (direction 4 B, seek target 10 B), hits and kills (2 B) and joins (enter record, 19 B) the client was actually told, ' +
      'times those minimum encoded sizes; wire ÷ floor is what framing, headers and acks cost on top.',
  ].join('\n');
}

// Older results files have no firstLoad; null means the step ran but found no Chromium.
function firstLoadText(r: BenchResults): string {
  if (r.firstLoad === undefined) return '';
  if (r.firstLoad === null) return '\n### 6. First load\n\nSkipped: no Chromium at /usr/bin/chromium.';
  const f = r.firstLoad;
  const kB = f.transferredBytes.length ? fmt(Math.max(...f.transferredBytes) / 1000, 1) : '–';
  return [
    '',
    `### 6. First load on a ${f.link.downKbps / 1000} Mbit/s, ${f.link.rttMs} ms link (headless Chromium, empty cache)`,
    '',
    `Navigation → first frame with the own player: median **${fmt(f.medianMs, 0)} ms** over ${f.firstFrameMs.length} visits ` +
      `(${f.firstFrameMs.map((v) => fmt(v, 0)).join(', ')} ms), ${kB} kB transferred.` +
      (f.errors.length ? ` Page errors: ${f.errors.length} (${f.errors[0]}).` : ''),
  ].join('\n');
}

/** Section 7: what a recording written by the real server weighs. */
export function recordingText(r: BenchResults): string {
  const b = r.recording;
  if (b === undefined) return '';
  const text = b.error !== undefined
    ? `Not measured: ${b.error}.`
    : `The real server recorded ${b.bots} wander bots for ${b.playS} s: **${fmt(b.bytesPerPlayerMinute, 0)} bytes per player-minute** ` +
      `(${fmt(b.bytes / 1000, 1)} kB over ${fmt(b.playerMinutes, 2)} player-minutes, ${b.ticks} ticks; header, joins, leaves, names and 10 s checkpoints included; ` +
      `${b.verified ? 'verified tick by tick' : 'did NOT verify'}).`;
  return ['', '### 7. A recording written by the real server (every match is recorded by default)', '', text].join('\n');
}

/** The whole report as markdown (what `npm run bench` prints). */
export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const maps = r.servers.map((c) => `${c.players} → ${c.ours.mapSize}²`).join(', ');
  const window = r.servers[0]?.ours.windowS;
  return [
    `## Skirmish bench (${r.mode}) — ${m.date.slice(0, 10)}`,
    '',
    `\`${r.command}\` on ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, ${m.os}, Node ${m.node}; ${Math.round(r.elapsedS)} s.`,
    '',
    '### 1. Engine alone: one full tick (every battle system: input → movement → spatial → combat → respawn → history → sync), wander inputs every tick',
    '',
    engineTable(r),
    ...(r.replay === undefined ? [] : [replayTable(r.replay)]),
    ...(r.interest === undefined ? [] : ['', interestTable(r.interest)]),
    '',
    '### 1b. Codec: state messages (turn: every entity changed direction; full: every entity entering view), median of repeated runs',
    '',
    codecTable(r),
    '',
    `### 2–3. Whole server on loopback vs the classic baseline (wander bots; delta bots send as the browser does, classic bots every decision, 20 a second; server and bots in separate processes, ~${fmt(window, 0)} s measured)`,
    '',
    serverTable(r),
    '',
    `Maps keep the default density (50 players on 100²): ${maps}. CPU % of one core, from process_cpu_seconds_total. ` +
      'Bytes are TCP bytes the server wrote/read (framing included) per client. Tick p99 (simulate + build every message) from the skirmish_tick_seconds ' +
      'histogram; write p99 (handing those messages to the sockets: on loopback each write runs the whole TCP path, receiver included) from skirmish_tick_write_seconds ' +
      'histogram (the baseline has no tick). Recording % of tick: skirmish_recording_seconds_total over skirmish_tick_seconds_sum; in brackets, over the tick and its writes together. Loop lag p99 is prom-client\'s, which includes its 10 ms sampling timer. ' +
      'CPU µs/player-tick: that CPU per player per tick run. Input→observed: probe bots turn, an observer bot next to each sees it (a turn not seen within 10 s counts as 10 s); turns seen / lost: how many turns the percentiles rest on, and turns the observer could not see (the probe died or left its view). Load avg: the machine\'s 1-minute load average at the window\'s start and end. Heap after a forced GC, loaded minus idle, per player. ' +
      'Updates are state messages (ours) or player_moved events (baseline) a client receives. ' +
      '† read from /proc (CPU; bytes of all read/write system calls) because /metrics did not answer within 3 s; ' +
      '"> 3,000" lag: the event loop was at least that far behind.',
    classicMapText(r),
    largeText(r),
    seekersText(r),
    firstLoadText(r),
    recordingText(r),
    busyWarning(r),
    profileText(r),
  ].join('\n');
}
