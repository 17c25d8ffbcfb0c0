// Follows one engine's GET /events stream, line by line, until it ends or is stopped.
import type { EngineClient } from './client.js';
import type { DockerEvent } from './types.js';

export interface EventStreamHandlers {
  event(ev: DockerEvent): void;
  /** The stream is over: the engine closed it or it failed (err). Not called after stop(). */
  end(err?: unknown): void;
}

export class EventStream {
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly client: EngineClient,
    private readonly handlers: EventStreamHandlers,
  ) {}

  /** `since` is Docker's "seconds[.nanos]" text; undefined means from now. */
  start(since?: string): void {
    void this.run(since);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(since?: string): Promise<void> {
    let err: unknown;
    try {
      const res = await this.client.request({
        method: 'GET',
        path: '/events',
        query: since ? { since } : undefined,
        signal: this.abort.signal,
        headersTimeout: 10_000,
        bodyTimeout: 0,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new Error(`events stream answered ${res.statusCode}`);
      }
      let pending = '';
      for await (const chunk of res.body) {
        pending += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line) this.dispatch(line);
        }
      }
    } catch (e) {
      err = e;
    }
    if (!this.stopped) this.handlers.end(err);
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
