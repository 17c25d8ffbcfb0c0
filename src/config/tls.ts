// TLS for `shoal manage`: classic's --tls/--tlsverify rules and texts, engine overrides, the listen rule.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { bool, str, UsageError, type FlagSpec, type FlagValue } from './flags.js';
import type { ListenAddr } from './listen.js';

export const TLS_FLAGS: readonly FlagSpec[] = [
  { name: 'tls', kind: 'bool', default: false, usage: 'use TLS; implied by --tlsverify=true' },
  {
    name: 'tlscacert',
    kind: 'string',
    usage: 'trust only remotes providing a certificate signed by the CA given here',
  },
  { name: 'tlscert', kind: 'string', usage: 'path to TLS certificate file' },
  { name: 'tlskey', kind: 'string', usage: 'path to TLS key file' },
  { name: 'tlsverify', kind: 'bool', default: false, usage: 'use TLS and verify the remote' },
  // No defaults: unset means "as the front" (see engineTls).
  { name: 'engine-tls', kind: 'bool', usage: 'talk to engines over TLS (default: as --tls)' },
  { name: 'engine-tlsverify', kind: 'bool', usage: "verify engines' certificates (default: as --tlsverify)" },
  { name: 'engine-tlscacert', kind: 'string', usage: "CA for engines' certificates (default: --tlscacert)" },
  { name: 'engine-tlscert', kind: 'string', usage: 'client certificate for engines (default: --tlscert)' },
  { name: 'engine-tlskey', kind: 'string', usage: 'client key for engines (default: --tlskey)' },
  {
    name: 'insecure-listen',
    kind: 'bool',
    default: false,
    usage:
      'allow listening on a non-loopback TCP address without TLS (anyone who reaches it gets root on the engines)',
  },
];

/** One side's TLS settings, PEM files loaded. */
export interface TlsConfig {
  /** Check the peer's certificate against `ca`: clients at the front (--tlsverify), engines behind. */
  readonly verify: boolean;
  readonly ca?: Buffer;
  /** Shoal's certificate: the server's at the front, presented as a client certificate to engines. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export interface ManageTls {
  /** The listeners; undefined: plain HTTP. */
  readonly front?: TlsConfig;
  /** Shoal → engines; undefined: plain HTTP. */
  readonly engines?: TlsConfig;
}

export const INSECURE_BIND_WARNING =
  'Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network.';

type Values = Map<string, FlagValue>;

/** The TLS part of a `shoal manage` config; throws UsageError with classic's texts. */
export function parseTls(v: Values, hosts: readonly ListenAddr[]): ManageTls {
  const front = frontTls(v);
  checkListen(hosts, front, bool(v, 'insecure-listen'));
  return { front, engines: engineTls(v, front) };
}

/** classic's manage(): --tls/--tlsverify need a key pair, --tlsverify a CA, and the files need one of them. */
function frontTls(v: Values): TlsConfig | undefined {
  const verify = bool(v, 'tlsverify');
  if (!bool(v, 'tls') && !verify) {
    if (v.has('tlscert') || v.has('tlskey') || v.has('tlscacert'))
      throw new UsageError(
        '--tlscert, --tlskey and --tlscacert require the use of either --tls or --tlsverify',
      );
    return undefined;
  }
  if (!v.has('tlscert') || !v.has('tlskey'))
    throw new UsageError('--tlscert and --tlskey must be provided when using --tls');
  if (verify && !v.has('tlscacert'))
    throw new UsageError('--tlscacert must be provided when using --tlsverify');
  return {
    verify,
    ...loadKeyPair(str(v, 'tlscert'), str(v, 'tlskey')),
    // classic read the CA only with --tlsverify; with --tls alone it is not used.
    ca: verify ? loadCa(str(v, 'tlscacert')) : undefined,
  };
}

/**
 * Engines use the front's settings (classic: the manager's certificate as client certificate, engines
 * verified with --tlsverify) unless an --engine-* flag says otherwise; engine files fall back to the front's.
 */
function engineTls(v: Values, front: TlsConfig | undefined): TlsConfig | undefined {
  const files = ['engine-tlscacert', 'engine-tlscert', 'engine-tlskey'];
  const given = (name: string) => v.get(name) as boolean | undefined;
  const verify = given('engine-tlsverify') ?? (given('engine-tls') === undefined && front?.verify === true);
  const on = verify || (given('engine-tls') ?? front !== undefined);
  if (!on) {
    if (files.some((f) => v.has(f)))
      throw new UsageError(
        '--engine-tlscert, --engine-tlskey and --engine-tlscacert require TLS to engines: use --engine-tls, --engine-tlsverify, --tls or --tlsverify',
      );
    return undefined;
  }
  if (files.every((f) => !v.has(f)) && front && (!verify || front.ca)) return { ...front, verify };
  const certPath = str(v, 'engine-tlscert') || (v.has('engine-tlskey') ? '' : str(v, 'tlscert'));
  const keyPath = str(v, 'engine-tlskey') || (v.has('engine-tlscert') ? '' : str(v, 'tlskey'));
  if ((certPath === '') !== (keyPath === ''))
    throw new UsageError('--engine-tlscert and --engine-tlskey must be provided together');
  const caPath = str(v, 'engine-tlscacert') || str(v, 'tlscacert');
  if (verify && caPath === '')
    throw new UsageError('--engine-tlscacert must be provided when using --engine-tlsverify');
  return {
    verify,
    ...(certPath ? loadKeyPair(certPath, keyPath) : {}),
    ca: verify ? loadCa(caPath) : undefined,
  };
}

/** Listening on a non-loopback TCP address without TLS gives root on every engine: only when asked. */
function checkListen(hosts: readonly ListenAddr[], front: TlsConfig | undefined, insecure: boolean): void {
  if (front || insecure) return;
  const open = hosts.filter((h) => h.proto === 'tcp' && !isLoopback(h.address));
  if (open.length === 0) return;
  throw new UsageError(
    `refusing to listen on ${open.map((h) => `tcp://${h.address}`).join(', ')} without TLS: ` +
      'anyone who can reach it gets root access on every engine. Use --tlsverify with --tlscacert, ' +
      '--tlscert and --tlskey, listen on 127.0.0.1 or a unix socket, or pass --insecure-listen if you really mean it',
  );
}

/** True for a `host:port` on 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(address: string): boolean {
  const host = address
    .slice(0, address.lastIndexOf(':'))
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Go's tls.LoadX509KeyPair, with its texts, wrapped in classic's message. */
function loadKeyPair(certPath: string, keyPath: string): { cert: Buffer; key: Buffer } {
  try {
    const cert = readGo(certPath);
    const key = readGo(keyPath);
    if (!cert.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error('tls: failed to find any PEM data in certificate input');
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1')))
      throw new Error('tls: failed to find any PEM data in key input');
    const x509 = attempt(() => new X509Certificate(cert), 'tls: failed to parse certificate');
    const pk = attempt(() => createPrivateKey(key), 'tls: failed to parse private key');
    if (!x509.checkPrivateKey(pk)) throw new Error('tls: private key does not match public key');
    return { cert, key };
  } catch (err) {
    throw new UsageError(
      `Couldn't load X509 key pair (${certPath}, ${keyPath}): ${(err as Error).message}. Key encrypted?`,
    );
  }
}

function loadCa(path: string): Buffer {
  try {
    const ca = readGo(path);
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`no PEM certificate in ${path}`);
    return ca;
  } catch (err) {
    throw new UsageError(`Couldn't read CA certificate: ${(err as Error).message}`);
  }
}

/** readFileSync with Go's error text: "open x: no such file or directory". */
function readGo(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const m = /^[A-Z]+: ([^,]+)/.exec((err as Error).message);
    throw new Error(`open ${path}: ${m?.[1] ?? (err as Error).message}`);
  }
}

function attempt<T>(fn: () => T, message: string): T {
  try {
    return fn();
  } catch {
    throw new Error(message);
  }
}

/** Node's client options for engines: the CA when verifying, the client certificate, TLS 1.2 or later. */
export function engineConnectOptions(t: TlsConfig | undefined): ConnectionOptions | undefined {
  if (!t) return undefined;
  return { ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: t.verify, minVersion: 'TLSv1.2' };
}
