// Issue 3's figures: `docker-compose up -d` of the web-worker-cache example through Shoal (3 engines)
// versus against one engine directly, and a pull fanned out to 3 engines versus a pull on one.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistry } from '../src/lab/registry.js';
import { startManager } from './children.js';
import { benchLab } from './lab.js';
import { benchStoreArgs } from './store.js';

function run(cmd: string, args: string[], host: string, cwd?: string): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, DOCKER_HOST: host }, timeout: 300_000 },
      (err, _out, stderr) => {
        if (err) fail(new Error(`${cmd} ${args.join(' ')} (${host}): ${stderr || err.message}`));
        else done(Number(process.hrtime.bigint() - t0) / 1e6);
      },
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function runComposeBench(): Promise<void> {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say('\n== Compose and pulls: through Shoal (3 engines) vs one engine directly ==');
  const lab = await benchLab();
  const registry = await startRegistry(lab);
  const addrs = lab.nodes.map((n) => n.addr).join(',');
  const shoal = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', addrs], 3);
  const viaShoal = `tcp://127.0.0.1:${shoal.port}`;
  const direct = `tcp://${lab.nodes[0]?.addr ?? ''}`;
  const dir = resolve('compose-examples/web-worker-cache');
  try {
    const times: Record<string, number[]> = { shoal: [], direct: [] };
    for (let i = 0; i < 3; i++) {
      for (const [label, host] of [
        ['shoal', viaShoal],
        ['direct', direct],
      ] as const) {
        times[label]?.push(await run('docker-compose', ['-p', `bench${i}`, 'up', '-d'], host, dir));
        await run('docker-compose', ['-p', `bench${i}`, 'down', '-v', '-t', '1'], host, dir);
      }
    }
    const s = median(times['shoal'] ?? []);
    const d = median(times['direct'] ?? []);
    say(
      `  docker-compose up -d (web + cache + worker, network, volume), median of 3: Shoal ${s.toFixed(0)} ms, one engine ${d.toFixed(0)} ms (×${(s / d).toFixed(2)})`,
    );
    // An image with a 10 MB layer of its own, so every pull really downloads it.
    const ref = `${registry.addr}/bench/blob:1`;
    const ctx = mkdtempSync(join(tmpdir(), 'shoal-bench-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox:local\nRUN head -c 10000000 /dev/urandom > /blob\n');
    await run('/usr/local/bin/docker', ['build', '-q', '-t', ref, ctx], direct);
    await run('/usr/local/bin/docker', ['push', ref], direct);
    const pulls: Record<string, number[]> = { shoal: [], direct: [] };
    for (let i = 0; i < 3; i++) {
      for (const [label, host] of [
        ['shoal', viaShoal],
        ['direct', direct],
      ] as const) {
        await Promise.all(
          lab.nodes.map((n) =>
            run('/usr/local/bin/docker', ['rmi', ref], `unix://${n.socket}`).catch(() => 0),
          ),
        );
        pulls[label]?.push(await run('/usr/local/bin/docker', ['pull', ref], host));
      }
    }
    const ps = median(pulls['shoal'] ?? []);
    const pd = median(pulls['direct'] ?? []);
    say(
      `  docker pull of a 10 MB layer from the lab registry, median of 3: onto 3 engines through Shoal ${ps.toFixed(0)} ms, onto one engine directly ${pd.toFixed(0)} ms (×${(ps / pd).toFixed(2)})`,
    );
  } finally {
    await shoal.stop();
    await registry.stop();
  }
}
