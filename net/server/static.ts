// Serves the built browser client, so one process is the whole game: no separate web server.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** A name like `client-K3LHA2N4.js`: its content never changes, so browsers may keep it for a year. */
const HASHED = /-[A-Za-z0-9]{8,}\.(?:js|css)(?:\.map)?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Precompressed siblings, in the order preferred when the client accepts several. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Encodings the request accepts (q > 0), from its Accept-Encoding header. */
function accepted(header: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    out.add(name);
  }
  return out;
}

/** True when an If-None-Match header names `etag` (or `*`); weak comparison, as RFC 9110 asks for GET. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}

/**
 * Creates a request handler serving files from `root` (the built browser client).
 * Paths are resolved inside `root` only; anything else is a 404. A file with a `.br` or `.gz`
 * sibling written by the build is sent compressed when the request accepts it. Content-hashed
 * names are cached for a year; everything else (index.html) is revalidated with an ETag.
 */
export function createStaticHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  const base = resolve(root);
  // Content hashes of served files, recomputed when a file's size or mtime changes (a rebuild).
  const tags = new Map<string, { key: string; tag: string }>();
  const etagOf = (file: string, stat: Stats): string => {
    const key = `${stat.size}:${stat.mtimeMs}`;
    const known = tags.get(file);
    if (known !== undefined && known.key === key) return known.tag;
    const tag = createHash('sha1').update(readFileSync(file)).digest('base64url').slice(0, 20);
    tags.set(file, { key, tag });
    return tag;
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = resolve(join(base, normalize(pathname)));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      const missingBuild = pathname === '/index.html' && !existsSync(join(base, 'index.html'));
      res.writeHead(missingBuild ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(missingBuild ? `The browser client is not built: run "npm run build" (looked in ${base}).\n` : 'not found\n');
      return;
    }
    const stat = statSync(file);
    const accepts = accepted(req.headers['accept-encoding']);
    let body = file;
    let size = stat.size;
    let encoding: string | undefined;
    let compressible = false;
    for (const { name, suffix } of ENCODINGS) {
      const variant = file + suffix;
      if (!existsSync(variant)) continue;
      const vstat = statSync(variant);
      // A sibling older than its file is left over from an earlier build: never serve it.
      if (vstat.mtimeMs < stat.mtimeMs) continue;
      compressible = true;
      if (encoding === undefined && accepts.has(name)) {
        encoding = name;
        body = variant;
        size = vstat.size;
      }
    }
    const hashed = HASHED.test(basename(file));
    // A strong ETag names one representation, so the compressed ones get their own.
    const etag = `"${etagOf(file, stat)}${encoding === undefined ? '' : `-${encoding}`}"`;
    const headers: Record<string, string | number> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? IMMUTABLE : 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (compressible) headers.vary = 'Accept-Encoding';
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    headers['content-length'] = size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(body).pipe(res);
  };
}
