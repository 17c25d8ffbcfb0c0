// `GET /nodes?filters=`: the keys Docker accepts for nodes, with swarmkit's matching (name and id are
// prefixes, label matches the engine's labels, node.label the node's own, `k=` only asks for the key).
import type { FilterArgs } from '../docker/filters.js';
import { ApiError } from '../errors.js';
import type { DockerNode } from './node-object.js';

const ACCEPTED = ['name', 'id', 'label', 'role', 'membership', 'node.label'];
const ROLES = ['worker', 'manager'];
const MEMBERSHIPS = ['accepted', 'pending'];

/** A predicate for the filters; an unknown key, role or membership is a 400 with Docker's text. */
export function nodeFilter(filters: FilterArgs): (n: DockerNode) => boolean {
  filters.validate(ACCEPTED);
  const roles = choices(filters.values('role'), ROLES, 'role');
  const memberships = choices(filters.values('membership'), MEMBERSHIPS, 'membership');
  const names = filters.values('name');
  const ids = filters.values('id');
  const labels = filters.values('label');
  const nodeLabels = filters.values('node.label');
  return (n) =>
    anyPrefix(ids, n.ID) &&
    (names.length === 0 ||
      names.some((p) => n.Description.Hostname.startsWith(p) || n.Spec.Name?.startsWith(p))) &&
    matchLabels(n.Description.Engine.Labels, labels) &&
    matchLabels(n.Spec.Labels, nodeLabels) &&
    (roles.length === 0 || roles.includes(n.Spec.Role)) &&
    // Every node of the pool is accepted: engines join through discovery, never by a pending request.
    (memberships.length === 0 || memberships.includes('accepted'));
}

function choices(values: string[], known: string[], what: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === '') continue;
    if (!known.includes(v.toLowerCase())) throw ApiError.invalid(`Invalid ${what} filter: '${v}'`);
    out.push(v.toLowerCase());
  }
  return out;
}

function anyPrefix(prefixes: string[], id: string): boolean {
  return prefixes.length === 0 || prefixes.some((p) => id.startsWith(p));
}

/** Every `k` or `k=v` holds: `k` (or `k=`) asks only that the key exists. */
function matchLabels(have: Record<string, string>, wanted: string[]): boolean {
  for (const w of wanted) {
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    const value = eq < 0 ? '' : w.slice(eq + 1);
    if (!Object.hasOwn(have, key)) return false;
    if (value !== '' && have[key] !== value) return false;
  }
  return true;
}
