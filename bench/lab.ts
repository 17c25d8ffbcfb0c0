// The benchmark's own lab (198.18.2.0/24), brought up once for all sections and torn down at the end.
import { labDown, labUp } from '../src/lab/lab.js';
import type { LabLayout } from '../src/lab/layout.js';

let lab: LabLayout | undefined;

export async function benchLab(): Promise<LabLayout> {
  lab ??= await labUp({
    name: 'bench',
    nodes: 3,
    subnetIndex: 2,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  return lab;
}

export async function benchLabDown(): Promise<void> {
  if (lab) await labDown(lab);
  lab = undefined;
}
