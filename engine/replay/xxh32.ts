// XXH32, seed 0. xxhash-wasm (WebAssembly: twice as fast on a tick's ~50 kB of stores) once it has
// loaded, which starts on the first hash or on `loadWasmHash()`; until then, or where WebAssembly
// is not allowed, the xxh32 package (pure JS, synchronous). Both are the same XXH32, so a hash
// never depends on which one ran. xxh32's path for inputs of 256 bytes and more reads through a
// DataView over the whole underlying buffer and ignores `byteOffset`, so a view that does not
// start its buffer is copied to one that does (into a scratch buffer: a Node Buffer's `slice`
// would share memory instead). xxhash-wasm copies every input into its own memory anyway.
import xxh32 from 'xxh32';
import xxhash from 'xxhash-wasm';

let wasmXxh32: ((bytes: Uint8Array, seed?: number) => number) | undefined;
let loading: Promise<boolean> | undefined;

/**
 * Starts loading the WebAssembly hasher, once; settles with whether it is in use (false where
 * WebAssembly is not available: hashing stays in JS, with the same results).
 */
export function loadWasmHash(): Promise<boolean> {
  loading ??= xxhash().then(
    (api) => {
      wasmXxh32 = api.h32Raw;
      return true;
    },
    () => false,
  );
  return loading;
}

// Where views that do not start their buffer are copied to (reused: hashing allocates nothing).
let scratch = new Uint8Array(1 << 12);

/** XXH32 (seed 0) of `bytes` computed in JS, whether or not the WebAssembly hasher has loaded. */
export function xxHash32InJs(bytes: Uint8Array): number {
  if (bytes.byteOffset === 0) return xxh32(bytes, 0) >>> 0;
  if (scratch.length < bytes.length) scratch = new Uint8Array(Math.max(bytes.length, scratch.length * 2));
  scratch.set(bytes);
  return xxh32(scratch.subarray(0, bytes.length), 0) >>> 0;
}

/** XXH32 (seed 0) of `bytes`, as an unsigned 32-bit number. */
export function xxHash32Of(bytes: Uint8Array): number {
  if (wasmXxh32 !== undefined) return wasmXxh32(bytes, 0) >>> 0;
  if (loading === undefined) void loadWasmHash();
  return xxHash32InJs(bytes);
}
