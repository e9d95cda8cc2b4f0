// `npm run bench [-- --quick] [--profile]`: engine, codec, then our server and the classic baseline
// under the same bots, side by side. Prints a markdown table, writes JSON to bench/results/.
// Benchmarks report; they never fail for being slow.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { machineInfo } from '../lib/machine';
import { ratio } from '../lib/table';
import { writeCharts } from './charts';
import { benchCodec } from './codec';
import { benchInterest, interestTable } from './interest';
import { benchEngine, mapSizeFor } from './engine';
import { RESULTS_DIR, ROOT } from './paths';
import { summarizeProfile } from './profile';
import { recordingText, renderReport } from './report';
import { FIGURES, type BenchResults, type ServerComparison } from './results';
import { emptyResult, runScenario, type ScenarioPlan, type ScenarioResult } from './scenario';
import { runSeekers } from './seekers';
import { benchRecordingPaced, benchReplay, replayTable } from './replay';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    players: { type: 'string' },
    window: { type: 'string' },
    large: { type: 'boolean' },
    'only-large': { type: 'boolean', default: false },
    'large-players': { type: 'string', default: '500' },
    'large-map': { type: 'string', default: '1000' },
    'no-baseline': { type: 'boolean', default: false },
    'only-classic-map': { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    'only-cluster': { type: 'boolean', default: false },
    'cluster-players': { type: 'string' },
    'only-seekers': { type: 'boolean', default: false },
    'only-recording': { type: 'boolean', default: false },
    'only-writes': { type: 'boolean', default: false },
    'no-first-load': { type: 'boolean', default: false },
    'only-replay': { type: 'boolean', default: false },
    'only-interest': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench -- [--quick] [--profile] [--players 50,200,500] [--window S]
  --quick     50 and 200 players, ~6 s each, smaller engine runs: under a minute
  --profile   also run our server under 200 bots with node --cpu-prof and summarize the profile
  --large     also run our server with 500 players on a 1000 × 1000 map (interest management; on in full runs)
  --only-large  just that scenario
  --large-players N, --large-map S  that scenario with N players on S × S instead (e.g. 1000 and 1400)
  --only-classic-map  just our server with 200 players on the classic 100 × 100 map (everyone sees everyone)
  --no-baseline skip the classic baseline server in sections 2–3 (ours only: quicker)
  --cluster   also run the cluster scenario (redis-server, 3 workers, a gateway): a matchmaking burst, then bots vs one process
  --only-cluster  just that scenario (--cluster-players N, default 1000)
  --only-seekers  just the classic seekers scenario (20 classic move {x,y} seekers, engine observers)
  --only-replay   just the replay figures: recording overhead at 500 players, bytes per player-minute, seek times
  --only-interest just interest management: every client's view updated, 500 players on 1000²
  --only-recording  just the bytes per player-minute of a file the real server recorded while wander bots played
  --only-writes   just the write-path bench: server CPU per state message for each outbox write mode, 200 and 500 clients
  --no-first-load skip the first visit in headless Chromium on the throttled link`);
  process.exit(0);
}

const quick = values.quick;
const players = values.players ? values.players.split(',').map(Number).filter((n) => n > 0) : quick ? [50, 200] : [50, 200, 500];
const windowS = values.window ? Number(values.window) : quick ? 5 : 20;
const engineRuns: [number, number][] = quick ? [[1_000, 150], [10_000, 60], [50_000, 20]] : [[1_000, 600], [10_000, 300], [50_000, 100]];
const started = performance.now();
const log = (line: string): void => void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

// Everything is bounded: a wedged run ends itself (child processes die with it).
const watchdog = setTimeout(() => {
  log('bench: watchdog fired, giving up');
  process.exit(1);
}, (quick ? 180 : 1200) * 1000 + players.length * 2 * (windowS + 60) * 1000);
watchdog.unref();

const machine = machineInfo();
const results: BenchResults = {
  mode: quick ? 'quick' : 'full',
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine,
  engine: [],
  codec: [],
  servers: [],
  elapsedS: 0,
};

if (values['only-replay']) {
  log('bench: replay, 500 players (recording overhead, bytes, seeks)');
  console.log(replayTable({ ...benchReplay(500, quick ? 600 : 1800), paced: await benchRecordingPaced(500, quick ? 300 : 600) }));
  console.log(replayTable(benchReplay(500, quick ? 600 : 1800, 60, 30)));
  // The size target's measure: 16 wander players for 2 simulated minutes.
  console.log(replayTable(benchReplay(16, 3600, 0)));
  process.exit(0);
}

if (values['only-interest']) {
  log('bench: interest management, 500 players on 1000 × 1000');
  console.log(interestTable(await benchInterest(500, 1000, quick ? 100 : 300)));
  process.exit(0);
}

if (values['only-cluster']) {
  const { benchCluster, clusterTable } = await import('./cluster');
  const cluster = await benchCluster(log, { players: values['cluster-players'] ? Number(values['cluster-players']) : undefined });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, `cluster-${stamp}.json`);
  writeFileSync(out, `${JSON.stringify({ command: 'npm run bench -- --only-cluster', machine, cluster }, null, 2)}\n`);
  if (cluster) console.log(clusterTable(cluster));
  console.log(`\nJSON: ${out}`);
  process.exit(0);
}

if (values['only-writes']) {
  const { benchWrites } = await import('./writes');
  const figures = await benchWrites([200, 500], values.window ? windowS : 5, log);
  console.log(`| clients | write mode | server CPU µs/message | % of a core at 30 Hz | tick's writes p99 ms | delivered | load avg |
| --- | --- | --- | --- | --- | --- | --- |
${figures.map((f) => `| ${f.clients} | ${f.mode} | ${f.cpuUsPerMessage.toFixed(1)} | ${f.cpuPct.toFixed(1)} | ${f.sendP99Ms.toFixed(2)} | ${f.delivered.toFixed(2)} | ${f.load.toFixed(1)} |`).join('\n')}`);
  process.exit(0);
}

const onlyClassicMap = values['only-classic-map'];
const onlyLarge = values['only-large'] || onlyClassicMap;
const onlySeekers = values['only-seekers'];
const onlyRecording = values['only-recording'];
if (onlyRecording) {
  const { benchRecording } = await import('./recording');
  results.recording = await benchRecording({ bots: 20, playS: quick ? 15 : 60 }, log);
  results.elapsedS = (performance.now() - started) / 1000;
  const stamp = machine.date.replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, `recording-${stamp}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\`${results.command}\` on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${machine.loadAvg.join(' ')} at the start.`);
  console.log(recordingText(results));
  console.log(`\nJSON: ${out}`);
  process.exit(0);
}
const large = (onlyLarge && !onlyClassicMap) || (!onlySeekers && !onlyLarge && (values.large ?? !quick));
for (const [entities, ticks] of onlyLarge || onlySeekers ? [] : engineRuns) {
  log(`bench: engine, ${entities} entities, ${ticks} ticks`);
  results.engine.push(benchEngine(entities, ticks));
  results.codec.push(benchCodec(entities, Math.max(5, Math.round((quick ? 2e5 : 1e6) / entities))));
}
if (!onlyLarge && !onlySeekers) {
  log('bench: replay, 500 players (recording overhead, bytes, seeks)');
  results.replay = { ...benchReplay(500, quick ? 600 : 1800), paced: await benchRecordingPaced(500, quick ? 300 : 600) };
  log('bench: interest management, 500 players on 1000 × 1000');
  results.interest = await benchInterest(500, 1000, quick ? 100 : 300);
}

const plan = (server: ScenarioPlan['server'], n: number): ScenarioPlan => ({
  server, players: n, mapSize: mapSizeFor(n), windowS, settleS: quick ? 0.5 : 2, rampPerSec: 200, admitS: quick ? 4 : 45,
});
for (const n of onlyLarge || onlySeekers ? [] : players) {
  log(`bench: our server, ${n} players`);
  const ours = await runScenario(plan('engine', n), log);
  let baseline: ScenarioResult;
  if (values['no-baseline']) baseline = { ...emptyResult(plan('baseline', n)), error: 'skipped (--no-baseline)' };
  else {
    log(`bench: baseline, ${n} players`);
    baseline = await runScenario(plan('baseline', n), log);
  }
  const r = {} as ServerComparison['ratio'];
  for (const f of FIGURES) r[f] = ratio(ours[f], baseline[f]);
  r.updatesPerSec = ratio(ours.bots?.updatesPerSec, baseline.bots?.updatesPerSec);
  results.servers.push({ players: n, ours, baseline, ratio: r });
}

if (onlyClassicMap || (!onlyLarge && !onlySeekers)) {
  // The classic map keeps everyone in everyone's view: the case where clients share one message body.
  log('bench: our server, 200 players on the classic 100 × 100 map');
  results.classicMap = await runScenario({ ...plan('engine', 200), mapSize: 100 }, log);
}

if (!onlyLarge) {
  // What a classic `move {x,y}` costs the delta clients watching it (a seek is dead-reckoned).
  log('bench: classic seekers (20) watched by delta clients');
  results.seekers = await runSeekers({ windowS: values.window ? windowS : 15 }, log);
  log('bench: 20 engine wanderers measuring what they receive against the content floor');
  results.wanderers = await runSeekers({ load: 'wanderers', windowS: values.window ? windowS : 15 }, log);
}
if (!onlyLarge && !onlySeekers && !values['no-first-load']) {
  log('bench: first load in headless Chromium on the throttled link');
  const { benchFirstLoad } = await import('./first-load');
  try {
    results.firstLoad = await benchFirstLoad(log, quick ? 2 : 3);
  } catch (err) {
    // A browser that will not start costs this one figure, not the run.
    log(`bench: first load failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
if (!onlyLarge && !onlySeekers) {
  const { benchRecording } = await import('./recording');
  results.recording = await benchRecording({ bots: 20, playS: quick ? 15 : 60 }, log);
}
if (values.cluster) {
  const { benchCluster } = await import('./cluster');
  (results as BenchResults & { cluster?: unknown }).cluster = await benchCluster(log);
}

if (large) {
  // The map the 500-player target is set on: far more room than anyone can see, so what a client
  // receives is decided by interest management, not by the map.
  const largePlayers = Number(values['large-players']);
  const largeMap = Number(values['large-map']);
  log(`bench: our server, ${largePlayers} players on ${largeMap} × ${largeMap}`);
  // A probe and its observer spawn anywhere on the map and walk toward each other (up to ~26 s
  // at 25 units/s each) before the probe starts turning: settle long enough for that. Ten pairs
  // turn ~27 times a second in all, so the p99 rests on several hundred turns.
  results.large = await runScenario({ ...plan('engine', largePlayers), mapSize: largeMap, settleS: 30, probePairs: 10 }, log);
}

const stamp = machine.date.replace(/[:.]/g, '-');
mkdirSync(RESULTS_DIR, { recursive: true });
if (values.profile) {
  const dir = join(RESULTS_DIR, `profile-${stamp}`);
  log(`bench: our server, 200 players, under node --cpu-prof (${dir})`);
  await runScenario({ ...plan('engine', 200), serverFlags: ['--cpu-prof', '--cpu-prof-dir', dir] }, log);
  // Files are CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the server's main
  // thread (tsx's module loader runs in a thread of its own and writes a profile too).
  const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = profiles.find((f) => f.split('.')[4] === '0') ?? profiles.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  const file = main === undefined ? undefined : join(dir, main);
  if (file === undefined) log('bench: the server wrote no profile');
  else results.profile = summarizeProfile(file, ROOT);
}

results.elapsedS = (performance.now() - started) / 1000;
const out = join(RESULTS_DIR, `${stamp}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(renderReport(results));
console.log(`\nJSON: ${out}`);
// Charts come after the JSON so a rendering failure never costs the measured numbers.
try {
  const charts = await writeCharts(results);
  console.log(`Charts: ${charts.join(', ')}`);
} catch (err) {
  log(`bench: charts not written: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(0);
