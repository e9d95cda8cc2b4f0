// Placing a connection in its match: a resuming player's own match, else the match its seat is
// for (claimed in the registry), or for a seatless client on an embedded server a seat taken
// here; spectators go to the match they watch. Then, on connection, the player joins that match.
// What each refusal means to the client is in docs/protocol.md (error codes).
import type { Socket } from 'socket.io';
import { DeltaEvents, ErrorCodes, type ClientToServerEvents, type ErrorCode, type ServerToClientEvents } from '../wire';
import type { Logger } from './logger';
import { handshakeProtocol } from './admission';
import type { MatchHost, MatchType } from './matches';
import { readSpectate } from './spectators';
import { admitSeat, readSeat, type PresentedSeat } from '../cluster/worker';
import { RegistryError, type Registry } from '../cluster/registry';

type GameIoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** An error a Socket.IO middleware passes to `next`: the client sees `message` and `data.code`. */
export function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** The match a delta handshake names (`auth.matchId`), with or without a seat. */
function namedMatch(auth: unknown): string | undefined {
  const matchId = typeof auth === 'object' && auth !== null ? (auth as { matchId?: unknown }).matchId : undefined;
  return typeof matchId === 'string' && matchId.length > 0 && matchId.length <= 64 ? matchId : undefined;
}

/** What placement needs from the server that owns it. */
export interface PlacementDeps {
  registry: Registry;
  host: MatchHost;
  types: ReadonlyMap<string, MatchType>;
  /** Type of seatless delta clients, and of seatless classic clients. */
  defaultType: string;
  classicType: string;
  /** A cluster worker: every player needs a seat from the registry (or a token that resumes). */
  requireSeat: boolean;
  workerId: string;
  logger: Logger;
  /** Engine.IO's heartbeat (ping interval + timeout): a silent client is dropped within it. */
  heartbeatMs: number;
  isDraining(): boolean;
}

/** A server's placement: Socket.IO middleware (`admit`), connection handler (`join`), and the seat claims still in flight per match. */
export interface Placement {
  admit(socket: GameIoSocket, next: (error?: Error) => void): void;
  join(socket: GameIoSocket): void;
  /** Seat claims sent to the registry and not yet joined, per match: counted in heartbeats so a heartbeat racing a claim cannot undo it. */
  readonly inFlight: ReadonlyMap<string, number>;
}

/** Creates the placement of one server's connections (see `Placement`). */
export function createPlacement(deps: PlacementDeps): Placement {
  const { registry, host, types, defaultType, classicType, requireSeat, workerId, logger } = deps;
  const inFlight = new Map<string, number>();
  // Which match a connection is for: a resuming player's own, else the one its seat is for (a
  // seatless client on an embedded server gets a seat here: joinOrCreate of its protocol's type).
  const admit = (socket: GameIoSocket, next: (error?: Error) => void): void => {
    const watch = readSpectate(socket.handshake);
    if (watch !== undefined) {
      const problem = spectateProblem(watch, socket.handshake.auth);
      if (problem) return next(problem);
      (socket.data as { spectate?: string }).spectate = watch;
      return next();
    }
    seatFor(socket.handshake).then((result) => {
      if (result instanceof Error) return next(result);
      const data = socket.data as { matchId?: string; claimed?: boolean };
      data.matchId = result.matchId;
      if (result.claimed) {
        // Counted in the registry from the claim on: a connection that closes before it joins gives its place back.
        data.claimed = true;
        socket.conn.once('close', () => {
          if (!data.claimed) return;
          data.claimed = false;
          settleClaim(result.matchId);
          registry.releasePlayer(result.matchId).catch(() => undefined);
        });
      }
      next();
    }, (error: unknown) => {
      logger.error({ err: error }, 'admission failed');
      next(refusal(ErrorCodes.registryUnavailable, 'admission failed; try again'));
    });
  };
  /** Why watching `matchId` is refused now, or undefined: spectators need no seat, only the match and room. */
  const spectateProblem = (matchId: string, auth: unknown): Error | undefined => {
    if (handshakeProtocol(auth).kind !== 'delta') return refusal(ErrorCodes.badInput, 'spectating needs the delta protocol (auth: {skirmish})');
    if (deps.isDraining()) return refusal(ErrorCodes.draining, 'this server is draining');
    const watched = host.matches.get(matchId);
    if (watched === undefined) return refusal(ErrorCodes.matchUnknown, `no match ${JSON.stringify(matchId).slice(0, 70)} here: it may have ended`);
    const { count, cap } = watched.match.spectators;
    if (count >= cap) return refusal(ErrorCodes.spectatorsFull, `match ${matchId} has its ${cap} spectators`);
    return undefined;
  };
  const settleClaim = (matchId: string): void => {
    const n = (inFlight.get(matchId) ?? 1) - 1;
    if (n <= 0) inFlight.delete(matchId);
    else inFlight.set(matchId, n);
  };
  const seatFor = async (handshake: { auth?: unknown; query?: unknown }): Promise<{ matchId: string; claimed: boolean } | Error> => {
    const { kind, token } = handshakeProtocol(handshake.auth);
    const named = namedMatch(handshake.auth);
    if (token !== undefined) {
      const resumed = await resumableIn(token, named);
      if (resumed !== undefined) return { matchId: resumed, claimed: false };
    }
    if (deps.isDraining()) return refusal(ErrorCodes.draining, 'this server is draining: matchmake again');
    let seat: PresentedSeat | undefined = readSeat(handshake);
    if (seat === undefined) {
      if (requireSeat) return refusal(ErrorCodes.seatMissing, 'no seat: matchmake first (POST /matchmake)');
      // A matchmaking client back for a player that is gone: it matchmakes again (into that match
      // first), rather than being placed here in whatever type seatless clients get.
      if (named !== undefined) return refusal(ErrorCodes.seatMissing, 'that player is gone: matchmake again');
      const type = types.get(kind === 'classic' ? classicType : defaultType)!;
      try {
        const placed = await registry.placeSeat({ type: type.name, capacity: type.capacity });
        seat = { matchId: placed.seat.matchId, token: placed.seat.token };
      } catch (error) {
        const e = error instanceof RegistryError ? error : undefined;
        if (e?.code === 'full') return refusal(ErrorCodes.serverFull, e.message);
        return refusal(ErrorCodes.registryUnavailable, `matchmaking failed: ${e?.message ?? 'registry failed'}`);
      }
    }
    inFlight.set(seat.matchId, (inFlight.get(seat.matchId) ?? 0) + 1);
    const admitted = await admitSeat(registry, workerId, seat);
    const done = (): void => settleClaim(seat.matchId);
    if (!admitted.ok) {
      done();
      return refusal(admitted.code as ErrorCode, admitted.message);
    }
    const type = types.get(admitted.match.type);
    if (!type) {
      done();
      registry.releasePlayer(seat.matchId).catch(() => undefined);
      return refusal(ErrorCodes.seatUnknown, `this server has no match type ${admitted.match.type}`);
    }
    if (!host.matches.has(seat.matchId)) {
      try {
        host.create(type, seat.matchId);
      } catch (error) {
        done();
        logger.error({ err: error, type: type.name }, 'match creation failed');
        return refusal(ErrorCodes.seatUnknown, 'the match could not be created');
      }
    }
    // The claim stays in flight until the connection joins (or closes first).
    return { matchId: seat.matchId, claimed: true };
  };

  // A silent client is dropped within this (Engine.IO's heartbeat), so its player becomes resumable.
  const heartbeatMs = deps.heartbeatMs;
  /**
   * The match in which `token`'s player can be resumed, if any. A player whose old connection
   * still looks live is waited for (until the heartbeat drops that connection) when the client
   * names that player's match: a matchmaking client back after its link died before this server
   * noticed. Without the wait it would be refused its spent seat and placed as a new player.
   */
  const resumableIn = async (token: string, named: string | undefined): Promise<string | undefined> => {
    const hosted = host.byToken(token);
    const session = hosted?.match.sessions.byToken.get(token);
    if (hosted === undefined || session === undefined) return undefined;
    const old = session.socket;
    if (old !== null) {
      // A token never takes over a live connection: an unnamed match (or another one) is a new player.
      if (named !== hosted.id) return undefined;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          old.off('disconnect', done);
          resolve();
        };
        // Listeners run in order: by then the match has dropped the old connection.
        old.on('disconnect', done);
        const timer = setTimeout(done, heartbeatMs + 500);
      });
    }
    const still = host.matches.get(hosted.id) === hosted && hosted.match.sessions.byToken.get(token) === session;
    return still && session.socket === null ? hosted.id : undefined;
  };

  const join = (socket: GameIoSocket): void => {
    const watch = (socket.data as { spectate?: string }).spectate;
    if (watch !== undefined) {
      const watched = host.matches.get(watch);
      if (watched === undefined) {
        // Disposed between admission and now.
        socket.emit(DeltaEvents.spectateEnded, { matchId: watch, reason: 'the match is gone' });
        socket.disconnect(true);
        return;
      }
      // Over the cap (a race past admission) it is told so and disconnected.
      if (watched.match.spectators.join(socket)) socket.on('disconnect', () => watched.match.spectators.drop(socket));
      return;
    }
    const { kind, token, name } = handshakeProtocol(socket.handshake.auth);
    const data = socket.data as { matchId?: string; claimed?: boolean };
    const matchId = data.matchId;
    const hosted = matchId === undefined ? undefined : host.matches.get(matchId);
    const resuming = !data.claimed;
    if (data.claimed && matchId !== undefined) {
      data.claimed = false;
      settleClaim(matchId);
    }
    if (hosted === undefined) {
      // Its match was disposed between admission and now (ended, drained): send it on its way.
      if (matchId !== undefined && !resuming) registry.releasePlayer(matchId).catch(() => undefined);
      socket.emit(DeltaEvents.reconnectElsewhere, { reason: 'the match is gone: matchmake again' });
      socket.disconnect(true);
      return;
    }
    try {
      hosted.match.sessions.join(socket, kind, token, name);
    } catch (error) {
      logger.error({ err: error, sid: socket.id }, 'join failed');
      if (!resuming) registry.releasePlayer(hosted.id).catch(() => undefined);
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ sid: socket.id, reason }, 'disconnect');
      hosted.match.sessions.drop(socket, reason);
    });
  };

  return { admit, join, inFlight };
}
