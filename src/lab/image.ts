// A busybox image made here (no registry is reachable): a docker-save tarball, loaded into every engine,
// so the image has the same ID on every engine.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.js';

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'];
export const LAB_IMAGE_TAGS = ['busybox:local', 'busybox:latest'];

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function buildRootfs(root: string): Promise<void> {
  const busybox = BUSYBOX.find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox not found: install the busybox-static package');
  await rm(root, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'var/www'])
    await mkdir(join(root, d), { recursive: true });
  await copyFile(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const applets = (await run(join(root, 'bin/busybox'), ['--list']))
    .split('\n')
    .filter((a) => a && a !== 'busybox');
  for (const a of applets) await symlink('busybox', join(root, 'bin', a));
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(join(root, 'var/www/index.html'), 'hello from shoal lab\n');
}

/** Builds (once) and returns the path of the image tarball for POST /images/load. */
export async function labImageTar(workDir: string): Promise<string> {
  const out = join(workDir, 'busybox-image.tar');
  if (existsSync(out)) return out;
  const root = join(workDir, 'rootfs');
  const stage = join(workDir, 'image');
  await buildRootfs(root);
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  const layerTmp = join(workDir, 'layer.tar');
  await run('tar', [
    '--numeric-owner',
    '--sort=name',
    '--mtime=2026-01-01 00:00Z',
    '-C',
    root,
    '-cf',
    layerTmp,
    '.',
  ]);
  const layer = await readFile(layerTmp);
  const diffId = sha256(layer);
  await mkdir(join(stage, diffId));
  await writeFile(join(stage, diffId, 'layer.tar'), layer);
  const created = '2026-01-01T00:00:00Z';
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    history: [{ created, created_by: 'shoal lab: busybox-static rootfs' }],
  });
  const configName = `${sha256(config)}.json`;
  await writeFile(join(stage, configName), config);
  await writeFile(
    join(stage, 'manifest.json'),
    JSON.stringify([{ Config: configName, RepoTags: LAB_IMAGE_TAGS, Layers: [`${diffId}/layer.tar`] }]),
  );
  const entries = await readdir(stage);
  await run('tar', ['-C', stage, '-cf', `${out}.tmp`, ...entries]);
  await run('mv', [`${out}.tmp`, out]);
  await rm(layerTmp, { force: true });
  return out;
}
