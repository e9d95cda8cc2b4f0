// `npm run docs`: TypeDoc's CLI, run from the repository root with its typedoc.json; extra
// arguments are passed on. TypeDoc drives TypeScript's compiler API, which the repository's
// TypeScript 7 (the native port) does not ship, and declares a peer dependency on TypeScript
// 5.x/6.0. This folder is a package of its own, installed as a file: devDependency, so that
// TypeDoc and TypeScript 6.0 install side by side in its node_modules without a peer conflict
// with the root's TypeScript 7 (npm prints nothing), and TypeDoc resolves the TypeScript beside it.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const typedoc = join(dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');
const root = fileURLToPath(new URL('../..', import.meta.url));
fork(typedoc, process.argv.slice(2), { cwd: root, stdio: 'inherit' }).on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
