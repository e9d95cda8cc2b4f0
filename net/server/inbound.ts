// The edge: every message a client sends enters here, is rate-limited and validated, and only
// then becomes an input command for the next tick. Nothing here throws past the dispatcher.
import { queueInput, type BattleWorld } from '../../engine';
import { checkName, ClassicEvents, DeltaEvents, ErrorCodes, type ErrorCode, type ServerTickTimes } from '../wire';
import type { GameSocket, Session } from './session';
import { checkAttack, checkInput, checkMove, checkTime } from './validate';
import { cooldownOf } from './cooldown';
import type { Logger } from './logger';

/** What the dispatcher needs from its match. */
export interface InboundContext {
  readonly world: BattleWorld;
  readonly log: Logger;
  /** Server clock (ms) answered to clock probes. */
  now(): number;
  /** Counts a message received, refused or dropped, or a connection kicked. */
  count(what: 'received' | 'rejected' | 'dropped' | 'kicked'): void;
  /** Recent tick costs, answered with each clock probe. */
  tickTimes(): ServerTickTimes;
  /** Gives a player an accepted new name (and tells the match). */
  rename(session: Session, name: string): void;
}

type Handler = {
  input: boolean;
  run(session: Session, args: unknown[], ctx: InboundContext): string | undefined;
};

// Each handler returns undefined when the message was accepted, or why it was refused.
const handlers = new Map<string, Handler>([
  [DeltaEvents.input, {
    input: true,
    run(session, [payload], { world }) {
      const checked = checkInput(payload);
      if (!checked.ok) return checked.message;
      const { seq, mx, my, attack, viewTimeMs } = checked.value;
      // The view time is the client's claim; combat clamps it to the lag-compensation cap.
      const seen = attack && viewTimeMs ? viewTimeMs / 1000 : undefined;
      queueInput(world, session.eid, { seq, move: { x: mx, y: my }, attack, viewTimeS: seen });
      return undefined;
    },
  }],
  [DeltaEvents.time, {
    input: false,
    run(_session, [payload, ack], ctx) {
      const checked = checkTime(payload);
      if (!checked.ok) return checked.message;
      if (typeof ack !== 'function') return 'clock probe needs an ack';
      ack(ctx.now(), ctx.tickTimes());
      return undefined;
    },
  }],
  [ClassicEvents.move, {
    input: true,
    run(session, [payload], { world }) {
      const checked = checkMove(payload);
      if (!checked.ok) return checked.message;
      queueInput(world, session.eid, { target: checked.value });
      return undefined;
    },
  }],
  [ClassicEvents.attack, {
    input: true,
    run(session, [payload], { world }) {
      const checked = checkAttack(typeof payload === 'function' ? undefined : payload);
      if (!checked.ok) return checked.message;
      queueInput(world, session.eid, { attack: true });
      return undefined;
    },
  }],
  [ClassicEvents.setName, {
    input: false,
    run(session, [payload], ctx) {
      const raw = typeof payload === 'object' && payload !== null ? (payload as { name?: unknown }).name : undefined;
      const name = checkName(raw);
      if (name === undefined) return 'name must be 1 to 16 visible characters: {"name": "…"}';
      ctx.rename(session, name);
      return undefined;
    },
  }],
]);

/** Disconnects an abusive connection, telling it why first; it is refused for a while after. */
function kick(session: Session, socket: GameSocket, reason: string, ctx: InboundContext): void {
  ctx.count('kicked');
  ctx.log.warn({ sid: socket.id, reason }, 'kicked');
  cooldownOf(socket).kicked(socket.handshake.address, session.token);
  socket.emit('error', { code: ErrorCodes.kicked, event: '', message: reason });
  socket.disconnect(true);
}

/** Routes every message of `session`'s current socket through limits and validation. */
export function attachInbound(session: Session, ctx: InboundContext): void {
  const socket = session.socket!;
  const refuse = (code: ErrorCode, event: string, message: string, what: 'rejected' | 'dropped'): void => {
    ctx.count(what);
    session.rejected++;
    if (session.guard.strike()) {
      kick(session, socket, `too many refused messages (last: ${event}: ${message})`, ctx);
      return;
    }
    if (session.guard.mayReply()) socket.emit('error', { code, event, message });
  };
  socket.onAny((event: unknown, ...args: unknown[]) => {
    // A socket replaced by a resumed connection must not act for the player any more.
    if (session.socket !== socket) return;
    ctx.count('received');
    const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
    try {
      const handler = typeof event === 'string' ? handlers.get(event) : undefined;
      if (handler === undefined) return refuse(ErrorCodes.unknownEvent, name, 'unknown event', 'rejected');
      if (session.guard.admit(handler.input) === 'dropped') {
        return refuse(ErrorCodes.rateLimited, name, 'rate limit exceeded; message dropped', 'dropped');
      }
      const problem = handler.run(session, args, ctx);
      if (problem !== undefined) refuse(ErrorCodes.badInput, name, problem, 'rejected');
    } catch (error) {
      // A bug in a handler costs this message, never the server.
      ctx.log.error({ err: error, sid: socket.id, event: name }, 'handler threw');
    }
  });
}
