// Images through Shoal on 3 real engines and a real registry: list, pull, push, tag, rmi, save/load,
// import, history, commit, build steered by build-arg constraints.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryAddr } from '../../src/lab/registry.js';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';
useShoal((s) => (S = s.host));

const idsOn = async (ref: string) =>
  Promise.all(
    lab().nodes.map(async (_n, i) =>
      (await docker(engineHost(i), ['images', '-q', '--no-trunc', ref])).stdout.trim(),
    ),
  );

describe('images', () => {
  it('lists each image once with its tags merged, and filters by node', async () => {
    await docker(engineHost(2), ['tag', 'busybox:local', 'only-two:1']);
    await until('tag seen', async () => (await docker(S, ['images', '-q', 'only-two:1'])).stdout !== '');
    const all = (await docker(S, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout;
    expect(all.match(/^busybox:local /gm)).toHaveLength(1);
    const onTwo = (
      await docker(S, ['images', '--filter', 'node=node-2', '--format', '{{.Repository}}:{{.Tag}}'])
    ).stdout;
    const onOne = (
      await docker(S, ['images', '--filter', 'node=node-1', '--format', '{{.Repository}}:{{.Tag}}'])
    ).stdout;
    expect(onTwo).toContain('only-two:1');
    expect(onOne).not.toContain('only-two:1');
    expect((await docker(S, ['images', '--filter', 'reference=only-tw*', '-q'])).stdout.trim()).toMatch(
      /^[0-9a-f]{12}$/,
    );
    expect((await docker(S, ['rmi', 'only-two:1'])).stdout).toContain('Untagged: only-two:1');
  });

  it('pushes from the engine that has the image and pulls onto every engine', async () => {
    const reg = registryAddr(lab());
    const ref = `${reg}/shoal/busybox:e2e`;
    expect((await docker(S, ['tag', 'busybox:local', ref])).code).toBe(0);
    expect(new Set(await idsOn(ref)).size).toBe(1);
    const push = await docker(S, ['push', ref]);
    expect(push.code, push.stderr).toBe(0);
    expect((await docker(S, ['rmi', ref])).code).toBe(0);
    expect((await idsOn(ref)).every((id) => id === '')).toBe(true);
    const pull = await docker(S, ['pull', ref]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/node-0: Pulling .*/);
    const ids = await idsOn(ref);
    expect(ids.every((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(1);
    const missing = await docker(S, ['pull', `${reg}/shoal/nothing:here`]);
    // Every engine refuses it outright: the client gets that refusal, as from one engine.
    const direct = await docker(engineHost(0), ['pull', `${reg}/shoal/nothing:here`]);
    expect(missing.code).toBe(1);
    expect([missing.code, missing.stderr]).toEqual([direct.code, direct.stderr]);
  });

  it('save and load, import (one ID everywhere), history, commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-img-'));
    expect((await docker(S, ['tag', 'busybox:local', 'saved:1'])).code).toBe(0);
    expect((await docker(S, ['save', '-o', join(dir, 'saved.tar'), 'saved:1'])).code).toBe(0);
    await docker(S, ['rmi', 'saved:1']);
    const load = await docker(S, ['load', '-i', join(dir, 'saved.tar')]);
    expect(load.code, load.stderr).toBe(0);
    expect(new Set(await idsOn('saved:1')).size).toBe(1);
    await docker(S, ['run', '--name', 'exp', 'busybox:local', 'sh', '-c', 'echo exported > /e']);
    const tarFile = join(dir, 'exp.tar');
    writeFileSync(tarFile, (await docker(S, ['export', 'exp'])).raw);
    const imp = await docker(S, ['import', tarFile, 'imported:1']);
    expect(imp.code, imp.stderr).toBe(0);
    const imported = await idsOn('imported:1');
    expect(imported.every((id) => id.startsWith('sha256:'))).toBe(true);
    expect(new Set(imported).size).toBe(1);
    expect((await docker(S, ['history', 'imported:1', '--format', '{{.Comment}}'])).stdout).toContain(
      'Imported from -',
    );
    const commit = await docker(S, ['commit', 'exp', 'committed:1']);
    expect(commit.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await docker(S, ['run', '--rm', 'committed:1', 'cat', '/e'])).stdout).toBe('exported\n');
  });

  it('builds on the engine the build-arg constraint names, without passing the constraint to the build', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'shoal-build-'));
    mkdirSync(ctx, { recursive: true });
    writeFileSync(
      join(ctx, 'Dockerfile'),
      'FROM busybox:local\nARG GREETING=hi\nRUN echo $GREETING > /greeting\nCMD cat /greeting\n',
    );
    const b = await docker(S, [
      'build',
      '-t',
      'greet:e2e',
      '--build-arg',
      'GREETING=hello',
      '--build-arg',
      'constraint:node==node-1',
      ctx,
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout + b.stderr).not.toMatch(/\[Warning\] One or more build-args \[constraint/);
    const ids = await idsOn('greet:e2e');
    expect(ids[1]).toMatch(/^sha256:/);
    expect(ids[0]).toBe('');
    expect(ids[2]).toBe('');
    expect((await docker(S, ['run', '--rm', 'greet:e2e'])).stdout).toBe('hello\n');
    const history = (await docker(S, ['history', '--no-trunc', 'greet:e2e', '--format', '{{.CreatedBy}}']))
      .stdout;
    expect(history).not.toContain('constraint');
  });
});
