// Brings up the e2e lab (3 real engines) once for the whole suite and tears it down after.
// No root or no dockerd is a failure, not a skip: the e2e suite must really run.
import { labDown, labUp, readLab } from '../../src/lab/lab.js';
import { startRegistry, type Registry } from '../../src/lab/registry.js';
import { E2E_LAB, E2E_LABELS, E2E_SUBNET } from './lab-config.js';

let registry: Registry | undefined;

export async function setup(): Promise<void> {
  const stale = readLab(E2E_LAB);
  if (stale) await labDown(stale);
  await labUp({
    name: E2E_LAB,
    nodes: 3,
    subnetIndex: E2E_SUBNET,
    labels: E2E_LABELS,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  const lab = readLab(E2E_LAB);
  if (lab) registry = await startRegistry(lab);
}

export async function teardown(): Promise<void> {
  await registry?.stop();
  const lab = readLab(E2E_LAB);
  if (lab && process.env['SHOAL_KEEP_LAB'] !== '1') await labDown(lab);
}
