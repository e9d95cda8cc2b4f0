// A bot on the delta protocol: the very client and mirror world the browser uses, minus a screen.
import { performance } from 'node:perf_hooks';
import { createClient, entityOf, latestPosition, type GameClient } from '../../net/client';
import { Dead, getStore, hasComponent, type InputIntent } from '../../engine';
import { createInputSender } from '../../game/controls';
import { createBrain, type BotView } from './behavior';
import { every, socketOptions, type Bot, type BotContext } from './bot';

/** Hooks that turn a plain bot into the probe or the observer. */
export interface DeltaBotHooks {
  /** Replaces the behaviour: the input to send now, or undefined to send none. */
  decide?: (now: number) => InputIntent | undefined;
  /** Called after each state message is applied to the mirror. */
  onState?: (now: number) => void;
}

/** A running delta bot and its client. */
export interface DeltaBot extends Bot {
  readonly client: GameClient;
}

const STALE_EVERY_MS = 250;
const MAX_PENDING = 1024;

/** The view a brain gets of a delta client's mirror world (newest server positions). */
export function deltaView(client: GameClient): BotView {
  const { world } = client;
  return {
    self: () => latestPosition(world, world.localId),
    nearest() {
      const self = latestPosition(world, world.localId);
      if (self === undefined) return undefined;
      const dead = getStore(world, Dead);
      let best: { x: number; y: number } | undefined;
      let bestD = Infinity;
      for (const [id, eid] of world.entities) {
        if (id === world.localId || hasComponent(world, eid, dead)) continue;
        const p = latestPosition(world, id);
        if (p === undefined) continue;
        const d = (p.x - self.x) ** 2 + (p.y - self.y) ** 2;
        if (d < bestD) {
          bestD = d;
          best = p;
        }
      }
      return best;
    },
  };
}

/**
 * Starts an delta-protocol bot: connects with `createClient`, asks its brain for an input
 * `inputHz` times a second (unless idle) and sends it as the browser does (game/controls.ts): when
 * it changed, else when a resend is due (`resendHeldMs` for a held direction). Records acks (sent
 * seq → `lastAckedSeq` reaching it) and world staleness.
 */
export function startDeltaBot(ctx: BotContext, hooks: DeltaBotHooks = {}): DeltaBot {
  const { options, tally } = ctx;
  const client = createClient({ url: options.url, type: options.type, matchId: options.match, socket: socketOptions(ctx) });
  const brain = createBrain(options.behavior, ctx.rng);
  const view = deltaView(client);
  const decide = hooks.decide ?? (options.behavior === 'idle' ? () => undefined : (now: number) => brain.decide(now, view));
  // Sent sequence numbers and when, oldest first, until the server's ack passes them.
  let seqs: number[] = [];
  let sentAt: number[] = [];
  let head = 0;
  let everConnected = false;
  let online = false;
  let stopping = false;
  let staleAt = 0;
  tally.bots++;

  client.on('welcome', () => {
    seqs = [];
    sentAt = [];
    head = 0;
    if (!online) tally.onConnect(!everConnected);
    everConnected = true;
    online = true;
  });
  client.on('status', (status) => {
    if (status === 'connected' || !online) return;
    online = false;
    tally.onDisconnect(!stopping);
  });
  client.on('error', () => void tally.errors++);
  client.on('state', () => {
    const now = performance.now();
    tally.updates++;
    const acked = client.lastAckedSeq;
    while (head < seqs.length && seqs[head]! <= acked) {
      tally.ack.add(now - sentAt[head]!);
      head++;
    }
    if (head > 256) {
      seqs = seqs.slice(head);
      sentAt = sentAt.slice(head);
      head = 0;
    }
    hooks.onState?.(now);
  });

  // The brain's latest input, sent by the browser's rule.
  let wanted: InputIntent = { mx: 0, my: 0, attack: false };
  const sender = createInputSender({
    sendInput(intent) {
      const before = client.lastSentSeq;
      const seq = client.sendInput(intent);
      if (seq === before) return seq;
      seqs.push(seq);
      sentAt.push(performance.now());
      if (seqs.length - head > MAX_PENDING) head++;
      return seq;
    },
    get lastSentSeq() {
      return client.lastSentSeq;
    },
  }, [{ intent: () => wanted, sent: () => undefined }], { heldMs: options.resendHeldMs });
  const cancel = every(options.behavior === 'idle' && hooks.decide === undefined ? 4 : options.inputHz, ctx.rng, () => {
    if (!online) return;
    const now = performance.now();
    if (now - staleAt >= STALE_EVERY_MS && client.clock.samples >= 3 && client.world.lastTick > 0) {
      staleAt = now;
      tally.stale.add(client.clock.serverNow(now) - client.world.lastTick * client.world.tickMs);
    }
    const intent = decide(now);
    if (intent === undefined) return;
    wanted = intent;
    sender.pump(now);
  });

  return {
    client,
    stop() {
      stopping = true;
      cancel();
      client.close();
    },
  };
}

/** True while the player of `netId` is alive in the client's mirror (false when unknown). */
export function aliveIn(client: GameClient, netId: number): boolean {
  const eid = entityOf(client.world, netId);
  return eid !== undefined && !hasComponent(client.world, eid, getStore(client.world, Dead));
}
