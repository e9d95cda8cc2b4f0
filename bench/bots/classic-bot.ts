// A bot on the classic JSON protocol: a plain Socket.IO client, as any third-party client would be.
import { performance } from 'node:perf_hooks';
import { matchmake } from '../../net/client';
import { io, type Socket } from 'socket.io-client';
import type { InputIntent } from '../../engine';
import { createBrain, type BotView } from './behavior';
import { every, socketOptions, type Bot, type BotContext } from './bot';

/** What a classic client knows of a player. */
export interface ClassicPlayer {
  x: number;
  y: number;
  hp: number;
  dead: boolean;
}

/** Hooks that turn a plain classic bot into the probe or the observer. */
export interface ClassicBotHooks {
  /** Replaces the behaviour: the input to send now, or undefined to send none. */
  decide?: (now: number) => InputIntent | undefined;
  /** A `player_moved` arrived (after the bot's own bookkeeping). */
  onMoved?: (now: number, id: string, previous: ClassicPlayer | undefined, next: ClassicPlayer) => void;
  /** A `player_killed` arrived. */
  onKilled?: (id: string) => void;
  /** How far ahead to aim the `move` target (default `LOOKAHEAD`). */
  reach?: number;
}

/** A running classic bot, its socket and what it knows of the players. */
export interface ClassicBot extends Bot {
  readonly socket: Socket;
  readonly players: ReadonlyMap<string, ClassicPlayer>;
}

/**
 * How far ahead of itself a classic bot aims its `move` target: far enough that the player keeps
 * walking at full speed until the next input (25 units/s × 0.24 s), near enough to stop quickly.
 */
export const LOOKAHEAD = 6;

/** How soon a matchmaking bot that lost its connection asks for a new seat (Socket.IO's own first reconnection delay here). */
const RESEAT_MS = 250;

interface PositionPayload {
  id: string;
  position: { x: number; y: number; hp: number };
}

/**
 * Starts a classic-protocol bot: `move {x, y}` toward a point a little ahead in the chosen
 * direction at `inputHz`, `attack` when the brain says so; counts `player_moved` as updates.
 * The classic protocol has no sequence numbers and no server clock, so it gives no ack or staleness.
 */
export function startClassicBot(ctx: BotContext, hooks: ClassicBotHooks = {}): ClassicBot {
  const { options, tally } = ctx;
  const matchmaking = options.type !== undefined || options.match !== undefined;
  // A seat is good for one connection, so a matchmaking bot reconnects by itself, with a new seat.
  const socket = io(options.url, matchmaking ? { ...socketOptions(ctx), autoConnect: false, reconnection: false } : socketOptions(ctx));
  let stopping = false;
  let retry: NodeJS.Timeout | undefined;
  const placeIn = (ms: number): void => {
    if (stopping || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      place();
    }, ms);
  };
  // Like the browser: a seat first, then the worker's path with the seat in the query (what the gateway does for plain clients).
  const place = (): void => {
    matchmake(options.url, { type: options.type ?? 'classic', matchId: options.match }).then((answer) => {
      if (stopping) return;
      const manager = socket.io as unknown as { uri: string; opts: { path?: string; query?: Record<string, string> } };
      manager.uri = answer.url;
      manager.opts.path = answer.path;
      manager.opts.query = { seat: answer.seat, match: answer.matchId };
      socket.connect();
    }, () => placeIn(1000));
  };
  if (matchmaking) {
    place();
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') placeIn(RESEAT_MS);
    });
    // A refused seat (expired, or its match gone) or an unreachable worker: ask again.
    socket.on('connect_error', () => placeIn(1000));
  }
  const players = new Map<string, ClassicPlayer>();
  const brain = createBrain(options.behavior, ctx.rng);
  const self = (): ClassicPlayer | undefined => (socket.id === undefined ? undefined : players.get(socket.id));
  const view: BotView = {
    self,
    nearest() {
      const me = self();
      if (me === undefined) return undefined;
      let best: ClassicPlayer | undefined;
      let bestD = Infinity;
      for (const [id, p] of players) {
        if (id === socket.id || p.dead) continue;
        const d = (p.x - me.x) ** 2 + (p.y - me.y) ** 2;
        if (d < bestD) {
          bestD = d;
          best = p;
        }
      }
      return best;
    },
  };
  const decide = hooks.decide ?? (options.behavior === 'idle' ? () => undefined : (now: number) => brain.decide(now, view));
  const reach = hooks.reach ?? LOOKAHEAD;
  let everConnected = false;
  let online = false;
  tally.bots++;

  const put = (p: PositionPayload): [ClassicPlayer | undefined, ClassicPlayer] | undefined => {
    if (typeof p?.id !== 'string' || typeof p.position?.x !== 'number') return undefined;
    const previous = players.get(p.id);
    const next = { x: p.position.x, y: p.position.y, hp: p.position.hp, dead: p.position.hp <= 0 };
    players.set(p.id, next);
    return [previous, next];
  };

  socket.on('connect', () => {
    players.clear();
    if (!online) tally.onConnect(!everConnected);
    everConnected = true;
    online = true;
  });
  socket.on('disconnect', () => {
    if (!online) return;
    online = false;
    tally.onDisconnect(!stopping);
  });
  socket.on('connect_error', () => void tally.errors++);
  socket.on('error', () => void tally.errors++);
  socket.on('new_player', (p: PositionPayload) => void put(p));
  socket.on('player_moved', (p: PositionPayload) => {
    tally.updates++;
    const changed = put(p);
    if (changed !== undefined) hooks.onMoved?.(performance.now(), p.id, changed[0], changed[1]);
  });
  socket.on('player_attacked', (p: { id: string; hp: number }) => {
    const player = players.get(p?.id);
    if (player !== undefined) player.hp = p.hp;
  });
  socket.on('player_killed', (p: { id: string }) => {
    const player = players.get(p?.id);
    if (player !== undefined) player.dead = true;
    hooks.onKilled?.(p?.id);
  });
  socket.on('player_left', (p: { id: string }) => void players.delete(p?.id));

  const cancel = every(options.inputHz, ctx.rng, () => {
    const me = self();
    if (!online || me === undefined || me.dead) return;
    const intent = decide(performance.now());
    if (intent === undefined) return;
    socket.emit('move', { x: me.x + intent.mx * reach, y: me.y + intent.my * reach });
    if (intent.attack) socket.emit('attack');
  });

  return {
    socket,
    players,
    stop() {
      stopping = true;
      clearTimeout(retry);
      cancel();
      socket.disconnect();
    },
  };
}
