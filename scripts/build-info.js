// Writes dist/build-info.json at build time: the commit the build was made from, for `shoal --version`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';

let commit = process.env.SHOAL_GIT_COMMIT ?? '';
if (!commit) {
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    });
    if (dirty.trim() !== '') commit += '-dirty';
  } catch {
    commit = 'unknown (not built from a git checkout)';
  }
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-info.json', `${JSON.stringify({ commit, builtAt: new Date().toISOString() })}\n`);
