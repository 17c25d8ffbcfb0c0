// What a container made through Shoal is told about names: Shoal's resolvers in place of its `--dns` (which
// become its own upstreams, kept in a label), and no Compose service alias on the engine, so the engine's
// resolver misses the service name and asks Shoal, which answers with every replica on every engine.
// `docker inspect` shows the alias again. Pure: bodies in, bodies out.

/** Labels read here and by the resolver: Compose's, swarm's, and the one Shoal writes for a container's own resolvers. */
export const NAME_LABELS = {
  project: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  swarmService: 'com.docker.swarm.service.name',
  upstream: 'com.docker.shoal.dns.upstream',
} as const;
const LABELS = NAME_LABELS;

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** Network modes that take no `Dns` (the engine refuses it with another container's network). */
function ownsResolvConf(networkMode: unknown): boolean {
  return typeof networkMode !== 'string' || !networkMode.startsWith('container:');
}

/** The create body with Shoal's resolvers and without the cluster-scoped aliases (a copy). */
export function withClusterDns(body: Json, resolvers: readonly string[]): Json {
  if (resolvers.length === 0) return body;
  const out: Json = { ...body };
  const hc: Json = { ...(obj(body['HostConfig']) ?? {}) };
  const labels: Record<string, string> = { ...((obj(body['Labels']) as Record<string, string>) ?? {}) };
  if (ownsResolvConf(hc['NetworkMode'])) {
    const own = Array.isArray(hc['Dns']) ? hc['Dns'].filter((d): d is string => typeof d === 'string') : [];
    if (own.length > 0) labels[LABELS.upstream] = own.join(',');
    hc['Dns'] = [...resolvers];
  }
  out['HostConfig'] = hc;
  out['Labels'] = labels;
  const service = labels[LABELS.composeService];
  const nc = obj(body['NetworkingConfig']);
  const eps = obj(nc?.['EndpointsConfig']);
  if (service && eps) {
    const stripped: Json = {};
    for (const [net, ep] of Object.entries(eps)) stripped[net] = withoutAlias(obj(ep), service);
    out['NetworkingConfig'] = { ...nc, EndpointsConfig: stripped };
  }
  return out;
}

/** An endpoint config without the alias (`network connect`'s EndpointConfig, or one of a create's). */
export function withoutAlias(endpoint: Json | undefined, alias: string): Json | null {
  if (!endpoint) return null;
  const aliases = endpoint['Aliases'];
  if (!Array.isArray(aliases)) return endpoint;
  return { ...endpoint, Aliases: aliases.filter((a) => a !== alias) };
}

/** An inspect answer with the Compose service alias shown on every network again, as the engine would. */
export function withHeldAliases(inspect: Json): void {
  const labels = obj(obj(inspect['Config'])?.['Labels']);
  const service = labels?.[LABELS.composeService];
  const networks = obj(obj(inspect['NetworkSettings'])?.['Networks']);
  if (typeof service !== 'string' || !networks) return;
  for (const ep of Object.values(networks)) {
    const e = obj(ep);
    if (!e) continue;
    const aliases = Array.isArray(e['Aliases']) ? (e['Aliases'] as unknown[]) : [];
    if (!aliases.includes(service)) e['Aliases'] = [service, ...aliases];
  }
}
