// GET /events: the merged stream of every engine plus Shoal's own events, with since, until and filters.
import { FilterArgs } from '../../docker/filters.js';
import { parseTimestamp, StrconvError } from '../../docker/strconv.js';
import type { DockerEvent } from '../../engine/types.js';
import { ApiError } from '../../errors.js';
import { EVENT_FILTERS } from '../../events/event-filter.js';
import { eventJson } from '../../events/serialize.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { baseHeaders } from '../respond.js';

/** A subscriber that falls this far behind is cut off rather than buffered without bound. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/** The engine's `seconds[.fraction]` timestamps, in nanoseconds; a malformed one is a 400 with Go's text. */
export function parseEventTime(text: string | null): number | undefined {
  try {
    return parseTimestamp(text);
  } catch (err) {
    if (err instanceof StrconvError) throw ApiError.invalid(err.message);
    throw err;
  }
}

export function events(deps: ApiDeps, ctx: RequestContext): void {
  const since = parseEventTime(ctx.query.get('since'));
  const until = parseEventTime(ctx.query.get('until'));
  const filters = FilterArgs.parse(ctx.query.get('filters'));
  filters.validate(EVENT_FILTERS);
  if (until !== undefined && since !== undefined && until < since) {
    throw ApiError.invalid(
      `\`since\` time (${ctx.query.get('since')}) cannot be after \`until\` time (${ctx.query.get('until')})`,
    );
  }
  const { res } = ctx;
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' });
  res.flushHeaders();
  const write = (ev: DockerEvent) => {
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      res.destroy();
      return;
    }
    res.write(eventJson(ev) + '\n');
  };
  for (const ev of deps.hub.past(filters, since, until)) write(ev);
  const nowNano = Date.now() * 1e6;
  if (until !== undefined && until <= nowNano) {
    res.end();
    return;
  }
  const unsubscribe = deps.hub.subscribe({
    filter: filters,
    send: (ev) => {
      if (until !== undefined && ev.timeNano > until) return;
      write(ev);
    },
  });
  const timer =
    until !== undefined ? setTimeout(() => res.end(), Math.ceil((until - nowNano) / 1e6)) : undefined;
  res.once('close', () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  });
}
