import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect, type Socket } from 'socket.io-client';
import { createBaselineServer, type BaselineServer } from '../../bench/baseline';
import { fetchText } from '../../bench/lib/http';
import { metricValue, parsePrometheus } from '../../bench/lib/prom';
import { sleep, waitFor, within } from '../helpers';

interface Moved {
  id: string;
  position: { x: number; y: number; hp: number };
}

const Baseline = suite<{ server: BaselineServer; sockets: Socket[] }>('baseline server');
Baseline.before.each(async (ctx) => {
  ctx.server = await createBaselineServer({ port: 0, host: '127.0.0.1', mapSize: 100 });
  ctx.sockets = [];
});
Baseline.after.each(async (ctx) => {
  for (const s of ctx.sockets) s.disconnect();
  await ctx.server.close();
  // The clients' TCP sockets finish closing a moment after the server has hung up on them.
  await sleep(50);
});

/** A plain Socket.IO client that records the classic events it receives. */
async function player(ctx: { server: BaselineServer; sockets: Socket[] }): Promise<{ socket: Socket; seen: Map<string, Moved[]> }> {
  const socket = connect(ctx.server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  ctx.sockets.push(socket);
  const seen = new Map<string, Moved[]>();
  for (const event of ['new_player', 'player_moved', 'player_attacked', 'player_killed', 'player_left']) {
    socket.on(event, (p: Moved) => seen.set(event, [...(seen.get(event) ?? []), p]));
  }
  await within(3000, new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), 'connect');
  return { socket, seen };
}

Baseline('a newcomer gets every player, itself included; the others hear of it', async (ctx) => {
  const a = await player(ctx);
  await waitFor(() => a.seen.get('new_player')?.some((p) => p.id === a.socket.id), 2000, 'own new_player');
  const b = await player(ctx);
  await waitFor(() => (b.seen.get('new_player')?.length ?? 0) === 2, 2000, 'roster of two');
  await waitFor(() => a.seen.get('new_player')?.some((p) => p.id === b.socket.id), 2000, 'a hears of b');
  const self = b.seen.get('new_player')!.find((p) => p.id === b.socket.id)!;
  assert.is(self.position.hp, 100);
  assert.ok(self.position.x >= 0 && self.position.x <= 100);
});

Baseline('every move is re-broadcast at once to everyone, at most at the speed limit', async (ctx) => {
  const a = await player(ctx);
  const b = await player(ctx);
  await waitFor(() => a.seen.get('new_player')?.some((p) => p.id === a.socket.id), 2000, 'own position');
  const start = a.seen.get('new_player')!.find((p) => p.id === a.socket.id)!.position;
  a.socket.emit('move', { x: start.x + 50, y: start.y });
  a.socket.emit('move', 'not a target');
  const moved = await waitFor(() => b.seen.get('player_moved')?.find((p) => p.id === a.socket.id), 2000, 'b sees a move');
  await waitFor(() => a.seen.get('player_moved')?.length === 1, 2000, 'a sees its own move');
  // 25 units/s over at most 0.1 s: a 50-unit jump is cut to 2.5 units.
  assert.ok(moved.position.x - start.x <= 2.5 + 1e-9 && moved.position.x >= start.x, `moved ${moved.position.x - start.x}`);
  assert.is(moved.position.y, start.y);
});

Baseline('attacks hit players in range; leaving is announced; /metrics counts players and bytes', async (ctx) => {
  const a = await player(ctx);
  const b = await player(ctx);
  // Start positions are random: walk b onto a by small moves until they are in range.
  await waitFor(() => a.seen.get('new_player')?.length === 2, 2000, 'roster');
  let hit = false;
  b.socket.on('player_attacked', () => void (hit = true));
  const where = (id: string | undefined): { x: number; y: number } => {
    const moves = [...(b.seen.get('new_player') ?? []), ...(b.seen.get('player_moved') ?? [])].filter((p) => p.id === id);
    return moves.at(-1)!.position;
  };
  await waitFor(() => {
    const me = where(b.socket.id);
    const target = where(a.socket.id);
    if (Math.hypot(me.x - target.x, me.y - target.y) < 5) return true;
    b.socket.emit('move', target);
    return false;
  }, 8000, 'b to walk next to a');
  a.socket.emit('attack');
  await waitFor(() => hit, 2000, 'player_attacked');
  assert.equal(b.seen.get('player_attacked')![0], { id: b.socket.id, hp: 90 } as unknown as Moved);
  const text = await fetchText(`${ctx.server.url}/metrics`);
  const samples = parsePrometheus(text);
  assert.is(metricValue(samples, 'baseline_players'), 2);
  assert.ok(metricValue(samples, 'baseline_wire_sent_bytes_total')! > 500);
  assert.ok(metricValue(samples, 'baseline_process_cpu_seconds_total')! > 0);
  assert.ok(metricValue(samples, 'baseline_nodejs_eventloop_lag_p99_seconds') !== undefined);
  const leaver = b.socket.id;
  b.socket.disconnect();
  await waitFor(() => a.seen.get('player_left')?.some((p) => p.id === leaver), 2000, 'player_left');
});

Baseline.run();
