// `shoal join` and `shoal list`: their flags, classic's defaults and error texts.
import {
  durationValue,
  keyValues,
  list,
  parseFlags,
  str,
  UsageError,
  withFallbacks,
  type FlagSpec,
} from './flags.js';

export const JOIN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'advertise',
    aliases: ['addr'],
    kind: 'string',
    default: '',
    env: 'SWARM_ADVERTISE',
    usage: 'address of the Docker Engine joining the cluster (ip:port)',
  },
  { name: 'heartbeat', kind: 'string', default: '60s', usage: 'period between each heartbeat' },
  { name: 'ttl', kind: 'string', default: '180s', usage: 'set the expiration of an ephemeral node' },
  {
    name: 'delay',
    kind: 'string',
    default: '0s',
    usage: 'add a random delay in [0s,delay[ to avoid synchronized registration',
  },
  { name: 'discovery-opt', kind: 'list', default: [], usage: 'discovery options' },
  { name: 'discovery', kind: 'string', env: 'SWARM_DISCOVERY', usage: 'discovery URL' },
];

export const LIST_FLAGS: readonly FlagSpec[] = [
  { name: 'timeout', kind: 'string', default: '10s', usage: 'timeout period' },
  { name: 'discovery-opt', kind: 'list', default: [], usage: 'discovery options' },
  { name: 'discovery', kind: 'string', env: 'SWARM_DISCOVERY', usage: 'discovery URL' },
];

export interface JoinConfig {
  advertise: string;
  heartbeatMs: number;
  ttlMs: number;
  delayMs: number;
  discovery: string;
  discoveryOpts: Record<string, string>;
}

export interface ListConfig {
  timeoutMs: number;
  discovery: string;
  discoveryOpts: Record<string, string>;
}

/** `host:port` with a port in 1–65535, as classic checked --advertise. */
export function checkAdvertise(addr: string): string {
  const colon = addr.lastIndexOf(':');
  const host = colon < 0 ? '' : addr.slice(0, colon);
  const port = colon < 0 ? '' : addr.slice(colon + 1);
  const n = Number(port);
  if (host === '' || !/^\d+$/.test(port) || n < 1 || n > 65535) {
    throw new UsageError('--advertise should be of the form ip:port or hostname:port');
  }
  return addr;
}

function discoveryOf(positional: string[], values: Map<string, unknown>, command: string): string {
  if (positional.length > 1) throw new UsageError(`too many arguments: ${positional.join(' ')}`);
  const d = positional[0] ?? str(values as never, 'discovery');
  if (d === '') throw new UsageError(`discovery required to ${command}. See 'shoal ${command} --help'.`);
  return d;
}

export function parseJoinArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): JoinConfig {
  const parsed = parseFlags(argv, JOIN_FLAGS);
  const v = withFallbacks(parsed, JOIN_FLAGS, env);
  const discovery = discoveryOf(parsed.positional, v, 'join');
  const advertise = str(v, 'advertise');
  if (advertise === '') throw new UsageError('missing mandatory --advertise flag');
  checkAdvertise(advertise);
  const heartbeatMs = durationValue(v, 'heartbeat');
  if (heartbeatMs < 1000) throw new UsageError('--heartbeat should be at least one second');
  const ttlMs = durationValue(v, 'ttl');
  if (ttlMs <= heartbeatMs) throw new UsageError('--ttl must be strictly superior to the heartbeat value');
  const delayMs = durationValue(v, 'delay');
  if (delayMs < 0) throw new UsageError('--delay should not be a negative number');
  return {
    advertise,
    heartbeatMs,
    ttlMs,
    delayMs,
    discovery,
    discoveryOpts: keyValues(list(v, 'discovery-opt'), '--discovery-opt'),
  };
}

export function parseListArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ListConfig {
  const parsed = parseFlags(argv, LIST_FLAGS);
  const v = withFallbacks(parsed, LIST_FLAGS, env);
  const discovery = discoveryOf(parsed.positional, v, 'list');
  const timeoutMs = durationValue(v, 'timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout should be a positive number');
  return { timeoutMs, discovery, discoveryOpts: keyValues(list(v, 'discovery-opt'), '--discovery-opt') };
}
