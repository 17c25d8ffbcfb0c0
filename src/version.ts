// Shoal's own version, read once from package.json (found from source or from the built dist/).
import { readFileSync } from 'node:fs';

/** The commit the build was made from (dist/build-info.json, written by `npm run build`). */
function buildCommit(): string {
  for (const rel of ['../build-info.json', '../dist/build-info.json']) {
    try {
      const info = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { commit?: string };
      if (info.commit) return info.commit;
    } catch {
      // try the next place
    }
  }
  return 'unknown: not built (npm run build)';
}

function read(): { version: string; commit: string } {
  const commit = process.env['SHOAL_GIT_COMMIT'] ?? buildCommit();
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'shoal') return { version: pkg.version ?? '0.0.0', commit };
    } catch {
      // try the next place
    }
  }
  return { version: '0.0.0', commit };
}

export const SHOAL = read();

/** Classic Swarm's last release. */
export const CLASSIC_SWARM_VERSION = '1.2.9';

/**
 * The server version `/version` and `/info` report. Classic's was `swarm/1.2.9`, and tools recognise a
 * classic Swarm endpoint by the `swarm/` prefix; Shoal's own version follows as semver build metadata, so
 * what comes after `swarm/` still parses as a version.
 */
export const SERVER_VERSION = `swarm/${CLASSIC_SWARM_VERSION}+shoal.${SHOAL.version}`;
