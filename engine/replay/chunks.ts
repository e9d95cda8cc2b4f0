// The file's framing: a preamble (magic, format version), then chunks of whole records, each
// length-prefixed and checksummed, so a reader detects corruption and a crash loses only the
// chunk being written.
import { xxHash32Of } from './xxh32';
import { ReplayFormatError } from './errors';
import { CHUNK_HEAD_BYTES, MAGIC, MAX_CHUNK_BYTES, PREAMBLE_BYTES, REPLAY_FORMAT_VERSION } from './format';

/** The preamble every replay starts with. */
export function preamble(): Uint8Array {
  const out = new Uint8Array(PREAMBLE_BYTES);
  out.set(MAGIC);
  new DataView(out.buffer).setUint16(4, REPLAY_FORMAT_VERSION, true);
  return out;
}

/** The checksum of a chunk payload (xxHash32, seed 0). */
export function chunkChecksum(payload: Uint8Array): number {
  return xxHash32Of(payload);
}

/**
 * Frames a chunk in place: `chunk` holds CHUNK_HEAD_BYTES of room and then the payload; its head
 * becomes the u32 payload length and the u32 checksum of the payload. Returns `chunk`.
 */
export function sealChunk(chunk: Uint8Array): Uint8Array {
  const view = new DataView(chunk.buffer, chunk.byteOffset, CHUNK_HEAD_BYTES);
  view.setUint32(0, chunk.length - CHUNK_HEAD_BYTES, true);
  view.setUint32(4, chunkChecksum(chunk.subarray(CHUNK_HEAD_BYTES)), true);
  return chunk;
}

/** The chunks of a file, checked, and whether it ended inside one. */
export interface SplitFile {
  payloads: Uint8Array[];
  /** Where each payload starts in the file. */
  offsets: number[];
  truncated: boolean;
}

/**
 * Checks the preamble and splits `bytes` into chunk payloads (views, not copies).
 * @throws ReplayFormatError on a wrong magic or version, an impossible length or a checksum mismatch.
 */
export function splitChunks(bytes: Uint8Array): SplitFile {
  if (bytes.length < PREAMBLE_BYTES) throw new ReplayFormatError(`file of ${bytes.length} bytes is too short to be a replay`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new ReplayFormatError('not a replay file (it does not start with "SKRP")');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== REPLAY_FORMAT_VERSION) throw new ReplayFormatError(`replay format version ${version}; this engine reads version ${REPLAY_FORMAT_VERSION}`);
  const payloads: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = PREAMBLE_BYTES;
  while (at < bytes.length) {
    if (at + CHUNK_HEAD_BYTES > bytes.length) return { payloads, offsets, truncated: true };
    const length = view.getUint32(at, true);
    if (length > MAX_CHUNK_BYTES) throw new ReplayFormatError(`chunk at byte ${at} claims ${length} bytes, more than a replay chunk can hold`);
    const start = at + CHUNK_HEAD_BYTES;
    if (start + length > bytes.length) return { payloads, offsets, truncated: true };
    const payload = bytes.subarray(start, start + length);
    const expected = view.getUint32(at + 4, true);
    if (chunkChecksum(payload) !== expected) throw new ReplayFormatError(`chunk at byte ${at} (${length} bytes) fails its checksum: the file is corrupt`);
    payloads.push(payload);
    offsets.push(start);
    at = start + length;
  }
  return { payloads, offsets, truncated: false };
}
