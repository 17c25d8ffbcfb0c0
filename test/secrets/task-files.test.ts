// A task's files go in with one archive per directory, extracted at the deepest directory the container
// has, so the image's own directories keep their owners and modes.
import { describe, expect, it } from 'vitest';
import { writeTaskFiles, type ArchiveTarget, type TaskFile } from '../../src/secrets/task-files.js';
import { readTar } from '../support/tar-read.js';

function target(dirs: string[]) {
  const asked: string[] = [];
  const puts: { path: string; names: string[]; noOverwrite: boolean }[] = [];
  const t: ArchiveTarget = {
    pathExists: (_id, p) => {
      asked.push(p);
      return Promise.resolve(dirs.includes(p));
    },
    putArchive: (_id, path, tar, opts) => {
      puts.push({
        path,
        names: readTar(tar).map((e) => e.name),
        noOverwrite: opts.noOverwriteDirNonDir === true,
      });
      return Promise.resolve();
    },
  };
  return { t, asked, puts };
}

const f = (path: string): TaskFile => ({ path, uid: 0, gid: 0, mode: 0o444, data: Buffer.from('x') });

describe('writeTaskFiles', () => {
  it('makes the directories the image lacks, under the deepest one it has', async () => {
    const { t, asked, puts } = target(['/etc']);
    await writeTaskFiles(t, 'c1', [f('/run/secrets/db'), f('/run/secrets/api'), f('/etc/app.conf')], 0);
    expect(puts).toEqual([
      { path: '/', names: ['run/', 'run/secrets/', 'run/secrets/db', 'run/secrets/api'], noOverwrite: true },
      { path: '/etc', names: ['app.conf'], noOverwrite: true },
    ]);
    expect(asked).toEqual(['/run/secrets', '/run', '/etc']);
  });

  it('writes straight into a directory the image has', async () => {
    const { t, puts } = target(['/run']);
    await writeTaskFiles(t, 'c1', [f('/run/secrets/db')], 0);
    expect(puts).toEqual([{ path: '/run', names: ['secrets/', 'secrets/db'], noOverwrite: true }]);
  });

  it('knows the directories it made: a deeper target asks no more of the engine', async () => {
    const { t, asked, puts } = target([]);
    await writeTaskFiles(t, 'c1', [f('/run/secrets/db'), f('/run/secrets/sub/x')], 0);
    expect(puts.map((p) => p.path)).toEqual(['/', '/run/secrets']);
    expect(asked).toEqual(['/run/secrets', '/run', '/run/secrets/sub']);
  });
});
