// Running a script on an engine's host with nothing installed there: a short-lived container in the host's
// network namespace, with the host's root mounted at /host and the right to change its network, runs the
// host's own `sh`, `ip` and `iptables` through `chroot /host`. Its image holds nothing but five links into
// /host (bin, sbin, lib, lib64, usr), so the host's own binaries and libraries are what runs.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FrameDecoder } from '../../docker/stdcopy.js';
import type { Engine } from '../../engine/engine.js';
import { isEngineError } from '../../engine/errors.js';

export const HELPER_IMAGE = 'shoal/host-helper:1';
export const HELPER_LABEL = 'com.docker.shoal.helper';
const LINKS = ['bin', 'sbin', 'lib', 'lib64', 'usr'];
const TIMEOUT_MS = 30_000;

/** A ustar archive of the image's five symbolic links (built here: no file of ours ships with it). */
export function helperImageTar(): Buffer {
  const blocks = LINKS.map((name) => tarHeader(name, `/host/${name}`));
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

function tarHeader(name: string, target: string): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text.slice(0, len), at, len, 'ascii');
  put(name, 0, 100);
  put('0000777\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put('00000000000\0', 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8); // the checksum counts its own field as spaces
  put('2', 156, 1); // a symbolic link
  put(target, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** Imports the helper image on the engine unless it has it. */
async function ensureImage(engine: Engine): Promise<void> {
  if (engine.lists.images.some((i) => (i.RepoTags ?? []).includes(HELPER_IMAGE))) return;
  const tar = helperImageTar();
  const [repo, tag] = HELPER_IMAGE.split(':');
  const query = `fromSrc=-&repo=${encodeURIComponent(repo ?? '')}&tag=${tag ?? 'latest'}`;
  await engine.ops.importImage(query, { body: Readable.from([tar]), size: tar.length });
}

export interface HostRun {
  code: number;
  output: string;
}

/** Runs `script` with the host's `/bin/sh` in the host's network namespace; the helper is removed after. */
export async function runOnHost(engine: Engine, script: string): Promise<HostRun> {
  await ensureImage(engine);
  const body = {
    Image: HELPER_IMAGE,
    Entrypoint: ['/usr/sbin/chroot', '/host', '/bin/sh', '-c', script],
    Labels: { [HELPER_LABEL]: 'network-paths' },
    HostConfig: {
      NetworkMode: 'host',
      // Only what changing the host's network needs (not --privileged).
      CapAdd: ['NET_ADMIN', 'NET_RAW'],
      Binds: ['/:/host'],
      LogConfig: { Type: 'json-file', Config: {} },
    },
  };
  const name = `shoal-paths-${randomBytes(4).toString('hex')}`;
  const { id } = await engine.ops.createContainer({ name, body });
  try {
    await engine.ops.startContainer(id);
    const code = await engine.ops.waitContainer(id, TIMEOUT_MS);
    return { code, output: await collect(engine, id) };
  } finally {
    await engine.ops.removeContainer(id, { force: true }).catch((err: unknown) => {
      if (!isEngineError(err, 'noSuchContainer', 'notFound')) throw err;
    });
  }
}

async function collect(engine: Engine, id: string): Promise<string> {
  const stream = await engine.ops.logs(id);
  const decoder = new FrameDecoder();
  const parts: Buffer[] = [];
  for await (const chunk of stream) for (const f of decoder.push(chunk as Buffer)) parts.push(f.payload);
  return Buffer.concat(parts).toString('utf8');
}
