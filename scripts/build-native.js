// Builds the native part (native/udp_batch.c: batched UDP for the DNS workers) with node-gyp, against this
// Node's own headers, unless the built module is newer than its sources. Without a compiler it says so and
// Shoal answers DNS in its own thread (node:dgram) instead; the tests check it was built.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';

const built = 'build/Release/udp_batch.node';
const sources = ['native/udp_batch.c', 'binding.gyp'];
const mtime = (f) => statSync(f).mtimeMs;
if (existsSync(built) && sources.every((s) => mtime(s) < mtime(built))) process.exit(0);

// This Node's headers (Debian's and the official tarball's: <prefix>/include/node), so nothing is downloaded.
const prefix = dirname(dirname(process.execPath));
const args = ['rebuild', '--silent'];
if (!process.env['npm_config_nodedir'] && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
  args.push(`--nodedir=${prefix}`);
// npm puts its node-gyp on the PATH of its scripts; run directly, use the one npm bundles.
const bundled = join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
let r = spawnSync('node-gyp', args, { stdio: 'inherit' });
if (r.error && existsSync(bundled)) r = spawnSync(process.execPath, [bundled, ...args], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write(
    'build-native: node-gyp could not build native/udp_batch.c (it needs python3, make and g++): ' +
      "Shoal's DNS will answer UDP in its own thread\n",
  );
}
