// The bench's line to a server child process (Node IPC): where it listens, and its heap after a GC.

/** Message a bench server child sends its parent. */
export type FromServer = { type: 'listening'; url: string } | { type: 'heap'; heapUsed: number };

/** Message the bench sends a server child. */
export type ToServer = { type: 'heap' };

/**
 * Connects a server entry to the bench: announces `url`, answers heap requests (after a full GC
 * when node runs with --expose-gc, so the figure is live memory, not garbage), and closes the
 * server and exits on SIGINT/SIGTERM or when the bench goes away. Without an IPC channel only
 * the signal handling applies.
 */
export function serveBench(url: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 5000).unref();
    void close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const send = process.send?.bind(process);
  if (send === undefined) return;
  send({ type: 'listening', url } satisfies FromServer);
  process.on('disconnect', shutdown);
  process.on('message', (message: ToServer) => {
    if (message?.type !== 'heap') return;
    globalThis.gc?.();
    globalThis.gc?.();
    send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed } satisfies FromServer);
  });
}
