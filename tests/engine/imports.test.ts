// The engine's import graph: no cycles (type-only imports included: they are how one module
// depends on another's shape), and nothing from outside engine/ except bitecs, so the engine
// stays usable without the network, the renderer or a DOM.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENGINE = fileURLToPath(new URL('../../engine', import.meta.url));


function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, `import type` and `import()` included. */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, // import … from, export … from
    /\bimport\s*['"]([^'"]+)['"]/g, // import 'side-effect'
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…'), also in type positions
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** The engine file a relative specifier names (`./x`, `./x.ts`, `./dir` → dir/index.ts), or undefined. */
function resolveFile(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((p) => p.endsWith('.ts') && existsSync(p));
}

const files = sourceFiles(ENGINE);
const name = (path: string): string => relative(ENGINE, path).split('\\').join('/');
const graph = new Map<string, string[]>();
// The packages each file imports, for what each entry of the package loads.
const packages = new Map<string, string[]>();
const strays: string[] = [];
for (const file of files) {
  const deps: string[] = [];
  const used: string[] = [];
  packages.set(name(file), used);
  for (const spec of specifiers(readFileSync(file, 'utf8'))) {
    if (!spec.startsWith('.')) used.push(spec);
    if (spec === 'bitecs') continue;
    // The replay format's hash and checksums: well-kept xxHash32s, a synchronous pure-JS one and
    // a WebAssembly one (twice as fast) that takes over once it has loaded. Only `skirmish/replay`
    // (replay/index.ts) reaches them; the test below keeps them out of `skirmish`.
    if ((spec === 'xxh32' || spec === 'xxhash-wasm') && name(file).startsWith('replay/')) continue;
    const target = spec.startsWith('.') ? resolveFile(file, spec) : undefined;
    if (target === undefined || relative(ENGINE, target).startsWith('..')) strays.push(`${name(file)} imports '${spec}'`);
    else deps.push(name(target));
  }
  graph.set(name(file), deps);
}

/** Cycles found by a depth-first search (one per back edge), each as the files along it. */
function cycles(edges: Map<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') out.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (state.get(node) === undefined) visit(node);
  return out;
}

const Imports = suite('engine: imports');

Imports('the parser sees every kind of import', () => {
  const source = [
    "import { a } from './a';",
    "import type { B } from \"./b\";",
    'import {\n  c,\n  type D,\n} from "./c";',
    "export { e } from './e';",
    "export type * from './f';",
    "import './g';",
    "type H = import('./h').H;",
    "// import { x } from './commented-out';",
  ].join('\n');
  assert.equal(specifiers(source).sort(), ['./a', './b', './c', './e', './f', './g', './h']);
});

Imports('the cycle search finds a cycle and passes a tree', () => {
  assert.equal(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.equal(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
});

Imports('the engine has files to check', () => {
  assert.ok(graph.size > 10 && graph.has('index.ts') && graph.has('battle.ts'), [...graph.keys()].join(', '));
});

Imports('engine/ imports only bitecs and its own files', () => {
  assert.equal(strays, []);
});

/** Every file reachable from `entry` along the graph, `entry` included. */
function reachable(edges: Map<string, readonly string[]>, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (node: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const next of edges.get(node) ?? []) visit(next);
  };
  visit(entry);
  return seen;
}

Imports('the reach search follows edges and stops at cycles', () => {
  const edges = new Map([['a', ['b']], ['b', ['a', 'c']], ['c', []], ['d', ['a']]]);
  assert.equal([...reachable(edges, 'a')].sort(), ['a', 'b', 'c']);
});

Imports('the engine entry reaches no file of replay/ and no package but bitecs', () => {
  const files = [...reachable(graph, 'index.ts')];
  assert.equal(files.filter((f) => f.startsWith('replay/')), [], 'skirmish loads the replay');
  assert.equal([...new Set(files.flatMap((f) => packages.get(f) ?? []))], ['bitecs']);
  // skirmish/replay is where the xxHash32 packages are, so the search above can see them.
  const replayPackages = new Set([...reachable(graph, 'replay/index.ts')].flatMap((f) => packages.get(f) ?? []));
  assert.equal([...replayPackages].sort(), ['bitecs', 'xxh32', 'xxhash-wasm']);
});

Imports('no import cycle in engine/', () => {
  const found = cycles(graph).map((c) => c.join(' → '));
  assert.equal(found, [], `import cycles:\n${found.join('\n')}`);
});

Imports.run();
