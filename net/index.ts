// Skirmish net: everything that crosses the network, in three layers.
//   wire/   every byte: the binary codec, the Socket.IO parser, protocol constants (browser-safe)
//   client/ connection, clock, mirror world, prediction, interpolation (browser-safe)
//   server/ the authoritative server, matches, sessions, replication (Node only)
// A browser bundle imports 'skirmish/net/client' and 'skirmish/net/wire' paths through
// net/client and net/wire, never this file, so no server code reaches the page.

export * from './wire';
export * from './client';
export * from './server';
