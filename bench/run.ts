// `npm run bench`: Shoal measured side by side with what it replaces, in one run, on real engines.
import { runComposeBench } from './compose.js';
import { runDnsBench } from './dns.js';
import { runHaBench } from './ha.js';
import { runIngressBench } from './ingress.js';
import { benchLabDown } from './lab.js';
import { runPassthroughBench } from './passthrough.js';
import { runPathsBench } from './paths.js';
import { runRescheduleBench } from './reschedule.js';
import { runScaleBench } from './scale.js';
import { runServicesBench } from './services.js';
import { runSchedulerBench } from './scheduler.js';

async function main(): Promise<void> {
  const sections = process.argv.slice(2);
  const all = sections.length === 0;
  try {
    if (all || sections.includes('proxy')) await runPassthroughBench();
    if (all || sections.includes('compose')) await runComposeBench();
    if (all || sections.includes('ha')) await runHaBench();
    // Minutes long (4 faults × 10 runs): only when asked for.
    if (sections.includes('reschedule')) await runRescheduleBench();
    // 3–5 minutes (swarm mode set up and left, 5 engine kills, 1,000-task scale-ups): only when asked for.
    if (sections.includes('services')) await runServicesBench();
    // Published ports through Shoal's ingress vs the task's engine port: only when asked for.
    if (sections.includes('ingress')) await runIngressBench();
  } finally {
    await benchLabDown();
  }
  if (all || sections.includes('scheduler')) runSchedulerBench();
  if (all || sections.includes('scale')) await runScaleBench();
  // Its own lab of 4 plain engines, and minutes long: only when asked for.
  if (sections.includes('paths')) await runPathsBench();
  // Needs dnsperf and dnsmasq, and takes about 2 minutes: only when asked for.
  if (sections.includes('dns')) await runDnsBench();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
