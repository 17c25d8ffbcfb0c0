import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { engineConnectOptions, isLoopback } from '../../src/config/tls.js';
import { issueCert, makeCa, type CertFiles } from '../../src/lab/certs.js';
import { run } from '../../src/lab/run.js';

const parse = (...args: string[]) => parseManageArgs([...args, 'nodes://a:1'], {});

let m: CertFiles; // Shoal's certificate, CA 1
let other: CertFiles; // another holder's, CA 1 (its key does not match m's certificate)
let e: CertFiles; // Shoal's client certificate for engines, CA 2
let encryptedKey = '';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-tls-'));
  const ca = await makeCa(join(dir, 'ca1'));
  const ca2 = await makeCa(join(dir, 'ca2'), 'engines CA');
  [m, other, e] = await Promise.all([
    issueCert(ca, { name: 'manager', usage: 'both', ips: ['127.0.0.1'] }),
    issueCert(ca, { name: 'other', usage: 'client' }),
    issueCert(ca2, { name: 'shoal', usage: 'client' }),
  ]);
  encryptedKey = join(dir, 'encrypted.pem');
  await run('openssl', ['pkey', '-in', m.key, '-aes256', '-passout', 'pass:secret', '-out', encryptedKey]);
});

describe('front TLS flags (classic rules and texts)', () => {
  it('is off by default: plain HTTP at the front and to engines', () => {
    expect(parse().tls).toEqual({ front: undefined, engines: undefined });
  });

  it.each([
    [['--tls'], '--tlscert and --tlskey must be provided when using --tls'],
    [['--tlsverify'], '--tlscert and --tlskey must be provided when using --tls'],
    [['--tls', '--tlscert', 'c.pem'], '--tlscert and --tlskey must be provided when using --tls'],
    [
      ['--tlscert', 'c.pem'],
      '--tlscert, --tlskey and --tlscacert require the use of either --tls or --tlsverify',
    ],
    [
      ['--tlscacert', 'ca.pem'],
      '--tlscert, --tlskey and --tlscacert require the use of either --tls or --tlsverify',
    ],
    [
      ['--tls=false', '--tlskey', 'k.pem'],
      '--tlscert, --tlskey and --tlscacert require the use of either --tls or --tlsverify',
    ],
  ])('%j fails: %s', (args, message) => {
    expect(() => parse(...args)).toThrow(message);
  });

  it('--tlsverify needs --tlscacert', () => {
    expect(() => parse('--tlsverify', '--tlscert', m.cert, '--tlskey', m.key)).toThrow(
      '--tlscacert must be provided when using --tlsverify',
    );
  });

  it('--tlsverify implies --tls, verifies clients and engines against the CA, one config for both', () => {
    const { tls } = parse('--tlsverify', '--tlscacert', m.ca, '--tlscert', m.cert, '--tlskey', m.key);
    expect(tls.front?.verify).toBe(true);
    expect(tls.front?.ca).toEqual(readFileSync(m.ca));
    expect(tls.front?.cert).toEqual(readFileSync(m.cert));
    expect(tls.front?.key).toEqual(readFileSync(m.key));
    expect(tls.engines).toEqual(tls.front);
  });

  it('--tls alone: no client verification, engines not verified (classic InsecureSkipVerify)', () => {
    const { tls } = parse('--tls', '--tlscert', m.cert, '--tlskey', m.key, '--tlscacert', m.ca);
    expect(tls.front).toMatchObject({ verify: false, ca: undefined });
    expect(tls.engines).toMatchObject({ verify: false, cert: readFileSync(m.cert) });
    expect(engineConnectOptions(tls.engines)).toMatchObject({
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
  });

  it('reads the same flags from the YAML file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shoal-tls-')), 'shoal.yaml');
    writeFileSync(file, `tlsverify: true\ntlscacert: ${m.ca}\ntlscert: ${m.cert}\ntlskey: ${m.key}\n`);
    expect(parse('--config', file).tls.front?.verify).toBe(true);
  });

  it.each([
    [
      'a missing certificate',
      () => ['/nonexistent/cert.pem', m.key],
      'open /nonexistent/cert.pem: no such file or directory',
    ],
    ['a key that is not PEM', () => [m.cert, m.ca], 'tls: failed to find any PEM data in key input'],
    [
      'a certificate that is not PEM',
      () => [m.key, m.key],
      'tls: failed to find any PEM data in certificate input',
    ],
    ['a key of another certificate', () => [m.cert, other.key], 'tls: private key does not match public key'],
    ['an encrypted key', () => [m.cert, encryptedKey], 'tls: failed to parse private key'],
  ])('a bad key pair (%s) fails with classic text', (_what, files, cause) => {
    const [cert = '', key = ''] = files();
    expect(() => parse('--tls', '--tlscert', cert, '--tlskey', key)).toThrow(
      `Couldn't load X509 key pair (${cert}, ${key}): ${cause}. Key encrypted?`,
    );
  });

  it('an unreadable CA fails with classic text', () => {
    expect(() =>
      parse('--tlsverify', '--tlscacert', '/nonexistent/ca.pem', '--tlscert', m.cert, '--tlskey', m.key),
    ).toThrow("Couldn't read CA certificate: open /nonexistent/ca.pem: no such file or directory");
    expect(() => parse('--tlsverify', '--tlscacert', m.key, '--tlscert', m.cert, '--tlskey', m.key)).toThrow(
      `Couldn't read CA certificate: no PEM certificate in ${m.key}`,
    );
  });
});

describe('engine TLS flags', () => {
  const front = () => ['--tlsverify', '--tlscacert', m.ca, '--tlscert', m.cert, '--tlskey', m.key];

  it('engines get their own CA and client certificate', () => {
    const { tls } = parse(
      ...front(),
      '--engine-tlscacert',
      e.ca,
      '--engine-tlscert',
      e.cert,
      '--engine-tlskey',
      e.key,
    );
    expect(tls.front?.cert).toEqual(readFileSync(m.cert));
    expect(tls.engines).toEqual({
      verify: true,
      ca: readFileSync(e.ca),
      cert: readFileSync(e.cert),
      key: readFileSync(e.key),
    });
  });

  it("an engine file not given falls back to the front's", () => {
    const { tls } = parse(...front(), '--engine-tlscacert', e.ca);
    expect(tls.engines).toMatchObject({ verify: true, ca: readFileSync(e.ca), cert: readFileSync(m.cert) });
  });

  it('--engine-tls=false: plain engines behind a TLS front', () => {
    const { tls } = parse(...front(), '--engine-tls=false');
    expect(tls.front?.verify).toBe(true);
    expect(tls.engines).toBeUndefined();
  });

  it('--engine-tlsverify=false: TLS engines, not verified', () => {
    expect(parse(...front(), '--engine-tlsverify=false').tls.engines).toMatchObject({ verify: false });
  });

  it('TLS engines behind a plain front (on loopback)', () => {
    const { tls } = parse(
      '--engine-tlsverify',
      '--engine-tlscacert',
      e.ca,
      '--engine-tlscert',
      e.cert,
      '--engine-tlskey',
      e.key,
    );
    expect(tls.front).toBeUndefined();
    expect(tls.engines?.verify).toBe(true);
    expect(parse('--engine-tls').tls.engines).toEqual({ verify: false, ca: undefined });
  });

  it.each([
    [
      ['--engine-tlscert', 'c.pem'],
      '--engine-tlscert, --engine-tlskey and --engine-tlscacert require TLS to engines: use --engine-tls, --engine-tlsverify, --tls or --tlsverify',
    ],
    [
      ['--engine-tls', '--engine-tlscert', 'c.pem'],
      '--engine-tlscert and --engine-tlskey must be provided together',
    ],
    [['--engine-tlsverify'], '--engine-tlscacert must be provided when using --engine-tlsverify'],
  ])('%j fails: %s', (args, message) => {
    expect(() => parse(...args)).toThrow(message);
  });
});

describe('listening', () => {
  it.each([
    'tcp://0.0.0.0:2375',
    ':2375',
    'tcp://198.18.0.1:2375',
    'tcp://[::]:2375',
    'tcp://shoal.example:2375',
  ])('refuses %s without TLS unless --insecure-listen', (host) => {
    expect(() => parse('-H', host)).toThrow(/without TLS: .*--tlsverify.*--insecure-listen/);
    expect(parse('-H', host, '--insecure-listen').hosts).toHaveLength(1);
  });

  it.each([
    'tcp://127.0.0.1:2375',
    '127.0.0.5:1',
    'tcp://localhost:2375',
    'tcp://[::1]:2375',
    'unix:///tmp/s.sock',
  ])('listens on %s without TLS', (host) => {
    expect(parse('-H', host).hosts).toHaveLength(1);
  });

  it('listens anywhere with TLS', () => {
    const c = parse('-H', 'tcp://0.0.0.0:3376', '--tls', '--tlscert', m.cert, '--tlskey', m.key);
    expect(c.hosts).toEqual([{ proto: 'tcp', address: '0.0.0.0:3376' }]);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1:1', '[::1]:1', 'LOCALHOST:1', '[::ffff:127.0.0.1]:1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0:1', '[::]:1', '128.0.0.1:1', 'localhost.evil:1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
