// `shoal demo`: a 3-engine lab and a manager in front of it; Ctrl-C stops the manager and the lab.
import { parseManageArgs } from '../config/manage.js';
import { log } from '../log.js';
import { startManager } from '../main.js';
import { join } from 'node:path';
import { labDown, labUp } from './lab.js';

export async function runDemo(args: string[]): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const port = args[0] ?? process.env['SHOAL_PORT'] ?? '2375';
  const lab = await labUp({ name: 'demo', nodes: 3, log: say });
  const discovery = lab.nodes.map((n) => n.addr).join(',');
  let manager;
  try {
    manager = await startManager(
      parseManageArgs([
        // The demo's cluster state lives and goes with its lab.
        '--store',
        `file://${join(lab.dir, 'state.json')}`,
        '-H',
        `tcp://127.0.0.1:${port}`,
        '--engine-refresh-min-interval',
        '5s',
        '--engine-refresh-max-interval',
        '10s',
        discovery,
      ]),
    );
  } catch (err) {
    await labDown(lab);
    throw err;
  }
  say('');
  say('Shoal is up in front of 3 engines (node-0, node-1, node-2). In another shell:');
  const url = manager.urls()[0] ?? `tcp://127.0.0.1:${port}`;
  say(`  export DOCKER_HOST=${url}`);
  say('  docker info; docker run -d busybox:local httpd -f -p 80; docker ps');
  const web = url.replace('tcp://', 'http://');
  say(`The cluster view is at ${web}/shoal/ and the metrics at ${web}/metrics.`);
  say('Press Ctrl-C to stop Shoal and tear the lab down.');
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`Received ${sig}: stopping Shoal and the lab`);
    void manager
      .stop()
      .then(() => labDown(lab))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error(`teardown failed: ${(err as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
