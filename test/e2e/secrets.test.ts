// `docker secret` and `docker config` with the real Docker CLI 28 through Shoal on 3 plain engines: create
// from stdin and from a file, ls, inspect (a secret without its data, a config with it), a service whose
// tasks read both (default and custom targets, owners and modes), the data in no inspect of the service or
// of its task containers, removal refused while in use and done once the service is gone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';
useShoal((s) => (S = s.host));

const SECRET = 's3cr3t-e2e-value';
const CONF = 'listen 8080';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const LEAKS = [SECRET, b64(SECRET)];
const dir = mkdtempSync(join(tmpdir(), 'shoal-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The IDs of a service's task containers on each engine, asked of the engines themselves. */
async function taskContainers(service: string): Promise<{ engine: number; id: string }[]> {
  const per = await Promise.all(
    lab().nodes.map(async (_n, i) => {
      const r = await docker(engineHost(i), [
        'ps',
        '-aq',
        '--filter',
        `label=com.docker.swarm.service.name=${service}`,
      ]);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((id) => ({ engine: i, id }));
    }),
  );
  return per.flat();
}

describe('docker secret and docker config', () => {
  it('create (stdin, file), ls, inspect: a secret never shows its data, a config does', async () => {
    const made = await docker(S, ['secret', 'create', '--label', 'team=db', 'db', '-'], { input: SECRET });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toMatch(/^[0-9a-z]{25}$/);
    const file = join(dir, 'app.conf');
    writeFileSync(file, CONF);
    const cfg = await docker(S, ['config', 'create', 'cfg', file]);
    expect(cfg.code, cfg.stderr).toBe(0);
    const again = await docker(S, ['secret', 'create', 'db', '-'], { input: 'x' });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('rpc error: code = AlreadyExists desc = secret db already exists');
    const ls = await docker(S, ['secret', 'ls', '--format', '{{.Name}}|{{.Labels}}']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout.trim()).toBe('db|team=db');
    const inspect = await docker(S, ['secret', 'inspect', 'db']);
    expect(inspect.code, inspect.stderr).toBe(0);
    const [obj] = JSON.parse(inspect.stdout) as { ID: string; Spec: Record<string, unknown> }[];
    expect(obj?.ID).toBe(made.stdout.trim());
    expect(obj?.Spec).toEqual({ Name: 'db', Labels: { team: 'db' } });
    for (const leak of LEAKS) expect(inspect.stdout).not.toContain(leak);
    const pretty = await docker(S, ['config', 'inspect', '--pretty', 'cfg']);
    expect(pretty.code, pretty.stderr).toBe(0);
    expect(pretty.stdout).toContain(CONF);
    const bad = await docker(S, ['secret', 'create', 'bad/name', '-'], { input: 'x' });
    expect(bad.stderr).toContain('invalid name, only 64 [a-zA-Z0-9-_.] characters allowed');
  });

  it('a service reads them in its tasks; they are in no inspect; rm is refused while it uses them', async () => {
    const create = await docker(
      S,
      [
        'service',
        'create',
        '--name',
        'app',
        '--replicas',
        '2',
        '--secret',
        'db',
        '--secret',
        'source=db,target=/etc/db.pw,uid=1000,gid=1001,mode=0400',
        '--config',
        'src=cfg,target=/etc/app.conf',
        '--init',
        '--stop-grace-period',
        '1s',
        'busybox:local',
        'sh',
        '-c',
        'cat /run/secrets/db; echo; cat /etc/app.conf; echo; ls -ln /run/secrets/db /etc/db.pw /etc/app.conf; sleep 1000',
      ],
      { timeoutMs: 90_000 },
    );
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toMatch(/verify: Service [0-9a-z]{25} converged/);
    const logs = await until('both tasks logged', async () => {
      const l = await docker(S, ['service', 'logs', '--raw', 'app']);
      return l.stdout.split(SECRET).length === 3 ? l.stdout : undefined;
    });
    process.stdout.write(`docker service logs --raw app:\n${logs}`);
    expect(logs.split(CONF).length).toBe(3);
    expect(logs).toMatch(/^-r--r--r--\s+1 0\s+0\s+\d+ .* \/run\/secrets\/db$/m);
    expect(logs).toMatch(/^-r--------\s+1 1000\s+1001\s+\d+ .* \/etc\/db\.pw$/m);
    expect(logs).toMatch(/^-r--r--r--\s+1 0\s+0\s+\d+ .* \/etc\/app\.conf$/m);
    // Neither the service nor its tasks nor their containers show the data, through Shoal or on the engines.
    const shown = [
      await docker(S, ['service', 'inspect', 'app']),
      await docker(S, ['service', 'ps', '--no-trunc', 'app']),
      await docker(S, [
        'inspect',
        ...(await docker(S, ['service', 'ps', '-q', 'app'])).stdout.split('\n').filter(Boolean),
      ]),
    ];
    const boxes = await taskContainers('app');
    expect(boxes).toHaveLength(2);
    for (const b of boxes) {
      shown.push(await docker(S, ['inspect', b.id]));
      shown.push(await docker(engineHost(b.engine), ['inspect', b.id]));
    }
    for (const r of shown) {
      expect(r.code, r.stderr).toBe(0);
      for (const leak of LEAKS) expect(r.stdout).not.toContain(leak);
    }
    const refused = await docker(S, ['secret', 'rm', 'db']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      "rpc error: code = InvalidArgument desc = secret 'db' is in use by the following service: app",
    );
    const cfgRefused = await docker(S, ['config', 'rm', 'cfg']);
    expect(cfgRefused.stderr).toContain("config 'cfg' is in use by the following service: app");
    expect((await docker(S, ['service', 'rm', 'app'])).code).toBe(0);
    const rm = await docker(S, ['secret', 'rm', 'db']);
    expect(rm.code, rm.stderr).toBe(0);
    expect((await docker(S, ['config', 'rm', 'cfg'])).code).toBe(0);
    expect((await docker(S, ['secret', 'ls', '-q'])).stdout.trim()).toBe('');
  });

  it('refuses a service that names a secret that does not exist, as the CLI and the engine do', async () => {
    const r = await docker(S, ['service', 'create', '-d', '--secret', 'nope', 'busybox:local', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('secret not found: nope');
  });
});
