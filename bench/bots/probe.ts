// Input→observed latency: a probe walks left and right, turning at known times; an observer
// reports each step of the probe it sees. The delay from a turn to the first step the observer
// sees in the new direction is the latency a player feels when watching someone else react.
import type { InputIntent, Rng } from '../../engine';
import type { Tally } from './tally';

/** Time between turns, in ms: many turns per run, each leg several ticks long (≤ 12.5 units at 25 units/s). */
const LEG_MS: readonly [number, number] = [250, 500];
/** Room a reversed leg needs before a wall (a leg's length plus slack), in map units. */
const LEG_ROOM = 15;
/** A step shorter than this is quantisation noise, not movement (16-bit positions on big maps). */
const MIN_STEP = 0.05;
/** A turn not seen within this long counts as seen after this long (the server is drowning, or the observer is). */
export const MAX_WAIT_MS = 10_000;
/** After a respawn the probe waits this long before turning again. */
const SETTLE_MS = 300;

/** The observer keeps within this distance of the probe (well inside any view radius). */
const NEAR = 8;

/**
 * The observer's input: walk toward the probe until near it, then stand. A server that sends each
 * client only what it can see would otherwise never show the probe to a far-away observer.
 */
export function follow(self: { x: number; y: number } | undefined, probe: { x: number; y: number } | undefined): InputIntent {
  if (self === undefined || probe === undefined) return { mx: 0, my: 0, attack: false };
  const dx = probe.x - self.x;
  const dy = probe.y - self.y;
  const len = Math.hypot(dx, dy);
  return len <= NEAR ? { mx: 0, my: 0, attack: false } : { mx: dx / len, my: dy / len, attack: false };
}

/**
 * The probe's input: its walk while its observer sees it; otherwise it walks toward the observer
 * (`watcher`, its position) and makes no turn. A turn the observer cannot see is no sample: on a
 * large map, where each client sees only what is near it, the pair spawns far apart, and turns
 * made before they meet were all lost. Meeting halfway also halves the time until they meet.
 */
export function probeInput(
  walk: ProbeWalk, now: number, self: { x: number; y: number } | undefined, alive: boolean, watched: boolean,
  watcher: { x: number; y: number } | undefined,
): { intent: InputIntent; turned: boolean } {
  const { direction, turned } = walk.step(now, self?.x, alive && watched);
  if (alive && !watched) return { intent: follow(self, watcher), turned: false };
  return { intent: { mx: direction, my: 0, attack: false }, turned };
}

/** Speeds of the walk, by turn: every four turns in a row walk four different directions along x. */
const SPEEDS: readonly number[] = [1, 1, 0.5, 0.5];

/**
 * The probe's walk: left or right along x, reversing every 0.25–0.5 s, never into a wall, at full
 * speed for two legs and half speed for the next two. Four directions in turn (+1, −1, +½, −½)
 * tell an observer which turn it sees: with only two, one turn it never saw (a stalled tick that
 * applied it and the next together) made every later turn match the one before it, two legs
 * (~0.75 s) late, for the rest of the run.
 */
export class ProbeWalk {
  /** Current direction: +1 right, −1 left. */
  sign = 1;
  private turns = 0;
  private turnAt = 0;
  private aliveSince = Number.NaN;

  /** The x axis to walk now: the sign at this leg's speed (±1 or ±½). */
  get direction(): number {
    return this.sign * SPEEDS[this.turns % SPEEDS.length]!;
  }

  constructor(private readonly rng: Rng, private readonly mapWidth: number) {}

  /**
   * The direction to send now, and whether this input is a turn. `x` is the probe's own position
   * as the server last reported it; a dead, unplaced or unwatched (`alive` false) probe does not turn.
   */
  step(now: number, x: number | undefined, alive: boolean): { sign: number; direction: number; turned: boolean } {
    if (!alive || x === undefined) {
      this.aliveSince = Number.NaN;
      return { sign: this.sign, direction: this.direction, turned: false };
    }
    if (Number.isNaN(this.aliveSince)) {
      // Fresh (re)spawn: head for the middle, and let the first leg start without a turn.
      this.aliveSince = now;
      this.sign = x < this.mapWidth / 2 ? 1 : -1;
      this.turnAt = now + SETTLE_MS + this.leg();
      return { sign: this.sign, direction: this.direction, turned: false };
    }
    if (now < this.turnAt) return { sign: this.sign, direction: this.direction, turned: false };
    const next = -this.sign;
    const end = x + next * LEG_ROOM;
    // Walking into a wall would show no movement at all: keep going and try again next input.
    if (end < 0 || end > this.mapWidth) return { sign: this.sign, direction: this.direction, turned: false };
    this.sign = next;
    this.turns++;
    this.turnAt = now + this.leg();
    return { sign: next, direction: this.direction, turned: true };
  }

  private leg(): number {
    return LEG_MS[0] + this.rng.next() * (LEG_MS[1] - LEG_MS[0]);
  }
}

/** How far an observed x axis may be from the one a turn sent (axis quantisation is 1/127). */
const DIRECTION_TOLERANCE = 0.1;

/**
 * Matches the probe's turns with the moment the observer first sees them. Turns are queued: under
 * load the observer may see a turn only after the probe has made the next one, and each turn
 * still gets its own latency, in order.
 */
export class TurnWatch {
  private pending: { at: number; direction: number }[] = [];

  constructor(private readonly tally: Tally) {}

  /** The probe turned to walk `direction` along x (its sign, at least) at `at` (ms, same clock as the observer's). */
  turned(at: number, direction: number): void {
    this.pending.push({ at, direction });
  }

  /**
   * The observer saw the probe step by `dx` at `now` (classic clients see positions only): the
   * oldest pending turn is seen once a step goes its way.
   */
  saw(now: number, dx: number): void {
    this.expire(now);
    const head = this.pending[0];
    if (head !== undefined && dx * Math.sign(head.direction) > MIN_STEP) {
      this.tally.observed.add(now - head.at);
      this.pending.shift();
    }
  }

  /**
   * The observer's mirror shows the probe walking `direction` along x at `now`: the turn that sent
   * it is seen, and so are the turns before it, which the observer never got to see on their own
   * (the server applied them within one tick, or they came in one message): each counts from its
   * own time to now, and as `supersededTurns`.
   */
  sawDirection(now: number, direction: number): void {
    this.expire(now);
    const i = this.pending.findIndex((turn) => Math.abs(turn.direction - direction) < DIRECTION_TOLERANCE);
    if (i < 0) return;
    for (const turn of this.pending.splice(0, i + 1)) this.tally.observed.add(now - turn.at);
    this.tally.supersededTurns += i;
  }

  /**
   * Turns pending for longer than the wait are counted at the wait's length: a lower bound, so a
   * server too slow to show them raises the percentiles instead of vanishing from them.
   */
  expire(now: number): void {
    while (this.pending.length > 0 && now - this.pending[0]!.at > MAX_WAIT_MS) {
      this.pending.shift();
      this.tally.observed.add(MAX_WAIT_MS);
      this.tally.expiredTurns++;
    }
  }

  /** The probe died or jumped (`dead`), or left the observer's view: turns still pending can no longer be seen. */
  forget(dead: boolean): void {
    this.tally.lostTurns += this.pending.length;
    if (dead) this.tally.lostToDeath += this.pending.length;
    this.pending = [];
  }
}
