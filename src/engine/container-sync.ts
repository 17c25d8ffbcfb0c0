// Reading containers from an engine into its cache: one container (after an event) or all of them.
import { stateString } from '../docker/human.js';
import { EngineHttpError } from './errors.js';
import type { EngineClient } from './client.js';
import type { ContainerCache } from './container-cache.js';
import { toDetail, type CachedContainer, type ContainerSummary } from './types.js';

const INSPECT_CONCURRENCY = 8;

/** Fetches one container's list entry and inspect; undefined when it no longer exists. */
export async function fetchContainer(client: EngineClient, id: string): Promise<CachedContainer | undefined> {
  const filters = JSON.stringify({ id: [id] });
  const [list, inspect] = await Promise.all([
    client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: '1', filters } }),
    inspectOrUndefined(client, id),
  ]);
  const summary = list.find((c) => c.Id === inspect?.['Id']);
  if (!inspect || !summary) return undefined;
  return build(summary, inspect);
}

async function inspectOrUndefined(
  client: EngineClient,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    return await client.json<Record<string, unknown>>('GET', `/containers/${encodeURIComponent(id)}/json`);
  } catch (err) {
    if (err instanceof EngineHttpError && err.status === 404) return undefined;
    throw err;
  }
}

function build(summary: ContainerSummary, inspect: Record<string, unknown>): CachedContainer {
  const detail = toDetail(inspect);
  const created = Date.parse(detail.Created);
  return {
    id: summary.Id,
    name: (detail.Name ?? '').replace(/^\//, ''),
    state: stateString(detail.State),
    createdMs: Number.isNaN(created) ? summary.Created * 1000 : created,
    summary,
    detail,
  };
}

/** Refreshes one container in the cache from the engine. */
export async function refreshContainer(
  client: EngineClient,
  cache: ContainerCache,
  id: string,
): Promise<void> {
  const seq = cache.nextSeq();
  const c = await fetchContainer(client, id);
  if (c) cache.apply(c, seq);
  else cache.remove(id, seq);
}

/**
 * Reconciles the whole cache with a fresh listing. Containers that are new, or whose state or names
 * changed, are inspected; the rest keep their detail and take the fresh list entry.
 */
export async function syncContainers(
  client: EngineClient,
  cache: ContainerCache,
  full: boolean,
): Promise<void> {
  const seq = cache.nextSeq();
  const list = await client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: '1' } });
  const listed = new Set(list.map((c) => c.Id));
  for (const id of [...cache.ids()]) if (!listed.has(id)) cache.remove(id, seq);
  const toInspect: ContainerSummary[] = [];
  for (const summary of list) {
    const known = cache.get(summary.Id);
    if (full || !known || changed(known.summary, summary)) toInspect.push(summary);
    else cache.apply({ ...known, summary }, seq);
  }
  await forEachLimited(toInspect, INSPECT_CONCURRENCY, async (summary) => {
    const inspect = await inspectOrUndefined(client, summary.Id);
    if (inspect) cache.apply(build(summary, inspect), seq);
    else cache.remove(summary.Id, seq);
  });
}

function changed(a: ContainerSummary, b: ContainerSummary): boolean {
  return (
    a.State !== b.State || a.Names.join() !== b.Names.join() || statusKey(a.Status) !== statusKey(b.Status)
  );
}

/** The status text without its ever-changing durations ("Exited (1) 5 seconds ago" → "Exited (1)  ago"). */
function statusKey(s: string): string {
  return s.replace(/Less than a second|About an? \w+|\d+ \w+/g, '');
}

export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
