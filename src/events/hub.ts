// The cluster's event stream: recent history for `since`, and live fan-out to every `docker events`.
import type { FilterArgs } from '../docker/filters.js';
import type { DockerEvent } from '../engine/types.js';
import { includeEvent } from './event-filter.js';

export interface Subscriber {
  filter: FilterArgs;
  send(ev: DockerEvent): void;
}

export const HISTORY_LIMIT = 10_000;

/** A kept event, or one replayed from an engine's history, made as the cluster shows it only when read. */
interface Kept {
  readonly timeNano: number;
  ev?: DockerEvent;
  make?: () => DockerEvent;
}

function eventOf(k: Kept): DockerEvent {
  k.ev ??= (k.make as () => DockerEvent)();
  k.make = undefined;
  return k.ev;
}

export class EventHub {
  /** The last HISTORY_LIMIT events, a ring: `next` is the oldest once it is full (O(1) per event). */
  private readonly history: Kept[] = [];
  private next = 0;
  private readonly subscribers = new Set<Subscriber>();

  get listeners(): number {
    return this.subscribers.size;
  }

  /** Records an event; `live` events also go to current subscribers. */
  publish(ev: DockerEvent, live = true): void {
    this.keep({ timeNano: ev.timeNano, ev });
    if (!live) return;
    for (const s of this.subscribers) if (includeEvent(s.filter, ev)) s.send(ev);
  }

  /**
   * Records a past event (an engine's history, replayed when Shoal connects) for `since`; `make` gives it as
   * the cluster shows it and runs only if it is ever read: thousands of engines replay tens of thousands.
   */
  publishPast(timeNano: number, make: () => DockerEvent): void {
    this.keep({ timeNano, make });
  }

  private keep(k: Kept): void {
    if (this.history.length < HISTORY_LIMIT) this.history.push(k);
    else this.history[this.next] = k;
    this.next = (this.next + 1) % HISTORY_LIMIT;
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
        (k) =>
          (sinceNano === undefined || k.timeNano >= sinceNano) &&
          (untilNano === undefined || k.timeNano <= untilNano),
      )
      .map(eventOf)
      .filter((ev) => includeEvent(filter, ev))
      .sort((a, b) => a.timeNano - b.timeNano);
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }
}
