// Delta replication: after each tick, every delta-protocol client gets one state message with what
// changed among the entities it sees (net/server/interest.ts), relative to the previous message on
// its connection; a client with nothing new gets nothing. Each entity's record is encoded once per
// tick and its bytes copied into every message that needs them; the per-client pass allocates
// nothing but the message itself, which the outbox copies into a pooled socket buffer. Clients told exactly the tick's news (all of it: every entity
// with news is in their view, nobody entered or left it), as everyone is on a map a view covers,
// share one message body, built once: only their header (tick and ack steps) is their own.
import { getStore, Input, NetId, type BattleEvent, type BattleWorld } from '../../engine';
import { EncodedRecords, StateEncoder } from '../wire';
import { createInterest, type InterestOptions, type ViewChanges } from './interest';
import type { Outbox } from './outbox';
import { createRecordReader } from './records';
import { NO_ENTITY, type Viewer } from './session';

/** Counters replication adds to. */
export interface ReplicationStats {
  stateBytes: number;
  stateMessages: number;
  /** Of `stateMessages`, those whose body was shared with other clients (built once for the tick). */
  sharedMessages: number;
}

/** Builds the state messages of a tick. */
export interface Replicator {
  /** Builds the message of each delta viewer (connected players, spectators) for the tick just run, into `outbox`. */
  build(sessions: readonly Viewer[], events: readonly BattleEvent[], outbox: Outbox): void;
}

const NONE: readonly number[] = [];

/** Creates the replicator of `world`. */
export function createReplicator(world: BattleWorld, stats: ReplicationStats, options: InterestOptions): Replicator {
  const input = getStore(world, Input);
  const netIds = getStore(world, NetId);
  const interest = createInterest(world, options);
  const ackOnlyTicks = Math.max(1, Math.round(options.ackOnlyMs / 1000 / world.time.dt));
  const read = createRecordReader(world);
  const records = new EncodedRecords();
  const encoder = new StateEncoder();
  // The body of a message telling all of this tick's news, built when a client first needs it.
  const bodyEncoder = new StateEncoder();
  let allNews: Uint8Array | undefined;
  const buildAllNews = (tick: number): Uint8Array => {
    bodyEncoder.begin(false, tick, 0, { tick: tick - 1, ack: 0 });
    for (const eid of dirty) bodyEncoder.copy(records, changeRecordOf(eid));
    return bodyEncoder.finishBody(NONE, hits, kills);
  };
  const changeRecordOf = (eid: number): number => {
    let handle = changeRecord.get(eid);
    if (handle === undefined) changeRecord.set(eid, (handle = records.addEntity(read(eid), changes[eid]!, false, attacked[eid] === 1)));
    return handle;
  };
  // Handles into `records` of this tick's change and enter records, encoded when first needed.
  const changeRecord = new Map<number, number>();
  const enterRecord = new Map<number, number>();
  // Per entity, this tick: its `Changed` bits, whether it attacked, and whether either is set
  // (news: it needs a record); `dirty` lists the entities with news.
  const changes = new Uint8Array(world.capacity);
  const attacked = new Uint8Array(world.capacity);
  const news = new Uint8Array(world.capacity);
  const dirty: number[] = [];
  const hits: [number, number][] = [];
  const kills: [number, number][] = [];
  // Scratch reused by every session every tick.
  const view: ViewChanges = { stayed: [], entered: [], removed: [] };
  const myHits: [number, number][] = [];
  const myKills: [number, number][] = [];
  const visible = (out: [number, number][], pairs: readonly [number, number][], seen: Set<number>): void => {
    out.length = 0;
    for (const pair of pairs) if (seen.has(pair[0]) || seen.has(pair[1])) out.push(pair);
  };

  function buildFor(session: Viewer, outbox: Outbox): void {
    const rep = session.replication;
    const me = session.eid;
    const full = session.needsFull;
    const tick = world.time.tick;
    // Nothing new since the last message (no tick ran): nothing to say.
    if (!full && tick <= rep.sent.tick) return;
    if (full) rep.seen.clear();
    const ack = input.seq[me]!;
    if (me === NO_ENTITY) interest.everything(rep.seen, world.sync.byNetId, news, view);
    else interest.update(rep.seen, me, world.sync.byNetId, news, view);
    visible(myHits, hits, rep.seen);
    visible(myKills, kills, rep.seen);
    let bytes: Uint8Array;
    // `stayed` lists only entities with news, each once: as long as `dirty`, it is all of them.
    const toldAll = !full && dirty.length > 0 && view.stayed.length === dirty.length && view.entered.length === 0 &&
      view.removed.length === 0 && myHits.length === hits.length && myKills.length === kills.length;
    if (toldAll) {
      bytes = encoder.deltaView((allNews ??= buildAllNews(tick)), tick, ack, rep.sent);
      stats.sharedMessages++;
    } else {
      // Nothing new: nothing sent, unless inputs were applied and their ack has waited long enough
      // (a client's prediction replays its unacknowledged inputs, so an ack may wait a little).
      const empty = view.stayed.length === 0 && view.entered.length === 0 && view.removed.length === 0 && myHits.length === 0 && myKills.length === 0;
      if (!full && empty && (ack === rep.sent.ack || tick - rep.sent.tick < ackOnlyTicks)) return;
      encoder.begin(full, tick, ack, rep.sent);
      for (const eid of view.stayed) encoder.copy(records, changeRecordOf(eid));
      for (const eid of view.entered) {
        let handle = enterRecord.get(eid);
        if (handle === undefined) enterRecord.set(eid, (handle = records.addEntity(read(eid), 0, true, false)));
        encoder.copy(records, handle);
      }
      bytes = encoder.finishView(full ? NONE : view.removed, myHits, myKills);
    }
    session.needsFull = false;
    rep.sent.tick = tick;
    rep.sent.ack = ack;
    outbox.add(session.socket!, bytes);
    stats.stateBytes += bytes.byteLength;
    stats.stateMessages++;
  }

  return {
    build(sessions, events, outbox) {
      if (sessions.length === 0) return;
      const { sync } = world;
      records.reset();
      allNews = undefined;
      changeRecord.clear();
      enterRecord.clear();
      dirty.length = 0;
      hits.length = 0;
      kills.length = 0;
      for (const eid of sync.changed) {
        changes[eid] = sync.changes[eid]!;
        news[eid] = 1;
        dirty.push(eid);
      }
      for (const e of events) {
        if (e.type === 'attack') {
          if (news[e.eid] === 0) dirty.push(e.eid);
          attacked[e.eid] = 1;
          news[e.eid] = 1;
        } else if (e.type === 'hit') hits.push([netIds.id[e.attacker]!, netIds.id[e.victim]!]);
        else if (e.type === 'kill') kills.push([netIds.id[e.attacker]!, netIds.id[e.victim]!]);
      }
      interest.rebuild();
      try {
        for (const s of sessions) buildFor(s, outbox);
      } finally {
        for (const eid of dirty) {
          changes[eid] = 0;
          attacked[eid] = 0;
          news[eid] = 0;
        }
      }
    },
  };
}
