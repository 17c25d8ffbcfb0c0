// Reading containers from an engine into its cache: one container (after an event) or all of them.
import { stateString, statusText } from '../docker/human.js';
import { EngineHttpError } from './errors.js';
import type { EngineClient } from './client.js';
import type { ContainerCache } from './container-cache.js';
import { toDetail, type CachedContainer, type ContainerSummary, type PortEntry } from './types.js';

/**
 * Inspects asked at once per engine: all on the engine's background connection, pipelined (written together,
 * answered in turn), so more in flight costs no connection. Engines synchronise side by side as well (the
 * pool's SYNC_CONCURRENCY).
 */
const INSPECT_CONCURRENCY = 32;

/**
 * Fetches one container's inspect and its list entry, undefined when it no longer exists. Both on the
 * engine's background connection, written together: an engine's connections have usually timed out since
 * its last create (creates spread over the engines), and one connection and one write serve both.
 */
export async function fetchContainer(client: EngineClient, id: string): Promise<CachedContainer | undefined> {
  const byId = (ref: string) =>
    client.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: '1', filters: JSON.stringify({ id: [ref] }) },
      lane: 'background',
    });
  const [inspect, list] = await Promise.all([inspectOrUndefined(client, id, 'background'), byId(id)]);
  const fullId = inspect?.['Id'];
  if (typeof fullId !== 'string') return undefined;
  // `id` a name, which the list's id filter does not take: ask again by the ID.
  const summary = list.find((c) => c.Id === fullId) ?? (await byId(fullId)).find((c) => c.Id === fullId);
  return summary ? build(summary, inspect as Record<string, unknown>) : undefined;
}

async function inspectOrUndefined(
  client: EngineClient,
  id: string,
  lane?: 'background',
): Promise<Record<string, unknown> | undefined> {
  try {
    return await client.json<Record<string, unknown>>('GET', `/containers/${encodeURIComponent(id)}/json`, {
      lane,
    });
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

/**
 * Refreshes one container in the cache from the engine. A container the cache knows takes one request (its
 * inspect, from which the changing parts of its list entry are made); a new or renamed one, two.
 */
export async function refreshContainer(
  client: EngineClient,
  cache: ContainerCache,
  id: string,
): Promise<void> {
  const seq = cache.nextSeq();
  const known = cache.get(id);
  if (known) {
    const inspect = await inspectOrUndefined(client, id, 'background');
    if (!inspect) {
      cache.remove(id, seq);
      return;
    }
    const summary = patchedSummary(known, inspect);
    if (summary) {
      cache.apply(build(summary, inspect), seq);
      return;
    }
  }
  const c = await fetchContainer(client, id);
  if (c) cache.apply(c, seq);
  else cache.remove(id, seq);
}

/**
 * The list entry of a known container after a change, from its inspect: state, status, ports and networks
 * move; image, command, labels, mounts and creation never do. Undefined when its name changed (the list's
 * names, links included, are read again).
 */
function patchedSummary(
  known: CachedContainer,
  inspect: Record<string, unknown>,
): ContainerSummary | undefined {
  const i = inspect as {
    Name?: string;
    State?: { Status?: string };
    NetworkSettings?: {
      Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
      Networks?: NonNullable<ContainerSummary['NetworkSettings']>['Networks'];
    };
    HostConfig?: { NetworkMode?: string };
  };
  if ((i.Name ?? '').replace(/^\//, '') !== known.name) return undefined;
  const ports: PortEntry[] = [];
  for (const [key, bindings] of Object.entries(i.NetworkSettings?.Ports ?? {})) {
    const [port = '0', type = 'tcp'] = key.split('/');
    if (!bindings || bindings.length === 0) ports.push({ PrivatePort: Number(port), Type: type });
    for (const b of bindings ?? [])
      ports.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return {
    ...known.summary,
    State: i.State?.Status ?? known.summary.State,
    Status: statusText(toDetail(inspect).State) || known.summary.Status,
    Ports: ports,
    HostConfig: {
      ...known.summary.HostConfig,
      NetworkMode: i.HostConfig?.NetworkMode ?? known.summary.HostConfig?.NetworkMode,
    },
    NetworkSettings: { Networks: i.NetworkSettings?.Networks ?? known.summary.NetworkSettings?.Networks },
  };
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
  const list = await client.json<ContainerSummary[]>('GET', '/containers/json', {
    query: { all: '1' },
    lane: 'background',
  });
  const listed = new Set(list.map((c) => c.Id));
  for (const id of [...cache.ids()]) if (!listed.has(id)) cache.remove(id, seq);
  const toInspect: ContainerSummary[] = [];
  for (const summary of list) {
    const known = cache.get(summary.Id);
    if (full || !known || changed(known.summary, summary)) toInspect.push(summary);
    else cache.apply({ ...known, summary }, seq);
  }
  await forEachLimited(toInspect, INSPECT_CONCURRENCY, async (summary) => {
    const inspect = await inspectOrUndefined(client, summary.Id, 'background');
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
  return s
    .replace(/Less than a second|About an? \w+|\d+ \w+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
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
