// GET /containers/json from the cache: Docker's filters and order, plus Shoal's node names and addresses.
import { FilterArgs, boolValue } from '../docker/filters.js';
import { statusText } from '../docker/human.js';
import { matchesImage } from '../docker/image-ref.js';
import type { Engine } from '../engine/engine.js';
import type { CachedContainer, ContainerSummary, PortEntry } from '../engine/types.js';
import type { ImageSummary } from '../engine/resource-lists.js';
import { findContainer } from '../pool/lookup.js';
import type { Pool } from '../pool/pool.js';
import { HELPER_LABEL } from '../networks/paths/helper.js';
import { ApiError, noSuchContainer } from '../errors.js';
import { atoi, portRange, StrconvError } from '../docker/strconv.js';

export const PS_FILTERS = [
  'ancestor',
  'before',
  'exited',
  'health',
  'id',
  'label',
  'name',
  'status',
  'since',
  'volume',
  'network',
  'is-task',
  'publish',
  'expose',
  'node',
];
const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];

export interface ListQuery {
  all: boolean;
  limit: number;
  filters: FilterArgs;
  before?: string;
  since?: string;
}

export function parseListQuery(q: URLSearchParams): ListQuery {
  const filters = FilterArgs.parse(q.get('filters'));
  filters.validate(PS_FILTERS);
  for (const s of filters.values('status')) {
    if (!STATES.includes(s)) throw ApiError.invalid(`Invalid filter 'status=${s}'`);
  }
  for (const h of filters.values('health')) {
    if (!HEALTH.includes(h)) throw ApiError.invalid(`Unrecognised filter value for health: ${h}`);
  }
  for (const e of filters.values('exited')) goInt(() => atoi(e));
  filters.bool('is-task');
  const limitText = q.get('limit') ?? '';
  const limit = limitText === '' ? -1 : goInt(() => atoi(limitText));
  return {
    all: boolValue(q.get('all')) || filters.has('status'),
    limit,
    filters,
    before: q.get('before') ?? undefined,
    since: q.get('since') ?? undefined,
  };
}

interface Candidate extends Listed {
  created: number;
}

function createdOf(c: CachedContainer): number {
  return c.createdMs;
}

function resolveBound(pool: Pool, ref: string | undefined): number | undefined {
  if (ref === undefined || ref === '') return undefined;
  const found = findContainer(pool, ref);
  if (!found) throw noSuchContainer(ref);
  return createdOf(found.container);
}

/** A Go number parse; its error (`strconv.Atoi: parsing "x": invalid syntax`) as a 400. */
function goInt<T>(parse: () => T, prefix = ''): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof StrconvError) throw ApiError.invalid(`${prefix}${err.message}`);
    throw err;
  }
}

/** The engine's port set for publish/expose filters: "80", "80/udp", "8000-8080/tcp" → "80/tcp", … */
function portSet(key: string, values: string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    if (v.includes(':')) throw ApiError.invalid(`filter for '${key}' should not contain ':': ${v}`);
    const { start, end, proto } = goInt(() => portRange(v), `error while looking up for ${key} ${v}: `);
    for (let p = start; p <= end; p++) out.add(`${p}/${proto}`);
  }
  return out;
}

/** Images equal to or built from each `ancestor` value, on this engine. */
function ancestorIds(images: readonly ImageSummary[], refs: string[]): Set<string> {
  const ids = new Set<string>();
  for (const ref of refs) for (const img of images) if (matchesImage(img, ref)) ids.add(img.Id);
  let grew = ids.size > 0;
  while (grew) {
    grew = false;
    for (const img of images) {
      if (img.ParentId && ids.has(img.ParentId) && !ids.has(img.Id)) {
        ids.add(img.Id);
        grew = true;
      }
    }
  }
  return ids;
}

class Matcher {
  private readonly publish: Set<string>;
  private readonly expose: Set<string>;
  private readonly ancestors = new Map<Engine, Set<string>>();

  constructor(private readonly q: ListQuery) {
    this.publish = portSet('publish', q.filters.values('publish'));
    this.expose = portSet('expose', q.filters.values('expose'));
  }

  matches(engine: Engine, c: CachedContainer): boolean {
    const f = this.q.filters;
    if (f.size === 0) return true;
    const s = c.summary;
    const state = c.detail.State;
    const name = c.name;
    if (!f.matchKVList('label', s.Labels ?? {})) return false;
    if (!f.match('name', name) && !f.match('name', `/${name}`) && !f.match('name', `${engine.name}/${name}`))
      return false;
    if (!f.match('id', c.id)) return false;
    if (f.has('node') && !f.match('node', engine.name) && !f.exactMatch('node', engine.id)) return false;
    const wantTask = f.bool('is-task');
    if (wantTask !== undefined) {
      const isTask =
        s.Labels !== null && ('com.docker.swarm.task' in s.Labels || 'com.docker.swarm.task.id' in s.Labels);
      if (wantTask !== isTask) return false;
    }
    if (!f.exactMatch('status', c.state)) return false;
    if (!f.exactMatch('health', state.Health?.Status ?? 'none')) return false;
    if (f.has('exited')) {
      const started = state.StartedAt !== undefined && !state.StartedAt.startsWith('0001');
      if (state.Running || !started || !f.values('exited').some((e) => Number(e) === (state.ExitCode ?? 0)))
        return false;
    }
    return (
      this.matchesMounts(c) &&
      this.matchesNetworks(c) &&
      this.matchesPorts(s) &&
      this.matchesAncestor(engine, c)
    );
  }

  private matchesMounts(c: CachedContainer): boolean {
    const f = this.q.filters;
    if (!f.has('volume')) return true;
    const mounts = c.summary.Mounts ?? [];
    return f
      .values('volume')
      .some((v) => mounts.some((m) => m.Destination === v || (m.Name || m.Source) === v));
  }

  private matchesNetworks(c: CachedContainer): boolean {
    const f = this.q.filters;
    if (!f.has('network')) return true;
    const nets = c.summary.NetworkSettings?.Networks ?? {};
    return f
      .values('network')
      .some(
        (v) =>
          v in nets ||
          Object.values(nets).some((n) => n?.NetworkID !== undefined && n.NetworkID.startsWith(v)),
      );
  }

  private matchesPorts(s: ContainerSummary): boolean {
    if (this.publish.size === 0 && this.expose.size === 0) return true;
    return (s.Ports ?? []).some(
      (p) =>
        this.publish.has(`${p.PublicPort ?? 0}/${p.Type}`) || this.expose.has(`${p.PrivatePort}/${p.Type}`),
    );
  }

  private matchesAncestor(engine: Engine, c: CachedContainer): boolean {
    const refs = this.q.filters.values('ancestor');
    if (refs.length === 0) return true;
    let ids = this.ancestors.get(engine);
    if (!ids) this.ancestors.set(engine, (ids = ancestorIds(engine.lists.images, refs)));
    return ids.has(c.detail.Image);
  }
}

/** The Status column: the engine's text at `now`, or "Host Down" while the engine cannot be reached. */
export function statusOf(engine: Engine, c: CachedContainer, now: number): string {
  return engine.isHealthy ? statusText(c.detail.State, now) || c.summary.Status : 'Host Down';
}

/** Classic's presentation: names under their node, wildcard port addresses replaced by the engine's. */
export function present(engine: Engine, c: CachedContainer, now: number): ContainerSummary {
  const s = c.summary;
  const ports: PortEntry[] = [];
  const seen = new Set<string>();
  for (const p of s.Ports ?? []) {
    const ip = p.IP === '0.0.0.0' || p.IP === '::' ? engine.ip : p.IP;
    const entry: PortEntry = ip === undefined ? { ...p } : { ...p, IP: ip };
    const key = `${entry.IP}|${entry.PrivatePort}|${entry.PublicPort}|${entry.Type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ports.push(entry);
  }
  return {
    ...s,
    Names: s.Names.map((n) => `/${engine.name}${n.startsWith('/') ? n : `/${n}`}`),
    Ports: ports,
    Status: statusOf(engine, c, now),
  };
}

export interface Listed {
  engine: Engine;
  c: CachedContainer;
}

/** The containers `ps` lists for this query, newest first, `limit` applied. */
export function selectContainers(pool: Pool, q: ListQuery): Listed[] {
  const matcher = new Matcher(q);
  const before = resolveBound(pool, q.before ?? q.filters.values('before')[0]);
  const since = resolveBound(pool, q.since ?? q.filters.values('since')[0]);
  const showStopped = q.all || q.limit > 0 || before !== undefined || since !== undefined;
  const picked: Candidate[] = [];
  for (const engine of pool.validated()) {
    if (!engine.isHealthy && !q.all) continue;
    for (const c of engine.containers.values()) {
      // Shoal's own short-lived helpers (host network paths) are not the user's containers.
      if (c.detail.Config.Labels?.[HELPER_LABEL] !== undefined) continue;
      const running = c.detail.State.Running === true;
      if (!running && !showStopped) continue;
      const created = createdOf(c);
      if (before !== undefined && created >= before) continue;
      if (since !== undefined && created <= since) continue;
      if (!matcher.matches(engine, c)) continue;
      picked.push({ engine, c, created });
    }
  }
  picked.sort((a, b) => b.created - a.created || (a.c.id < b.c.id ? -1 : 1));
  return q.limit > 0 ? picked.slice(0, q.limit) : picked;
}

export function listContainers(
  pool: Pool,
  q: ListQuery,
  now = Date.now(),
): { engine: Engine; entry: ContainerSummary }[] {
  return selectContainers(pool, q).map(({ engine, c }) => ({ engine, entry: present(engine, c, now) }));
}
