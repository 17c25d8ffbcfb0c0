// `dependency`: --volumes-from, --link and --net container:x need the other container on the same node.
import type { ContainerSnapshot, Dependency, Filter } from '../types.js';

const FLAG: Record<Dependency['kind'], string> = {
  'volumes-from': '--volumes-from',
  link: '--link',
  net: '--net=container',
};

function holds(containers: readonly ContainerSnapshot[], ref: string): boolean {
  const name = ref.replace(/^\//, '');
  return containers.some(
    (c) => c.id !== '' && (c.id === name || c.name === name || (name.length >= 3 && c.id.startsWith(name))),
  );
}

export const dependencyFilter: Filter = {
  name: 'dependency',
  conditions: (req) =>
    req.dependencies.map((d) =>
      d.kind === 'net' ? `--net=container:${d.name}` : `${FLAG[d.kind]}=${d.name}`,
    ),
  prepare(req) {
    const deps = [...req.dependencies];
    if (deps.length === 0) return undefined;
    return (node) => deps.every((d) => holds(node.containers, d.name));
  },
  explain(node, req) {
    const d = req.dependencies.find((x) => !holds(node.containers, x.name));
    return d ? `${d.name} (${FLAG[d.kind]}) is not on this node` : 'dependency not on this node';
  },
};

/** The containers a create body depends on (names before any `:alias` or `:ro`). */
export function dependenciesOf(hostConfig: Record<string, unknown> | undefined): Dependency[] {
  const out: Dependency[] = [];
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  for (const v of list(hostConfig?.['VolumesFrom']))
    out.push({ kind: 'volumes-from', name: v.split(':')[0] ?? v });
  for (const l of list(hostConfig?.['Links']))
    out.push({ kind: 'link', name: (l.split(':')[0] ?? l).replace(/^\//, '') });
  const mode = hostConfig?.['NetworkMode'];
  if (typeof mode === 'string' && mode.startsWith('container:'))
    out.push({ kind: 'net', name: mode.slice('container:'.length) });
  return out;
}
