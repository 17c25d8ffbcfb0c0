// Live updates for the view, as Server-Sent Events: each cluster event (containers, engines going up or
// down) and each placement decision, in a few words; the page reads the state again when it hears one.
import type { ServerResponse } from 'node:http';
import { FilterArgs } from '../docker/filters.js';
import type { DockerEvent } from '../engine/types.js';
import type { EventHub } from '../events/hub.js';

const KEEPALIVE_MS = 15_000;

export interface StreamSources {
  readonly hub: EventHub;
  readonly decisions: { onRecord(fn: (seq: number) => void): () => void };
}

/** What the page hears of an event: enough to show a line, never the event's full attributes. */
function brief(ev: DockerEvent): Record<string, unknown> {
  const name = ev.Actor.Attributes['name'];
  return { type: ev.Type, action: ev.Action, name, node: ev.node?.Name, time: ev.time };
}

/** Streams until the client leaves. An event the socket has no room for is dropped: `change` follows. */
export function streamChanges(src: StreamSources, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let blocked = false;
  const send = (event: string, data: unknown) => {
    if (blocked || res.writableEnded) return;
    if (!res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) {
      blocked = true;
      res.once('drain', () => {
        blocked = false;
        send('change', {});
      });
    }
  };
  send('hello', {});
  const unsubscribe = [
    src.hub.subscribe({ filter: new FilterArgs(), send: (ev) => send('docker', brief(ev)) }),
    src.decisions.onRecord((seq) => send('decision', { seq })),
  ];
  const keepalive = setInterval(() => {
    if (!blocked) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();
  res.once('close', () => {
    clearInterval(keepalive);
    for (const u of unsubscribe) u();
  });
}
