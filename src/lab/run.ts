// Running host commands for the lab, with their stderr in the error when they fail.
import { execFile } from 'node:child_process';

export class CommandError extends Error {
  override name = 'CommandError';
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; allowFail?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && !opts.allowFail) {
        reject(new CommandError(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
        return;
      }
      resolve(stdout);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a command inside a node's network namespace (without `ip netns exec`, which remounts /sys). */
export function inNetns(
  ns: string,
  cmd: string,
  args: readonly string[],
  opts: { allowFail?: boolean } = {},
): Promise<string> {
  return run('nsenter', [`--net=/run/netns/${ns}`, '--', cmd, ...args], opts);
}
