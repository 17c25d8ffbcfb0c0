// Follows one engine's GET /events stream, line by line, until it ends or is stopped (on a connection of
// its own, read as it comes: a general client's stream machinery per engine was a tenth of a 1,000-engine
// start-up).
import { StringDecoder } from 'node:string_decoder';
import type { EngineClient } from './client.js';
import type { DockerEvent } from './types.js';

export interface EventStreamHandlers {
  event(ev: DockerEvent): void;
  /** The stream is over: the engine closed it or it failed (err). Not called after stop(). */
  end(err?: unknown): void;
}

export class EventStream {
  private stopStream: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly client: EngineClient,
    private readonly handlers: EventStreamHandlers,
  ) {}

  /** `since` is Docker's "seconds[.nanos]" text; undefined means from now. */
  start(since?: string): void {
    let pending = '';
    let status = 0;
    const decoder = new StringDecoder('utf8');
    this.stopStream = this.client.streamGet('/events', since ? { since } : undefined, 10_000, {
      head: (res) => (status = res.status),
      data: (piece) => {
        if (status !== 200) return;
        pending += decoder.write(piece);
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line) this.dispatch(line);
        }
      },
      end: (err) => {
        if (this.stopped) return;
        const refused = status !== 0 && status !== 200;
        this.handlers.end(err ?? (refused ? new Error(`events stream answered ${status}`) : undefined));
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.stopStream?.();
  }

  private dispatch(line: string): void {
    let ev: DockerEvent;
    try {
      ev = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const exact = /"timeNano":(\d+)/.exec(line)?.[1];
    if (exact) ev.timeNanoText = exact;
    if (!ev.Actor) ev.Actor = { ID: ev.id ?? '', Attributes: {} };
    if (!ev.Actor.Attributes) ev.Actor.Attributes = {};
    this.handlers.event(ev);
  }
}
