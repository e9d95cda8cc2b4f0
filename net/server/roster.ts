// The classic protocol's roster: a classic client is told who is in the match when it joins, and
// every classic client hears of players arriving and leaving. Delta clients learn the same from
// their state messages; what classic clients hear each tick is in classic.ts.
import { ClassicEvents, type ClassicPosition } from '../wire';
import { CLASSIC_ROOM } from './classic';
import type { GameNamespace, GameSocket, Session } from './session';

/** Tells a new classic client every player, itself included, so it can draw the world and move at once. */
export function sendRoster(socket: GameSocket, players: Iterable<Session>, positionOf: (eid: number) => ClassicPosition): void {
  for (const player of players) {
    socket.emit(ClassicEvents.newPlayer, { id: player.publicId, position: positionOf(player.eid) });
  }
}

/** Tells every classic client of the match (its classic `room`) but the newcomer's own connection that `session` joined. */
export function announceJoin(socket: GameSocket, session: Session, position: ClassicPosition, room = CLASSIC_ROOM): void {
  socket.to(room).emit(ClassicEvents.newPlayer, { id: session.publicId, position });
}

/** Tells every classic client of the match (its classic `room`) that `session` left the match. */
export function announceLeave(nsp: GameNamespace, session: Session, room = CLASSIC_ROOM): void {
  nsp.to(room).emit(ClassicEvents.playerLeft, { id: session.publicId });
}
