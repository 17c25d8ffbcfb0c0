// `shoal manage`: its flags, classic Swarm's defaults and error texts, and the typed config they produce.
import { availableParallelism } from 'node:os';
import { LOG_LEVELS, isLogLevel, type LogFormat, type LogLevel } from '../log.js';
import { parseDuration } from './duration.js';
import { checkAdvertise } from './join.js';
import { readConfigFile } from './file.js';
import {
  bool,
  durationValue,
  keyValues,
  list,
  parseFlags,
  str,
  UsageError,
  withFallbacks,
  type FlagSpec,
} from './flags.js';
import { splitHostPort } from './host-port.js';
import { parseListenAddr, type ListenAddr } from './listen.js';
import { parseTls, TLS_FLAGS, type ManageTls } from './tls.js';

export const DEFAULT_FILTERS = [
  'health',
  'port',
  'containerslots',
  'dependency',
  'affinity',
  'constraint',
  'whitelist',
];

export const MANAGE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config',
    kind: 'string',
    usage: 'read these settings from a YAML file (keys are the long flag names)',
  },
  {
    name: 'host',
    placeholder: '[tcp://]host:port|unix:///path',
    aliases: ['H'],
    kind: 'list',
    default: ['tcp://127.0.0.1:2375'],
    env: 'SWARM_HOST',
    usage: 'ip/socket to listen on',
  },
  {
    name: 'strategy',
    placeholder: 'name|path',
    kind: 'string',
    default: 'spread',
    env: 'SWARM_STRATEGY',
    usage: 'placement strategy to use [spread, binpack, random] or a path to a strategy module',
  },
  {
    name: 'filter',
    placeholder: 'name',
    aliases: ['f'],
    kind: 'list',
    default: DEFAULT_FILTERS,
    usage: `filter to use [${DEFAULT_FILTERS.join(', ')}]`,
  },
  { name: 'heartbeat', kind: 'string', default: '60s', usage: 'period between each heartbeat' },
  {
    name: 'engine-refresh-min-interval',
    kind: 'string',
    default: '30s',
    usage: 'set engine refresh minimum interval',
  },
  {
    name: 'engine-refresh-max-interval',
    kind: 'string',
    default: '60s',
    usage: 'set engine refresh maximum interval',
  },
  {
    name: 'engine-failure-retry',
    placeholder: 'int',
    kind: 'int',
    default: '3',
    usage: 'set engine failure retry count',
  },
  {
    name: 'engine-refresh-retry',
    placeholder: 'int',
    kind: 'int',
    default: '3',
    usage: 'deprecated; replaced by --engine-failure-retry',
  },
  {
    name: 'cluster-driver',
    aliases: ['c'],
    kind: 'string',
    default: 'swarm',
    usage: 'cluster driver to use [swarm]',
  },
  {
    name: 'cluster-opt',
    placeholder: 'key=value',
    kind: 'list',
    default: [],
    usage: 'cluster driver options (swarm.overcommit=0.05, swarm.createretry=0)',
  },
  { name: 'discovery-opt', placeholder: 'key=value', kind: 'list', default: [], usage: 'discovery options' },
  { name: 'replication', kind: 'bool', default: false, usage: 'enable Shoal manager replication' },
  {
    name: 'replication-ttl',
    kind: 'string',
    default: '20s',
    usage: 'leader lock release time on failure',
  },
  {
    name: 'advertise',
    placeholder: 'ip:port',
    aliases: ['addr'],
    kind: 'string',
    default: '',
    env: 'SWARM_ADVERTISE',
    usage: 'address of this manager for the other managers (ip:port or hostname:port)',
  },
  {
    name: 'network-pool',
    placeholder: 'cidr',
    kind: 'string',
    default: '10.192.0.0/12',
    usage: "where cluster networks get each engine's /24 (unless the engine has a shoal.network-pool label)",
  },
  {
    name: 'network-paths',
    placeholder: 'mode',
    kind: 'string',
    default: 'auto',
    usage:
      'how containers on different engines reach each other: auto (direct routes between engines on one link, VXLAN otherwise), vxlan, direct, or off (the hosts route themselves)',
  },
  {
    name: 'dns-listen',
    placeholder: 'ip[:port]',
    kind: 'list',
    default: [],
    usage:
      "ip[:port] of Shoal's DNS (UDP and TCP; port 53 by default): containers are given these addresses as their resolvers, so the engines' hosts must route them to this machine (Shoal's cross-engine paths do)",
  },
  { name: 'dns-ttl', kind: 'string', default: '2s', usage: 'TTL of the DNS answers for the cluster’s names' },
  {
    name: 'dns-upstream',
    placeholder: 'ip[:port]',
    kind: 'list',
    default: [],
    usage:
      "ip[:port] of resolvers for names that are not the cluster's (default: this machine's /etc/resolv.conf)",
  },
  {
    name: 'dns-answers',
    placeholder: 'int',
    kind: 'string',
    default: '0',
    usage:
      'addresses per DNS answer: 0 for all (shuffled), 1 for one (for clients that sort answers by subnet)',
  },
  {
    name: 'dns-workers',
    placeholder: 'int|auto',
    kind: 'string',
    default: 'auto',
    usage:
      "processes that answer DNS over UDP, in batches, beside Shoal's own (0: Shoal answers itself); auto: one per core beyond the first, up to 4",
  },
  {
    name: 'ingress-listen',
    kind: 'string',
    default: '',
    usage:
      "address Shoal serves the services' published ingress ports on (default: the host of the first tcp -H, 0.0.0.0 with only unix sockets); off to serve none",
  },
  {
    name: 'metrics-listen',
    placeholder: '[host]:port',
    kind: 'string',
    default: '',
    usage:
      'also serve /metrics (Prometheus) on this address, plain HTTP without client certificates (host: 127.0.0.1 when omitted); /metrics is always on the API listeners too',
  },
  {
    name: 'api-enable-cors',
    aliases: ['cors'],
    kind: 'bool',
    default: false,
    usage: 'enable CORS headers in the remote API',
  },
  {
    name: 'refresh-on-node-filter',
    kind: 'bool',
    default: false,
    usage: 'refresh the engine before a container list with a node filter',
  },
  {
    name: 'container-name-refresh-filter',
    kind: 'string',
    default: '',
    usage: 'refresh all engines before a container list with this name filter',
  },
  {
    name: 'log-level',
    placeholder: 'level',
    aliases: ['l'],
    kind: 'string',
    default: 'info',
    usage: `log level (options: ${LOG_LEVELS.join(', ')})`,
  },
  {
    name: 'log-format',
    placeholder: 'text|json',
    kind: 'string',
    default: 'text',
    usage: "log lines as text (logrus's format, as classic Swarm) or as one JSON object each",
  },
  { name: 'debug', kind: 'bool', default: false, env: 'DEBUG', usage: 'debug mode' },
  { name: 'experimental', kind: 'bool', default: false, usage: 'enable experimental features' },
  {
    name: 'discovery',
    kind: 'string',
    env: 'SWARM_DISCOVERY',
    usage: 'discovery URL (same as the positional argument)',
  },
  ...TLS_FLAGS,
  {
    name: 'store',
    placeholder: 'url',
    kind: 'string',
    usage:
      'where the cluster state is kept: file:///path (default /var/lib/shoal/state.json as root, else ' +
      '$XDG_STATE_HOME/shoal/state.json; with --replication, Consul at the discovery prefix) or consul://h:p/prefix',
  },
  {
    name: 'secrets-key-file',
    kind: 'string',
    usage:
      'the 32-byte key (raw, hex or base64) that seals secrets in the store (default: secrets.key beside a file store, made on first use; required with a Consul store)',
  },
];

export interface ManageConfig {
  hosts: ListenAddr[];
  strategy: string;
  filters: string[];
  heartbeatMs: number;
  refreshMinMs: number;
  refreshMaxMs: number;
  failureRetry: number;
  overcommit: number;
  createRetry: number;
  /** swarm.reservestopped: stopped containers keep their CPU and memory reserved (classic's behaviour). */
  reserveStopped: boolean;
  clusterOpts: Record<string, string>;
  discovery: string;
  discoveryOpts: Record<string, string>;
  /** --replication: leader election in Consul; undefined when off. */
  replication?: { advertise: string; ttlMs: number };
  networkPool: string;
  /** --network-paths: how Shoal connects the engines' parts of cluster networks. */
  networkPaths: NetworkPathMode;
  /** The embedded DNS; undefined when --dns-listen is not given. */
  dns?: DnsConfig;
  /** Where published ingress ports are served; undefined with --ingress-listen off. */
  ingress?: { host: string };
  /** --metrics-listen: /metrics on a plain HTTP listener of its own; undefined when not given. */
  metricsListen?: { host: string; port: number };
  cors: boolean;
  refreshOnNodeFilter: boolean;
  containerNameRefreshFilter: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  experimental: boolean;
  /** --tls, --tlsverify and the --engine-tls* overrides, certificates loaded. */
  tls: ManageTls;
  /** --store: where the cluster state is kept (undefined: the default, see storeSpecFor). */
  store?: string;
  /** --secrets-key-file: the key that seals secrets (undefined: Shoal keeps one beside a file store). */
  secretsKeyFile?: string;
}

/** Parses `shoal manage` arguments (after the command name) into a validated config; throws UsageError. */
export function parseManageArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ManageConfig {
  const parsed = parseFlags(argv, MANAGE_FLAGS);
  const configPath = str(parsed.values, 'config');
  const file = configPath ? readConfigFile(configPath, MANAGE_FLAGS) : undefined;
  const v = withFallbacks(parsed, MANAGE_FLAGS, env, file);
  if (parsed.positional.length > 1)
    throw new UsageError(`too many arguments: ${parsed.positional.join(' ')}`);
  const discovery = parsed.positional[0] ?? str(v, 'discovery');
  const levelGiven = parsed.set.has('log-level') || (file?.has('log-level') ?? false);
  return validate(v, discovery, levelGiven);
}

function validate(v: ReturnType<typeof withFallbacks>, discovery: string, levelGiven: boolean): ManageConfig {
  const level = str(v, 'log-level');
  if (!isLogLevel(level)) throw new UsageError(`not a valid logrus Level: ${JSON.stringify(level)}`);
  const refreshMinMs = durationOrZero(str(v, 'engine-refresh-min-interval'));
  const refreshMaxMs = durationOrZero(str(v, 'engine-refresh-max-interval'));
  if (refreshMinMs <= 0) throw new UsageError('min refresh interval should be a positive number');
  if (refreshMaxMs < refreshMinMs)
    throw new UsageError('max refresh interval cannot be less than min refresh interval');
  if (Number(str(v, 'engine-refresh-retry')) !== 3) {
    throw new UsageError('--engine-refresh-retry is deprecated. Use --engine-failure-retry');
  }
  const failureRetry = Number(str(v, 'engine-failure-retry'));
  if (failureRetry <= 0) throw new UsageError('invalid failure retry count');
  if (discovery === '')
    throw new UsageError("discovery required to manage a cluster. See 'shoal manage --help'.");
  const heartbeatMs = durationValue(v, 'heartbeat');
  if (heartbeatMs < 1000) throw new UsageError('--heartbeat should be at least one second');
  const driver = str(v, 'cluster-driver');
  if (driver !== 'swarm') throw new UsageError(`unsupported cluster ${JSON.stringify(driver)}`);
  const clusterOpts = keyValues(list(v, 'cluster-opt'), '--cluster-opt');
  const hosts = list(v, 'host').map(parseListenAddr);
  const tls = parseTls(v, hosts);
  return {
    hosts,
    tls,
    strategy: str(v, 'strategy'),
    filters: list(v, 'filter'),
    heartbeatMs,
    refreshMinMs,
    refreshMaxMs,
    failureRetry,
    overcommit: overcommitOf(clusterOpts),
    createRetry: createRetryOf(clusterOpts),
    reserveStopped: reserveStoppedOf(clusterOpts),
    clusterOpts,
    discovery,
    discoveryOpts: keyValues(list(v, 'discovery-opt'), '--discovery-opt'),
    replication: replicationOf(v, discovery),
    networkPool: networkPoolOf(str(v, 'network-pool')),
    networkPaths: networkPathsOf(str(v, 'network-paths')),
    dns: dnsOf(v),
    ingress: ingressOf(str(v, 'ingress-listen'), hosts),
    metricsListen: metricsListenOf(str(v, 'metrics-listen')),
    cors: bool(v, 'api-enable-cors'),
    refreshOnNodeFilter: bool(v, 'refresh-on-node-filter'),
    containerNameRefreshFilter: str(v, 'container-name-refresh-filter'),
    logLevel: bool(v, 'debug') && !levelGiven ? 'debug' : level,
    logFormat: logFormatOf(str(v, 'log-format')),
    experimental: bool(v, 'experimental'),
    store: str(v, 'store') || undefined,
    secretsKeyFile: str(v, 'secrets-key-file') || undefined,
  };
}

function replicationOf(v: ReturnType<typeof withFallbacks>, discovery: string): ManageConfig['replication'] {
  if (!bool(v, 'replication')) return undefined;
  if (!discovery.startsWith('consul://'))
    throw new UsageError('Leader election is only supported with consul discovery.');
  const ttlMs = durationValue(v, 'replication-ttl');
  if (ttlMs <= 0) throw new UsageError('--replication-ttl should be a positive number');
  const advertise = str(v, 'advertise');
  if (advertise === '')
    throw new UsageError('--advertise address must be provided when using --leader-election');
  return { advertise: checkAdvertise(advertise), ttlMs };
}

/** urfave/cli's Duration(): an unparsable value reads as zero. */
function durationOrZero(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return 0;
  }
}

function overcommitOf(opts: Record<string, string>): number {
  const raw = opts['swarm.overcommit'];
  if (raw === undefined) return 0.05;
  const n = Number(raw);
  if (raw.trim() === '' || Number.isNaN(n))
    throw new UsageError(`invalid swarm.overcommit: ${JSON.stringify(raw)}`);
  if (n <= -1) throw new UsageError(`swarm.overcommit should be larger than -1, ${n.toFixed(6)} is invalid`);
  return n;
}

function createRetryOf(opts: Record<string, string>): number {
  const raw = opts['swarm.createretry'];
  if (raw === undefined) return 0;
  if (!/^[+-]?\d+$/.test(raw)) throw new UsageError(`invalid swarm.createretry: ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < 0) throw new UsageError(`swarm.createretry can not be negative, ${n} is invalid`);
  return n;
}

function logFormatOf(text: string): LogFormat {
  if (text === 'text' || text === 'json') return text;
  throw new UsageError(`invalid --log-format ${JSON.stringify(text)}: expected text or json`);
}

/** `127.0.0.1:9323`, `:9323` (loopback), `[::1]:9323`. */
function metricsListenOf(text: string): ManageConfig['metricsListen'] {
  if (text === '') return undefined;
  const bad = () => new UsageError(`invalid --metrics-listen ${JSON.stringify(text)}: expected [host]:port`);
  let host: string;
  let port: string;
  try {
    ({ host, port } = splitHostPort(text));
  } catch {
    throw bad();
  }
  const p = Number(port);
  if (port === '' || !Number.isInteger(p) || p < 0 || p > 65535) throw bad();
  return { host: host || '127.0.0.1', port: p };
}

export type NetworkPathMode = 'auto' | 'vxlan' | 'direct' | 'off';

export interface DnsConfig {
  listen: { host: string; port: number }[];
  ttlSeconds: number;
  upstreams?: { host: string; port: number }[];
  answers: number;
  /** DNS worker processes (UDP); 0: Shoal's own thread answers. */
  workers: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** `198.18.0.53`, `198.18.0.53:5353`: an IPv4 address (containers are given it), and a port. */
function dnsAddr(text: string, flag: string): { host: string; port: number } {
  const [host = '', port, ...rest] = text.split(':');
  const p = port === undefined ? 53 : Number(port);
  if (!IPV4.test(host) || rest.length > 0 || !Number.isInteger(p) || p < 0 || p > 65535)
    throw new UsageError(
      `invalid --${flag} ${JSON.stringify(text)}: expected an IPv4 address and an optional port`,
    );
  if (flag === 'dns-listen' && host === '0.0.0.0')
    throw new UsageError(
      'invalid --dns-listen 0.0.0.0: containers are given this address, so it must be one they can reach',
    );
  return { host, port: p };
}

/**
 * --dns-workers: a count from 0 to 16, or auto: one per core beyond the first, up to 4 (a worker reads in
 * batches and one outran dnsmasq on 2 cores; the first core is left to Shoal and the clients), none on one.
 */
export function dnsWorkers(text: string, cores = availableParallelism()): number {
  if (text === 'auto') return Math.min(Math.max(cores - 1, 0), 4);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 16)
    throw new UsageError(
      `invalid --dns-workers ${JSON.stringify(text)}: expected a count from 0 to 16, or auto`,
    );
  return n;
}

function dnsOf(v: ReturnType<typeof withFallbacks>): DnsConfig | undefined {
  const listen = list(v, 'dns-listen').map((a) => dnsAddr(a, 'dns-listen'));
  if (listen.length === 0) return undefined;
  const ttlMs = durationValue(v, 'dns-ttl');
  if (ttlMs < 0) throw new UsageError('--dns-ttl cannot be negative');
  const answers = Number(str(v, 'dns-answers'));
  if (answers !== 0 && answers !== 1) throw new UsageError('--dns-answers must be 0 (all) or 1');
  const upstreams = list(v, 'dns-upstream').map((a) => dnsAddr(a, 'dns-upstream'));
  return {
    listen,
    ttlSeconds: Math.round(ttlMs / 1000),
    answers,
    workers: dnsWorkers(str(v, 'dns-workers')),
    ...(upstreams.length ? { upstreams } : {}),
  };
}

/**
 * --ingress-listen: an address (IPv4, IPv6 or a name), `off`, or by default the host the API listens on
 * first, so a manager kept to loopback keeps its published ports there too.
 */
function ingressOf(text: string, hosts: readonly ListenAddr[]): { host: string } | undefined {
  if (text === 'off') return undefined;
  let host = text.trim();
  if (host === '') {
    const tcp = hosts.find((h) => h.proto === 'tcp');
    host = tcp ? tcp.address.slice(0, tcp.address.lastIndexOf(':')) : '0.0.0.0';
  }
  host = host.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || /[\s/]/.test(host))
    throw new UsageError(`invalid --ingress-listen ${JSON.stringify(text)}: expected an address or off`);
  return { host };
}

function networkPathsOf(text: string): NetworkPathMode {
  if (text === 'auto' || text === 'vxlan' || text === 'direct' || text === 'off') return text;
  throw new UsageError(
    `invalid --network-paths ${JSON.stringify(text)}: expected auto, vxlan, direct or off`,
  );
}

function networkPoolOf(text: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 24) {
    throw new UsageError(
      `invalid --network-pool ${JSON.stringify(text)}: expected an IPv4 subnet of /24 or larger`,
    );
  }
  return text;
}

function reserveStoppedOf(opts: Record<string, string>): boolean {
  const raw = opts['swarm.reservestopped'];
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new UsageError(`swarm.reservestopped must be true or false, ${JSON.stringify(raw)} is invalid`);
}
