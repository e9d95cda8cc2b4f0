// Deterministic replay: record a match (header, checkpoints, outside changes, consumed inputs,
// per-tick hashes) and play it back, seek in it, or verify it. Browser-safe: no node: imports.

export { REPLAY_FORMAT_VERSION } from './format';
export { ENGINE_VERSION } from '../version';
export type { ReplayHeader } from './header';
export { recordMatch } from './recorder';
export type { Recorder, RecordOptions } from './recorder';
export { replay } from './replay';
export type { Replay, ReplayOptions } from './replay';
export { ReplayFormatError } from './errors';
export { verifyReplay } from './verify';
export type { VerifyResult } from './verify';
export { hashWorld } from './hash';
