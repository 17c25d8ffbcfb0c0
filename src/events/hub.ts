// The cluster's event stream: recent history for `since`, and live fan-out to every `docker events`.
import type { FilterArgs } from '../docker/filters.js';
import type { DockerEvent } from '../engine/types.js';
import { includeEvent } from './event-filter.js';

export interface Subscriber {
  filter: FilterArgs;
  send(ev: DockerEvent): void;
}

export const HISTORY_LIMIT = 10_000;

export class EventHub {
  /** The last HISTORY_LIMIT events, a ring: `next` is the oldest once it is full (O(1) per event). */
  private readonly history: DockerEvent[] = [];
  private next = 0;
  private readonly subscribers = new Set<Subscriber>();

  get listeners(): number {
    return this.subscribers.size;
  }

  /** Records an event; `live` events also go to current subscribers. */
  publish(ev: DockerEvent, live = true): void {
    if (this.history.length < HISTORY_LIMIT) this.history.push(ev);
    else this.history[this.next] = ev;
    this.next = (this.next + 1) % HISTORY_LIMIT;
    if (!live) return;
    for (const s of this.subscribers) if (includeEvent(s.filter, ev)) s.send(ev);
  }

  /**
   * Past events in [since, until] (nanoseconds; undefined bounds are open), oldest first. Like the engine,
   * no history is returned when neither bound is given.
   */
  past(filter: FilterArgs, sinceNano?: number, untilNano?: number): DockerEvent[] {
    if (sinceNano === undefined && untilNano === undefined) return [];
    const ordered = [...this.history.slice(this.next), ...this.history.slice(0, this.next)];
    return ordered
      .filter(
        (ev) =>
          (sinceNano === undefined || ev.timeNano >= sinceNano) &&
          (untilNano === undefined || ev.timeNano <= untilNano) &&
          includeEvent(filter, ev),
      )
      .sort((a, b) => a.timeNano - b.timeNano);
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }
}
