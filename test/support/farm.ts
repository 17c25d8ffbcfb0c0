// A simulated engine farm: many fake engines in one process, each on its own loopback port, pre-filled
// with containers. Used by the component tests and, as a separate process, by the scale benchmark.
import { FakeEngine, runningState } from './fake-engine.js';

export interface FarmOptions {
  engines: number;
  containersPerEngine: number;
  /** Engine labels for engine i. */
  labels?: (i: number) => string[];
}

export interface Farm {
  engines: FakeEngine[];
  addrs: string[];
  stop(): Promise<void>;
}

export function defaultFarmLabels(i: number): string[] {
  return [`storage=${i % 2 === 0 ? 'ssd' : 'disk'}`, `zone=z${i % 10}`];
}

export async function startFarm(opts: FarmOptions): Promise<Farm> {
  const engines: FakeEngine[] = [];
  for (let i = 0; i < opts.engines; i++) {
    engines.push(
      new FakeEngine({
        name: `sim-${i}`,
        id: `SIM:${String(i).padStart(5, '0')}`,
        cpus: 8,
        memory: 32 * 1024 ** 3,
        labels: (opts.labels ?? defaultFarmLabels)(i),
      }),
    );
  }
  // Start in batches: thousands of listen() calls at once only compete with each other.
  for (let i = 0; i < engines.length; i += 200)
    await Promise.all(engines.slice(i, i + 200).map((e) => e.start()));
  const running = runningState();
  engines.forEach((e, i) => {
    for (let k = 0; k < opts.containersPerEngine; k++) {
      e.addContainer(`c-${i}-${k}`, {
        Labels: { tier: k % 3 === 0 ? 'front' : 'back', app: `app${k % 7}` },
        HostConfig:
          k === 0
            ? { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: String(10_000 + (i % 50)) }] } }
            : {},
        State: k % 4 === 3 ? { ...running, Status: 'exited', Running: false } : running,
      });
    }
  });
  return {
    engines,
    addrs: engines.map((e) => e.addr),
    async stop() {
      for (let i = 0; i < engines.length; i += 500)
        await Promise.all(engines.slice(i, i + 500).map((e) => e.stop()));
    },
  };
}
