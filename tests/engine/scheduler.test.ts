import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../engine';

interface Ctx { clock: { ms: number }; ticks: number; make: (options?: Partial<SchedulerOptions>) => Scheduler }

// dt = 0.05 s: 50 ms per tick, exact in binary, so expected counts are plain arithmetic.
const Scheduler = suite<Ctx>('scheduler');
Scheduler.before.each((ctx) => {
  ctx.clock = { ms: 1000 };
  ctx.ticks = 0;
  ctx.make = (options = {}) => createScheduler({ dt: 0.05, tick: () => { ctx.ticks++; }, now: () => ctx.clock.ms, ...options });
});

Scheduler('runs floor(elapsed / dt) ticks', (ctx) => {
  const s = ctx.make();
  ctx.clock.ms += 175;
  assert.is(s.advance(), 3);
  assert.is(ctx.ticks, 3);
});

Scheduler('runs nothing before a whole tick has passed', (ctx) => {
  const s = ctx.make();
  ctx.clock.ms += 49;
  assert.is(s.advance(), 0);
  assert.is(ctx.ticks, 0);
  ctx.clock.ms += 1;
  assert.is(s.advance(), 1);
});

Scheduler('counts time from creation, not from the epoch of the clock', (ctx) => {
  const s = ctx.make();
  assert.is(s.advance(), 0);
  assert.is(ctx.ticks, 0);
});

Scheduler('carries the remainder to the next advance', (ctx) => {
  const s = ctx.make();
  ctx.clock.ms += 75; // 1 tick, 25 ms left over
  assert.is(s.advance(), 1);
  ctx.clock.ms += 25; // 25 + 25 = one more tick
  assert.is(s.advance(), 1);
  ctx.clock.ms += 30;
  assert.is(s.advance(), 0);
  ctx.clock.ms += 20;
  assert.is(s.advance(), 1);
  assert.is(ctx.ticks, 3);
});

Scheduler('many small advances run as many ticks as one large one', (ctx) => {
  const s = ctx.make({ maxCatchUp: 1000 });
  for (let i = 0; i < 1000; i++) {
    ctx.clock.ms += 7;
    s.advance();
  }
  assert.is(ctx.ticks, Math.floor(7000 / 50));
  assert.is(s.dropped, 0);
});

Scheduler('caps catch-up at maxCatchUp and counts the dropped ticks', (ctx) => {
  const s = ctx.make({ maxCatchUp: 4 });
  ctx.clock.ms += 1010; // 20 ticks due, 10 ms over
  assert.is(s.advance(), 4);
  assert.is(ctx.ticks, 4);
  assert.is(s.dropped, 16);
  assert.ok(Math.abs(s.untilNext() - 40) < 1e-6, `the partial tick is kept: next in ${s.untilNext()} ms`);
  ctx.clock.ms += 40; // 10 + 40 = 1 tick: the backlog is gone, not replayed
  assert.is(s.advance(), 1);
  ctx.clock.ms += 500;
  assert.is(s.advance(), 4);
  assert.is(s.dropped, 22, 'dropped accumulates');
});

Scheduler('maxCatchUp defaults to 5', (ctx) => {
  const s = ctx.make();
  ctx.clock.ms += 1000;
  assert.is(s.advance(), 5);
  assert.is(s.dropped, 15);
});

Scheduler('right after advance(), untilNext() is what is left of the tick, in (0, dt]', (ctx) => {
  const s = ctx.make();
  assert.is(s.untilNext(), 50);
  ctx.clock.ms += 60;
  s.advance();
  assert.ok(Math.abs(s.untilNext() - 40) < 1e-6, `next in ${s.untilNext()} ms`);
  ctx.clock.ms += 40;
  s.advance();
  assert.is(s.untilNext(), 50);
  for (let i = 0; i < 500; i++) {
    ctx.clock.ms += (i * 37) % 113;
    s.advance();
    const next = s.untilNext();
    assert.ok(next > 0 && next <= 50, `next in ${next} ms after step ${i}`);
  }
});

Scheduler('untilNext() counts down to the next tick and stays ≥ 0', (ctx) => {
  const s = ctx.make();
  assert.is(s.untilNext(), 50);
  ctx.clock.ms += 20;
  assert.is(s.untilNext(), 30, 'counts time not yet advanced');
  s.advance();
  assert.is(s.untilNext(), 30);
  ctx.clock.ms += 45;
  assert.is(s.untilNext(), 0, 'overdue');
  s.advance();
  assert.is(ctx.ticks, 1);
  assert.is(s.untilNext(), 35);
});

Scheduler('a clock that goes backwards runs no ticks and does not go negative', (ctx) => {
  const s = ctx.make();
  ctx.clock.ms += 30;
  s.advance();
  ctx.clock.ms -= 500;
  assert.is(s.advance(), 0);
  assert.ok(s.untilNext() > 0 && s.untilNext() <= 50, `next in ${s.untilNext()} ms`);
  ctx.clock.ms += 20; // 30 ms banked + 20
  assert.is(s.advance(), 1);
});

Scheduler('rejects a dt that is not positive', () => {
  for (const dt of [0, -0.1, Number.NaN]) {
    assert.throws(() => createScheduler({ dt, tick: () => {}, now: () => 0 }), /Skirmish: scheduler dt must be positive/, `dt=${dt}`);
  }
});


Scheduler('at 30 Hz, exactly one second of clock runs exactly 30 ticks', () => {
  let t = 0;
  let ticks = 0;
  const s = createScheduler({ dt: 1 / 30, now: () => t, tick: () => ticks++, maxCatchUp: 100 });
  t = 1000;
  s.advance();
  assert.is(ticks, 30);
});

Scheduler.run();
