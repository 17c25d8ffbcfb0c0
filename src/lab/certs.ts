// Test certificates made with openssl: a CA, then one directory per holder with ca.pem, cert.pem, key.pem
// (the layout DOCKER_CERT_PATH and dockerd's --tlscacert/--tlscert/--tlskey expect).
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabLayout } from './layout.js';
import { run } from './run.js';

export interface Ca {
  dir: string;
  cert: string;
  key: string;
}

export interface CertFiles {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

export interface CertSpec {
  /** Directory name under the CA's directory, and the certificate's CN. */
  name: string;
  /** serverAuth (engines), clientAuth (CLI users), or both (Shoal: server at the front, client to engines). */
  usage: 'server' | 'client' | 'both';
  ips?: string[];
  dns?: string[];
}

const DAYS = '30';
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function makeCa(dir: string, cn = 'Shoal test CA'): Promise<Ca> {
  await mkdir(dir, { recursive: true });
  const ca = { dir, cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') };
  await run('openssl', [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    DAYS,
    '-subj',
    `/CN=${cn}`,
  ]);
  return ca;
}

/** A key and a certificate signed by the CA, in <ca dir>/<name>/ with a copy of the CA certificate. */
export async function issueCert(ca: Ca, spec: CertSpec): Promise<CertFiles> {
  const dir = join(ca.dir, spec.name);
  await mkdir(dir, { recursive: true });
  const files = { dir, ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const csr = join(dir, 'req.csr');
  const ext = join(dir, 'ext.cnf');
  const usage = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[spec.usage];
  const sans = [...(spec.ips ?? []).map((ip) => `IP:${ip}`), ...(spec.dns ?? []).map((d) => `DNS:${d}`)];
  await writeFile(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usage}`,
      ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : []),
    ].join('\n') + '\n',
  );
  await run('openssl', [
    'req',
    '-new',
    ...EC,
    '-keyout',
    files.key,
    '-out',
    csr,
    '-subj',
    `/CN=${spec.name}`,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    // A random serial: no shared serial file, so certificates can be issued in parallel.
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    DAYS,
    '-extfile',
    ext,
    '-out',
    files.cert,
  ]);
  await copyFile(ca.cert, files.ca);
  await rm(csr);
  await rm(ext);
  return files;
}

/** Where a TLS lab keeps its certificates: a server one per node, Shoal's, and a CLI user's. */
export function labCertDirs(lab: LabLayout): { manager: string; client: string } {
  const dir = lab.tlsDir ?? join(lab.dir, 'tls');
  return { manager: join(dir, 'manager'), client: join(dir, 'client') };
}

/** Certificates for a TLS lab: node-i valid for its IP, Shoal's for 127.0.0.1 (server and client). */
export async function makeLabCerts(lab: LabLayout): Promise<void> {
  if (!lab.tlsDir) return;
  const ca = await makeCa(lab.tlsDir, `Shoal lab ${lab.name} CA`);
  await Promise.all([
    ...lab.nodes.map((n) => issueCert(ca, { name: n.name, usage: 'server', ips: [n.ip] })),
    issueCert(ca, { name: 'manager', usage: 'both', ips: ['127.0.0.1'], dns: ['localhost'] }),
    issueCert(ca, { name: 'client', usage: 'client' }),
  ]);
}
