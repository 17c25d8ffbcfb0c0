// A DNS worker process: answers UDP queries on Shoal's DNS addresses from its own copy of the cluster's
// names, which Shoal keeps current over IPC. Several share each socket (node:cluster hands them one
// handle), so queries use more than one core. It ends when Shoal does (its IPC channel closes).
import { DnsServer } from './server.js';
import { NameIndex } from './records.js';
import { parseUpstream, Upstreams } from './upstream.js';
import { COUNTS_EVERY_MS, type FromWorker, type ToWorker, type WorkerSettings } from './worker-protocol.js';

const index = new NameIndex();

function tell(m: FromWorker): void {
  process.send?.(m);
}

async function start(s: WorkerSettings): Promise<void> {
  const server = new DnsServer({
    index,
    upstreams: new Upstreams({ servers: s.upstreams }),
    settings: { ttl: s.ttl, oneAnswer: s.oneAnswer, rng: Math.random },
    upstreamFor: (ip) => index.containerAt(ip)?.upstreams?.map(parseUpstream),
  });
  try {
    await server.listen(s.listen, 'udp');
  } catch (err) {
    tell({ failed: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
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

process.on('message', (m: ToWorker) => {
  if ('changes' in m) index.apply(m.changes);
  else {
    index.apply(m.names.map((c) => ({ set: c })));
    void start(m.start);
  }
});
process.on('disconnect', () => process.exit(0));
tell({ hello: true });
