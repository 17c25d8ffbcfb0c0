// A DNS worker process: answers UDP queries on Shoal's DNS sockets from its own copy of the cluster's names,
// which Shoal keeps current over IPC. Shoal binds the sockets and hands them down (every worker reads each
// one); a worker reads and answers them in batches (batch-udp.ts), so queries use more than one core and
// far fewer system calls. It ends when Shoal does (its IPC channel closes).
import { batchUdp, intToIp, type BatchUdp } from './batch-udp.js';
import { NameIndex } from './records.js';
import { DnsServer } from './server.js';
import { parseUpstream, Upstreams } from './upstream.js';
import { COUNTS_EVERY_MS, type FromWorker, type ToWorker, type WorkerSettings } from './worker-protocol.js';

const index = new NameIndex();

function tell(m: FromWorker): void {
  process.send?.(m);
}

function start(s: WorkerSettings): void {
  const udp = batchUdp();
  if (!udp) {
    tell({ failed: 'the native batched UDP module is not built (npm run build)' });
    process.exit(1);
  }
  const server = new DnsServer({
    index,
    upstreams: new Upstreams({ servers: s.upstreams }),
    settings: { ttl: s.ttl, oneAnswer: s.oneAnswer, rng: Math.random },
    upstreamFor: (ip) => index.containerAt(ip)?.upstreams?.map(parseUpstream),
  });
  try {
    for (const fd of s.fds) serve(udp, fd, server);
  } catch (err) {
    tell({ failed: (err as Error).message });
    process.exit(1);
  }
  let last = { ...server.counts };
  setInterval(() => {
    const now = server.counts;
    const delta = {
      answered: now.answered - last.answered,
      forwarded: now.forwarded - last.forwarded,
      failed: now.failed - last.failed,
    };
    last = { ...now };
    if (delta.answered + delta.forwarded + delta.failed > 0) tell({ counts: delta });
  }, COUNTS_EVERY_MS);
  tell({ ready: true });
}

/** Answers one socket's batches: each query from the names at once, or later (forwarded) on its own. */
function serve(udp: BatchUdp, fd: number, server: DnsServer): void {
  const { BATCH, SLOT, OUT_SLOT } = udp;
  const [input, metaBytes, output] = udp.serve(fd, (n) => {
    let answers = 0;
    for (let k = 0; k < n; k++) {
      const len = meta[3 * k] as number;
      if (len < 0) continue; // cut: longer than a slot, no DNS query
      const ip = (meta[3 * k + 1] as number) >>> 0;
      const port = meta[3 * k + 2] as number;
      const query = input.subarray(k * SLOT, k * SLOT + len);
      const reply = server.answerUdp(query, intToIp(ip), (later) => udp.sendTo(fd, later, ip, port));
      if (!reply || reply.length > OUT_SLOT) continue;
      reply.copy(output, answers * OUT_SLOT);
      const at = 3 * BATCH + 3 * answers;
      meta[at] = reply.length;
      meta[at + 1] = ip;
      meta[at + 2] = port;
      answers++;
    }
    return answers;
  });
  const meta = new Int32Array(metaBytes.buffer, metaBytes.byteOffset, metaBytes.length / 4);
}

process.on('message', (m: ToWorker) => {
  if ('changes' in m) index.apply(m.changes);
  else {
    index.apply(m.names.map((c) => ({ set: c })));
    start(m.start);
  }
});
process.on('disconnect', () => process.exit(0));
tell({ hello: true });
