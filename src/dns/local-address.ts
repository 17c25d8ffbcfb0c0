// The resolver's own address on this machine: containers are told it, and the engines' hosts route it here.
// When it is on no interface yet and Shoal runs as root, Shoal puts it on the loopback device (and takes it
// off again when it stops); otherwise the operator must have.
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { log } from '../log.js';

function onSomeInterface(ip: string): boolean {
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((a) => a.address === ip));
}

function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('ip', args, (err, _out, stderr) =>
      err ? reject(new Error(stderr.trim() || err.message)) : resolve(),
    ),
  );
}

/** Makes sure `addr` is local; resolves with an undo (a no-op when it was there already). */
export async function ensureLocalAddress(addr: string): Promise<() => Promise<void>> {
  if (addr === '0.0.0.0' || addr === '::' || addr.startsWith('127.') || onSomeInterface(addr))
    return async () => {};
  if (process.getuid?.() !== 0) {
    log.warn(
      `DNS: ${addr} is on no interface of this machine and Shoal is not root: add it, or the resolver cannot listen`,
    );
    return async () => {};
  }
  const prefix = addr.includes(':') ? '128' : '32';
  await ip(['addr', 'add', `${addr}/${prefix}`, 'dev', 'lo']);
  log.info(`DNS: ${addr} added to the loopback device`);
  return () => ip(['addr', 'del', `${addr}/${prefix}`, 'dev', 'lo']).catch(() => undefined);
}

/** The nameservers of this machine's /etc/resolv.conf: Shoal's own upstreams unless it is told others. */
export function systemNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined);
}
