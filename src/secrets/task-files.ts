// A task's secrets and configs as files in its container, written before it starts: one tar archive per
// directory they go in, made in memory and extracted (`PUT /containers/{id}/archive`) at the deepest
// directory the container already has, so no directory of the image gets another owner or mode.
import { posix } from 'node:path';
import { tarOf, type TarEntry } from './tar.js';

export interface TaskFile {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  data: Buffer;
}

/** The engine calls this needs (EngineOperations has them). */
export interface ArchiveTarget {
  pathExists(id: string, path: string): Promise<boolean>;
  putArchive(id: string, path: string, tar: Buffer, opts: { noOverwriteDirNonDir?: boolean }): Promise<void>;
}

/** Writes the files into the (created, not yet started) container; `now` in ms for their mtime. */
export async function writeTaskFiles(
  engine: ArchiveTarget,
  containerId: string,
  files: readonly TaskFile[],
  now: number,
): Promise<void> {
  const known = new Map<string, boolean>([['/', true]]);
  const exists = async (p: string): Promise<boolean> => {
    let hit = known.get(p);
    if (hit === undefined) known.set(p, (hit = await engine.pathExists(containerId, p)));
    return hit;
  };
  for (const [dir, group] of byDirectory(files)) {
    let base = dir;
    while (!(await exists(base))) base = posix.dirname(base);
    const tar = tarOf(entriesFor(base, dir, group), now / 1000);
    await engine.putArchive(containerId, base, tar, { noOverwriteDirNonDir: true });
    for (let d = dir; d !== base; d = posix.dirname(d)) known.set(d, true);
  }
}

function byDirectory(files: readonly TaskFile[]): Map<string, TaskFile[]> {
  const out = new Map<string, TaskFile[]>();
  for (const f of files) {
    const dir = posix.dirname(f.path);
    out.set(dir, [...(out.get(dir) ?? []), f]);
  }
  return out;
}

/** The directories missing between `base` (which exists) and `dir` (root's, 0755, as the engine makes them), then the files. */
export function entriesFor(base: string, dir: string, files: readonly TaskFile[]): TarEntry[] {
  const rel = (p: string) => posix.relative(base, p);
  const dirs: TarEntry[] = [];
  for (let d = dir; d !== base; d = posix.dirname(d)) {
    dirs.unshift({ name: rel(d), type: 'dir', mode: 0o755, uid: 0, gid: 0 });
  }
  const entries = files.map((f): TarEntry => ({
    name: rel(f.path),
    type: 'file',
    mode: f.mode,
    uid: f.uid,
    gid: f.gid,
    data: f.data,
  }));
  return [...dirs, ...entries];
}
