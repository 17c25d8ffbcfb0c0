// The native batched UDP (native/udp_batch.c, built by `npm run build`): recvmmsg/sendmmsg, a batch of
// datagrams handed to JavaScript in one call. Undefined where it was not built (no compiler): Shoal then
// answers UDP with node:dgram in its own thread.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface BatchUdp {
  /** An IPv4 socket bound to ip:port (0: one is picked): its descriptor and port. Throws with a code. */
  bind(ip: string, port: number): [fd: number, port: number];
  /** Serves the socket: `onBatch(n)` answers the `n` datagrams in `in`; returns the shared buffers. */
  serve(fd: number, onBatch: (n: number) => number): [input: Buffer, meta: Buffer, output: Buffer];
  sendTo(fd: number, data: Buffer, ip: number, port: number): void;
  close(fd: number): void;
  readonly BATCH: number;
  readonly SLOT: number;
  readonly OUT_SLOT: number;
}

let loaded: BatchUdp | null | undefined;

/** The module, if built (loaded once). */
export function batchUdp(): BatchUdp | undefined {
  if (loaded === undefined) {
    // dist/src/dns/ when built, src/dns/ under the test runner: build/ is at the package's root either way.
    const up = import.meta.url.endsWith('.ts') ? '../../' : '../../../';
    try {
      const require = createRequire(import.meta.url);
      loaded = require(
        fileURLToPath(new URL(`${up}build/Release/udp_batch.node`, import.meta.url)),
      ) as BatchUdp;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** 198.18.0.1 → its 32 bits, and back. */
export function ipToInt(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
