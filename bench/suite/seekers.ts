// The classic seekers scenario: 20 plain Socket.IO clients each sending `move {x, y}` toward a new
// random point twice a second, watched by a few delta clients (the browser's own client and
// mirror, minus a screen). What a delta client receives is counted on its TCP socket (framing
// included), like the bots count theirs, and set against the content floor: what it was told
// (motions, hits, joins) times the fewest bytes each can take.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { createRng, type InputIntent } from '../../engine';
import { createClient, type GameClient } from '../../net/client';
import { CountingAgent } from '../bots/agent';
import { createBrain } from '../bots/behavior';
import { deltaView } from '../bots/delta-bot';
import { createInputSender } from '../../game/controls';
import { startServerProcess } from './server-process';

/** What the seekers scenario measured. */
export interface SeekersResult {
  /** Who makes the load: classic seekers watched by engine observers, or engine wanderers measuring themselves. */
  load: 'seekers' | 'wanderers';
  seekers: number;
  observers: number;
  mapSize: number;
  windowS: number;
  /** Bytes an engine observer read on its TCP socket per second (framing included), mean of the observers. */
  downBytesPerClientPerSec: number;
  /** State messages an observer received per second. */
  messagesPerSec: number;
  /** Content an observer was told per second: motions (directions and seek targets), hits, kills, joins. */
  motionsPerSec: number;
  hitsPerSec: number;
  joinsPerSec: number;
  /** Those counts times their minimum encoded sizes, bytes per second: the content floor. */
  floorBytesPerSec: number;
  /** Bytes on the wire ÷ floor. */
  floorRatio: number;
  error?: string;
}

/**
 * Fewest bytes each piece of content takes in a state message (protocol 3): a direction record
 * is id + mask + 2 levels, a seek record id + mask + two f32, a hit or kill two NetIds, an enter
 * record id, mask, position, hp, max, score and state. One-byte NetIds, the smallest there are.
 */
export const FLOOR_BYTES = { direction: 4, seek: 10, hit: 2, kill: 2, enter: 1 + 1 + 2 + 8 + 2 + 2 + 2 + 1 } as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario; never throws (what went wrong is in `error`). */
export async function runSeekers(
  options: { seekers?: number; observers?: number; mapSize?: number; windowS?: number; settleS?: number; load?: 'seekers' | 'wanderers' },
  log: (line: string) => void,
): Promise<SeekersResult> {
  const load = options.load ?? 'seekers';
  // Wanderers are delta clients themselves (the bots' wander brain, sent as the browser sends): all of them measure.
  const seekers = load === 'seekers' ? (options.seekers ?? 20) : 0;
  const observers = load === 'seekers' ? (options.observers ?? 3) : (options.seekers ?? 20);
  const mapSize = options.mapSize ?? 100;
  const windowS = options.windowS ?? 15;
  const result: SeekersResult = {
    load, seekers, observers, mapSize, windowS, downBytesPerClientPerSec: 0, messagesPerSec: 0, motionsPerSec: 0, hitsPerSec: 0,
    joinsPerSec: 0, floorBytesPerSec: 0, floorRatio: 0,
  };
  const server = await startServerProcess('engine', { MAP_SIZE: String(mapSize) }).catch((e: Error) => e);
  if (server instanceof Error) return { ...result, error: server.message };
  const rng = createRng(11);
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const clients: GameClient[] = [];
  const agents: CountingAgent[] = [];
  let counting = false;
  const seen = { motions: 0, seeks: 0, hits: 0, kills: 0, joins: 0, messages: 0 };
  try {
    for (let i = 0; i < seekers; i++) {
      const s = io(server.url, { transports: ['websocket'], forceNew: true });
      sockets.push(s);
      // Twice a second, each at its own phase: a new random point anywhere on the map.
      const start = setTimeout(() => {
        timers.push(setInterval(() => s.emit('move', { x: rng.next() * mapSize, y: rng.next() * mapSize }), 500));
      }, rng.next() * 500);
      timers.push(start);
    }
    for (let i = 0; i < observers; i++) {
      const agent = new CountingAgent();
      agents.push(agent);
      const client = createClient({ url: server.url, socket: { transports: ['websocket'], forceNew: true, agent: agent as unknown as string } });
      clients.push(client);
      if (load === 'wanderers') {
        const brain = createBrain('wander', rng);
        const view = deltaView(client);
        // Decided 20 times a second, sent as the browser sends (on a change, else a held direction every 250 ms).
        let wanted: InputIntent = { mx: 0, my: 0, attack: false };
        const sender = createInputSender(client, [{ intent: () => wanted, sent: () => undefined }]);
        timers.push(setInterval(() => {
          if (client.welcome === undefined) return;
          const now = performance.now();
          wanted = brain.decide(now, view);
          sender.pump(now);
        }, 50));
      }
      client.on('state', (m) => {
        if (!counting) return;
        seen.messages++;
        for (const r of m.entities) {
          if (r.enter) seen.joins++;
          else if (r.tx !== undefined) seen.seeks++;
          else if (r.mx !== undefined) seen.motions++;
        }
        seen.hits += m.hits.length;
        seen.kills += m.kills.length;
      });
    }
    await sleep((options.settleS ?? 3) * 1000);
    const before = agents.map((a) => a.bytes().read);
    counting = true;
    const t0 = performance.now();
    await sleep(windowS * 1000);
    counting = false;
    const s = (performance.now() - t0) / 1000;
    const read = agents.reduce((sum, a, i) => sum + a.bytes().read - before[i]!, 0);
    const per = (n: number): number => n / observers / s;
    result.windowS = s;
    result.downBytesPerClientPerSec = per(read);
    result.messagesPerSec = per(seen.messages);
    result.motionsPerSec = per(seen.motions + seen.seeks);
    result.hitsPerSec = per(seen.hits + seen.kills);
    result.joinsPerSec = per(seen.joins);
    result.floorBytesPerSec = per(seen.motions * FLOOR_BYTES.direction + seen.seeks * FLOOR_BYTES.seek + seen.hits * FLOOR_BYTES.hit
      + seen.kills * FLOOR_BYTES.kill + seen.joins * FLOOR_BYTES.enter);
    result.floorRatio = result.floorBytesPerSec > 0 ? result.downBytesPerClientPerSec / result.floorBytesPerSec : 0;
    log(`  ${load}: ${result.downBytesPerClientPerSec.toFixed(0)} B/s per observer, ${result.messagesPerSec.toFixed(1)} messages/s, floor ${result.floorBytesPerSec.toFixed(0)} B/s`);
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const s of sockets) s.close();
    for (const c of clients) c.close();
    for (const a of agents) a.destroy();
    await server.stop();
  }
  return result;
}
