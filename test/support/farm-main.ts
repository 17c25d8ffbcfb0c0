// `node dist/test/support/farm-main.js ENGINES CONTAINERS`: a farm as its own process; prints one JSON line
// with the engine addresses when ready, and stops on SIGTERM.
import { startFarm } from './farm.js';

const [engines = '100', containers = '30'] = process.argv.slice(2);
const farm = await startFarm({ engines: Number(engines), containersPerEngine: Number(containers) });
process.stdout.write(`${JSON.stringify({ addrs: farm.addrs })}\n`);
process.on('SIGTERM', () => {
  void farm.stop().then(() => process.exit(0));
});
