// `npm run bots -- --url http://127.0.0.1:5000 --count 200 --duration 30`: headless players that
// load a Skirmish (or any classic-protocol) server. Progress on stderr; the JSON summary is the
// last line of stdout. Ctrl-C ends the run early and still prints the summary.
import { BOTS_USAGE, parseBotArgs } from './options';
import { runBots } from './run';

let options: ReturnType<typeof parseBotArgs>;
try {
  options = parseBotArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${BOTS_USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(BOTS_USAGE);
  process.exit(0);
}

const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second interrupt means "now": give up on the summary.
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  });
}
const tty = process.stderr.isTTY;
const summary = await runBots(options, {
  signal: abort.signal,
  onProgress: options.progress ? (line) => process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`) : undefined,
});
if (options.progress && tty) process.stderr.write('\n');
process.stdout.write(`${JSON.stringify(summary)}\n`, () => process.exit(0));
