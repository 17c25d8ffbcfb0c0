// Swarm's per-container settings: `constraint:`, `affinity:`, `whitelist:`, `reschedule:` in the env, and
// the com.docker.swarm.* labels that carry them (and the swarm ID) with the container, across reschedules.
import { ExprError, parseExpr, type Expr } from './expr.js';

export const SWARM_LABELS = {
  id: 'com.docker.swarm.id',
  constraints: 'com.docker.swarm.constraints',
  affinities: 'com.docker.swarm.affinities',
  whitelists: 'com.docker.swarm.whitelists',
  reschedule: 'com.docker.swarm.reschedule-policies',
} as const;

export type ReschedulePolicy = 'off' | 'on-node-failure';

export interface SwarmConfig {
  constraints: Expr[];
  affinities: Expr[];
  whitelists: Expr[];
  reschedule: ReschedulePolicy;
  swarmId: string;
  /** What was ignored, for the create answer's `Warnings` (a label that is not a JSON list, as classic ignored). */
  warnings: string[];
}

export class SwarmConfigError extends Error {
  override name = 'SwarmConfigError';
}

const ENV_KEYS = {
  constraint: 'constraints',
  affinity: 'affinities',
  whitelist: 'whitelists',
  reschedule: 'reschedule',
} as const;
type EnvKey = keyof typeof ENV_KEYS;

/** A label's JSON list of expressions; undefined when it is not one. */
function labelList(labels: Record<string, string>, key: string): string[] | undefined {
  const raw = labels[key];
  if (raw === undefined || raw === '') return [];
  try {
    const v = JSON.parse(raw) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // not JSON
  }
  return undefined;
}

/** Classic ignored a label it could not read; Shoal does too, and says so in the create answer. */
function readLabelList(labels: Record<string, string>, key: string, warnings: string[]): string[] {
  const list = labelList(labels, key);
  if (list) return list;
  warnings.push(
    `label ${key} was ignored: it must be a JSON array of strings, got ${JSON.stringify(labels[key])}`,
  );
  return [];
}

function parseAll(filter: string, texts: string[]): Expr[] {
  return texts.map((t) => {
    try {
      return parseExpr(t);
    } catch (err) {
      throw new SwarmConfigError(`error from ${filter} filter: ${(err as ExprError).message}`);
    }
  });
}

/**
 * Reads the swarm settings of a create body and rewrites the body: the env entries are removed and merged
 * into the labels (so they stay with the container), and a swarm ID is assigned when there is none.
 */
export function extractSwarmConfig(body: Record<string, unknown>, newId: () => string): SwarmConfig {
  const env = Array.isArray(body['Env']) ? (body['Env'] as string[]) : [];
  const labels = { ...((body['Labels'] as Record<string, string> | null | undefined) ?? {}) };
  const warnings: string[] = [];
  const lists: Record<(typeof ENV_KEYS)[EnvKey], string[]> = {
    constraints: readLabelList(labels, SWARM_LABELS.constraints, warnings),
    affinities: readLabelList(labels, SWARM_LABELS.affinities, warnings),
    whitelists: readLabelList(labels, SWARM_LABELS.whitelists, warnings),
    reschedule: readLabelList(labels, SWARM_LABELS.reschedule, warnings),
  };
  const keptEnv: string[] = [];
  for (const entry of env) {
    const colon = entry.indexOf(':');
    const key = (colon > 0 ? entry.slice(0, colon) : '') as EnvKey;
    if (colon > 0 && key in ENV_KEYS && !entry.slice(0, colon).includes('='))
      lists[ENV_KEYS[key]].push(entry.slice(colon + 1));
    else keptEnv.push(entry);
  }
  if (lists.reschedule.length > 1) throw new SwarmConfigError('too many reschedule policies');
  const policy = lists.reschedule[0] ?? 'off';
  if (policy !== 'off' && policy !== 'on-node-failure')
    throw new SwarmConfigError(`invalid reschedule policy: ${policy}`);
  const config: SwarmConfig = {
    constraints: parseAll('constraint', lists.constraints),
    affinities: parseAll('affinity', lists.affinities),
    whitelists: parseAll('whitelist', lists.whitelists),
    reschedule: policy,
    swarmId: labels[SWARM_LABELS.id] || newId(),
    warnings,
  };
  labels[SWARM_LABELS.id] = config.swarmId;
  const write = (key: string, list: string[]) => {
    if (list.length > 0) labels[key] = JSON.stringify(list);
  };
  write(SWARM_LABELS.constraints, lists.constraints);
  write(SWARM_LABELS.affinities, lists.affinities);
  write(SWARM_LABELS.whitelists, lists.whitelists);
  write(SWARM_LABELS.reschedule, lists.reschedule);
  if (Array.isArray(body['Env'])) body['Env'] = keptEnv;
  body['Labels'] = labels;
  return config;
}

/** The reschedule policy recorded on an existing container's labels. */
export function reschedulePolicyOf(labels: Record<string, string> | null | undefined): ReschedulePolicy {
  return labelList(labels ?? {}, SWARM_LABELS.reschedule)?.[0] === 'on-node-failure'
    ? 'on-node-failure'
    : 'off';
}
