#!/usr/bin/env node
// The `shoal` command: manage (the endpoint), lab (local engines), demo, and help.
import { UsageError } from './config/flags.js';
import { commandHelp } from './config/help.js';
import { parseManageArgs } from './config/manage.js';
import { runLabCommand } from './lab/command.js';
import { joinCommand, listEngines } from './discovery/commands.js';
import { runDemo } from './lab/demo.js';
import { isLogLevel, log, setLogLevel } from './log.js';
import { IdleCollector } from './idle-gc.js';
import { startManager, type Manager } from './main.js';
import { SHOAL } from './version.js';

const USAGE = `Usage: shoal [--version] COMMAND [arg...]

A Docker Swarm-compatible endpoint in front of a pool of Docker Engines.

Commands:
  manage, m   Run a Shoal manager: shoal manage [options] <discovery>
  join, j     Keep an engine registered in Consul: shoal join --advertise ip:port consul://h:p/prefix
  list, l     List the engines registered in a discovery: shoal list consul://h:p/prefix
  lab         A local cluster of real Docker Engines: shoal lab up [N] | down | status
  demo        Bring up a 3-engine lab and a manager in front of it (Ctrl-C tears both down)
  help        Show this help, or a command's: shoal help manage

Discovery: nodes://h:p,h:p (or a bare list, ranges like 198.18.0.[10:12]:2375, unix:// sockets), file:///path,
           consul://h:p[,h:p]/prefix (--discovery-opt consul.source=kv|catalog|both, consul.service=docker)
`;

function fatal(message: string): never {
  process.stderr.write(`time="${new Date().toISOString()}" level=fatal msg=${JSON.stringify(message)}\n`);
  process.exit(1);
}

function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`Received ${sig}, shutting down`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

async function manage(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(commandHelp('manage') ?? '');
    return;
  }
  const config = parseManageArgs(args);
  const manager: Manager = await startManager(config);
  // The process is the manager's: its memory is given back when it goes quiet after a busy spell.
  const collector = new IdleCollector();
  stopOnSignals(() => {
    collector.stop();
    return manager.stop();
  });
}

async function join(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(commandHelp('join') ?? '');
    return;
  }
  const controller = new AbortController();
  let levelAt = args.indexOf('-l');
  if (levelAt < 0) levelAt = args.indexOf('--log-level');
  if (levelAt >= 0) {
    const level = args[levelAt + 1] ?? '';
    if (isLogLevel(level)) setLogLevel(level);
    args.splice(levelAt, 2);
  }
  stopOnSignals(() => {
    controller.abort();
    return Promise.resolve();
  });
  await joinCommand(args, controller.signal);
}

async function list(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(commandHelp('list') ?? '');
    return;
  }
  for (const addr of await listEngines(args)) process.stdout.write(`${addr}\n`);
}

/** `shoal help [command]`. */
async function help(topic: string | undefined): Promise<void> {
  if (topic === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  if (topic === 'lab') return runLabCommand(['help']);
  const text = commandHelp(topic);
  if (!text) throw new UsageError(`No help topic for '${topic}'`);
  process.stdout.write(text);
}

async function main(argv: string[]): Promise<void> {
  // Global flags may come before the command, as with classic Swarm (`swarm -l debug manage …`).
  const globals: string[] = [];
  while (argv[0]?.startsWith('-')) {
    const a = argv.shift() as string;
    if (a === '--version' || a === '-v') {
      process.stdout.write(`shoal version ${SHOAL.version} (${SHOAL.commit})\n`);
      return;
    }
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return;
    }
    globals.push(a);
    if ((a === '-l' || a === '--log-level') && argv[0] !== undefined) globals.push(argv.shift() as string);
  }
  const [command, ...rest] = argv;
  switch (command) {
    case 'manage':
    case 'm':
      return manage([...globals, ...rest]);
    case 'join':
    case 'j':
      return join([...globals, ...rest]);
    case 'list':
    case 'l':
      return list(rest);
    case 'lab':
      return runLabCommand(rest);
    case 'demo':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(commandHelp('demo') ?? '');
        return;
      }
      return runDemo(rest);
    case 'help':
    case undefined:
      return help(rest[0]);
    default:
      throw new UsageError(`No help topic for '${command}'`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => fatal(err instanceof Error ? err.message : String(err)));
