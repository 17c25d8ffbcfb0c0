// The built `shoal` command itself: flags, version, and `shoal manage` serving the CLI until Ctrl-C.
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { docker, lab } from './support.js';

const CLI = 'dist/src/cli.js';

function shoal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

it('is built (the test command builds before it runs the suites)', () => {
  expect(existsSync(CLI)).toBe(true);
});

it('prints its version and refuses bad flags with classic texts', async () => {
  expect((await shoal(['--version'])).stdout).toMatch(/^shoal version \d+\.\d+\.\d+ \(.+\)\n$/);
  const bad = await shoal(['manage', '--engine-failure-retry', '0', '127.0.0.1:1']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('level=fatal msg="invalid failure retry count"');
  const none = await shoal(['manage']);
  expect(none.stderr).toContain("discovery required to manage a cluster. See 'shoal manage --help'.");
  expect((await shoal(['manage', '--help'])).stdout).toContain('--engine-refresh-min-interval');
});

it('shoal manage serves the Docker CLI and stops cleanly on SIGINT', async () => {
  const nodes = lab().nodes.map((n) => n.addr);
  const child = spawn('node', [CLI, 'manage', '-H', 'tcp://127.0.0.1:0', nodes.join(',')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 15_000;
  while (
    !/Registered Engine[\s\S]*Registered Engine[\s\S]*Registered Engine/.test(log) &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /Listening for HTTP on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
  expect(url).toBeDefined();
  const info = await docker(url ?? '', ['info', '--format', '{{.ServerVersion}} {{len .SystemStatus}}']);
  expect(info.stdout).toMatch(/^swarm\/1\.2\.9\+shoal\.\d+\.\d+\.\d+ \d+\n$/);
  const run = await docker(url ?? '', ['run', '--rm', 'busybox:local', 'echo', 'from the binary']);
  expect(run.stdout).toBe('from the binary\n');
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
});
