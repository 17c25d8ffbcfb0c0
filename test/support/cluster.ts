// A Shoal manager in this process, on port 0, in front of fake engines: for component tests.
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeEngine, type FakeEngineOptions } from './fake-engine.js';
import { tempStore } from './temp-store.js';
import { waitFor } from './wait.js';

export { waitFor };

export interface FakeCluster {
  engines: FakeEngine[];
  manager: Manager;
  /** http://127.0.0.1:PORT */
  base: string;
  stop(): Promise<void>;
}

export async function fakeCluster(
  specs: Partial<FakeEngineOptions>[],
  extraArgs: string[] = [],
): Promise<FakeCluster> {
  setLogSink(process.env['SHOAL_TEST_LOG'] ? (l) => process.stderr.write(l + '\n') : () => undefined);
  const engines = specs.map((s, i) => new FakeEngine({ name: `node-${i}`, ...s }));
  await Promise.all(engines.map((e) => e.start()));
  // A store file per manager (a `--store` in extraArgs wins: the last one given counts).
  const store = tempStore();
  const config = parseManageArgs([
    '-H',
    'tcp://127.0.0.1:0',
    '--engine-refresh-min-interval',
    '1s',
    '--engine-refresh-max-interval',
    '1s',
    '--engine-failure-retry',
    '2',
    // Cluster networks of fake engines get test addresses, never the private default pool.
    '--network-pool',
    '198.19.96.0/19',
    ...store.args,
    ...extraArgs,
    engines.map((e) => e.addr).join(','),
  ]);
  let seed = 42;
  const rng = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const manager = await startManager(config, { rng });
  await waitFor('engines healthy', () => manager.pool.healthy().length === engines.length);
  const base = (manager.urls()[0] ?? '').replace('tcp://', 'http://');
  return {
    engines,
    manager,
    base,
    async stop() {
      await manager.stop();
      await Promise.all(engines.map((e) => e.stop()));
      store.remove();
    },
  };
}
