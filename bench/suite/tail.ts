import type { Readable } from 'node:stream';

/** Keeps the last `max` characters a stream produced (for diagnostics when a child fails). */
export function keepTail(stream: Readable | null, max = 4000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-max);
  });
  return () => text;
}
