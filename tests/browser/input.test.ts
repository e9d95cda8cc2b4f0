// The game's input and name rules without a browser (Node, a bare EventTarget for a window):
// latched taps, the hold that covers a server tick, what is sent when, and name cleaning.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createInputSender } from '../../game/controls';
import type { InputIntent } from '../../engine';
import { createKeyboard } from '../../game/keyboard';
import { isValidName, sanitizeName } from '../../game/names';

const HOLD = 50;

function fakeWindow(): { target: Window; key(type: 'keydown' | 'keyup', code: string): void; blur(): void } {
  const target = new EventTarget();
  return {
    target: target as unknown as Window,
    key: (type, code) => target.dispatchEvent(Object.assign(new Event(type, { cancelable: true }), { code })),
    blur: () => target.dispatchEvent(new Event('blur')),
  };
}

const Keys = suite('keyboard latching');

Keys('a tap between two samples is seen once, attack released after it is sent', () => {
  const w = fakeWindow();
  const keyboard = createKeyboard(w.target, { minHoldMs: () => HOLD });
  w.key('keydown', 'Space');
  w.key('keyup', 'Space');
  assert.equal(keyboard.intent(0), { mx: 0, my: 0, attack: true }, 'the tap is still there');
  assert.equal(keyboard.intent(5), { mx: 0, my: 0, attack: true }, 'until it has been sent');
  keyboard.sent(5);
  assert.equal(keyboard.intent(6), { mx: 0, my: 0, attack: false }, 'then gone');
});

Keys('a tapped direction stays pressed for minHoldMs after it was first sent', () => {
  const w = fakeWindow();
  const keyboard = createKeyboard(w.target, { minHoldMs: () => HOLD });
  w.key('keydown', 'ArrowLeft');
  w.key('keyup', 'ArrowLeft');
  assert.is(keyboard.intent(100).mx, -1);
  keyboard.sent(100);
  assert.is(keyboard.intent(100 + HOLD - 1).mx, -1, 'held through the tick');
  assert.is(keyboard.intent(100 + HOLD).mx, 0, 'released after it');
});

Keys('held keys stay until key-up; opposite keys cancel; blur releases taps too', () => {
  const w = fakeWindow();
  const keyboard = createKeyboard(w.target, { minHoldMs: () => HOLD });
  w.key('keydown', 'KeyW');
  keyboard.sent(0);
  assert.equal(keyboard.intent(1000), { mx: 0, my: -1, attack: false }, 'W is up (map y grows down)');
  w.key('keydown', 'KeyD');
  w.key('keydown', 'ArrowLeft');
  assert.is(keyboard.intent(1000).mx, 0, 'left and right cancel');
  w.key('keydown', 'Space');
  w.key('keyup', 'Space');
  w.blur();
  assert.equal(keyboard.intent(1001), { mx: 0, my: 0, attack: false }, 'focus loss releases everything, unsent taps included');
  keyboard.dispose();
});

const Sender = suite('input sender');

Sender('sends on change, again every 50 ms while attack is held and every 250 ms while only a direction is; a tap reaches the wire even offline first', () => {
  const sent: InputIntent[] = [];
  let online = false;
  let seq = 0;
  const sink = {
    sendInput(i: InputIntent) {
      if (!online) return seq;
      sent.push({ ...i });
      return ++seq;
    },
    get lastSentSeq() {
      return seq;
    },
  };
  const w = fakeWindow();
  const keyboard = createKeyboard(w.target, { minHoldMs: () => HOLD });
  const sender = createInputSender(sink, [keyboard]);
  w.key('keydown', 'Space');
  w.key('keyup', 'Space');
  assert.not.ok(sender.pump(0), 'offline: nothing goes out');
  online = true;
  assert.ok(sender.pump(10), 'the latched tap goes out once online');
  assert.equal(sent, [{ mx: 0, my: 0, attack: true }]);
  assert.ok(sender.pump(11), 'then the release');
  assert.equal(sent[1], { mx: 0, my: 0, attack: false });
  assert.not.ok(sender.pump(500), 'idle: nothing to send');
  w.key('keydown', 'ArrowDown');
  assert.ok(sender.pump(600));
  assert.not.ok(sender.pump(650), 'a held direction: no resend after 50 ms');
  assert.not.ok(sender.pump(849), 'nor before 250 ms');
  assert.ok(sender.pump(850), 'resent 250 ms on');
  assert.equal(sent.at(-1), { mx: 0, my: 1, attack: false });
  w.key('keydown', 'Space');
  assert.ok(sender.pump(860), 'attack pressed: sent at once');
  assert.not.ok(sender.pump(900), 'held attack: not before 50 ms');
  assert.ok(sender.pump(910), 'held attack: resent every 50 ms');
  assert.equal(sent.at(-1), { mx: 0, my: 1, attack: true });
  w.key('keyup', 'Space');
  w.key('keyup', 'ArrowDown');
  const count = sent.length;
  sender.pump(2000);
  assert.is(sent.length, count + 1, 'the release');
  assert.not.ok(sender.pump(5000), 'nothing held: never resent');
  const custom = createInputSender(sink, [{ intent: () => ({ mx: 1, my: 0, attack: false }), sent: () => undefined }], { heldMs: 100 });
  assert.ok(custom.pump(6000));
  assert.ok(custom.pump(6100), 'intervals are options');
});

const Names = suite('player names');

Names('control, bidi and invisible characters go; whitespace is trimmed and collapsed; 1 to 16 characters', () => {
  assert.is(sanitizeName('  \u202eAl\u0000ice\u200f  '), 'Alice');
  assert.is(sanitizeName('a\t\n  b'), 'a b');
  assert.is(sanitizeName('\u2066x\u2069\u200b'), 'x');
  assert.is(sanitizeName('Émile 🙂'), 'Émile 🙂');
  assert.is(sanitizeName('x'.repeat(20)), 'x'.repeat(16), 'cut to 16');
  assert.ok(isValidName(' ok '));
  assert.not.ok(isValidName(' \u200b\u202e '), 'nothing printable');
  assert.not.ok(isValidName('x'.repeat(17)), '17 is too many');
  assert.ok(isValidName('🙂'.repeat(16)), '16 emoji are 16 characters');
});

Keys.run();
Sender.run();
Names.run();
