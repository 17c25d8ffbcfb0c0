// Import boundaries (run by `npm run lint`): no file-level import cycles, and each folder imports only
// the folders its row below allows. Usage: node scripts/check-boundaries.js [--list] [root]; exit 1 on a
// problem. --list prints the imports it sees instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { importsOf } from './import-scanner.js';

// Which units each unit may import, besides itself. A unit is a file's top-level folder under src/
// (`src/pool/x.ts` → pool), `strategies` for strategies/, and each file directly in src/ is its own
// unit (src/log.ts → log). '*' allows every unit; '!x' then takes x back out.
const ALLOWED = {
  cli: '*', // the command line: every subcommand
  main: '* !cli !lab', // wiring only: every layer, but not the CLI or the lab above it
  lab: 'main config log sleep backoff version errors', // `shoal lab` and `shoal demo`: start a manager
  api: 'view metrics services secrets dns nodes placement reschedule networks pool engine events store replication config docker scheduler errors log version sleep backoff', // the Docker Engine API front: everything below it
  view: 'services placement pool scheduler engine events docker errors log version', // the cluster view at /shoal/
  metrics: 'services placement pool scheduler engine docker errors log version', // Prometheus metrics, read on scrape
  services:
    'placement networks reschedule ingress pool scheduler engine events store docker errors log sleep backoff', // swarm-mode objects
  ingress: 'log', // published ports served by the manager: listeners that balance over task ports
  nodes: 'pool engine store scheduler docker errors log version', // swarm mode's nodes and the swarm object
  secrets: 'engine store docker errors log', // swarm mode's secrets and configs, and a task's files of them
  dns: 'services networks pool engine docker errors log sleep backoff', // names → addresses
  reschedule: 'placement networks pool scheduler engine store docker errors log sleep backoff', // off a failed node
  placement: 'networks pool scheduler strategies engine store docker errors log', // snapshot → schedule → reserve
  networks: 'pool engine store scheduler docker errors log sleep backoff', // cluster networks
  pool: 'engine events scheduler docker errors log', // the set of engines
  events: 'engine docker errors log', // the cluster's event stream
  replication: 'consul discovery engine config errors log sleep backoff', // leader election; never the api
  discovery: 'consul config errors log sleep backoff', // where the engines are
  consul: 'config errors log sleep backoff', // the Consul connection; never discovery
  store: 'consul config errors log', // cluster state: file or Consul KV
  engine: 'docker errors log sleep backoff', // one Docker Engine
  config: 'errors log', // argv/env/file → Config
  scheduler: 'docker', // pure: snapshot → decision
  strategies: 'scheduler', // pure: one file per strategy
  docker: 'errors', // Docker's own formats: filters, durations, image refs, API versions
  errors: '', // the error kinds and their HTTP statuses
  log: '', // the log line
  sleep: '', // an abortable sleep
  backoff: '', // jitter for retry delays
  'idle-gc': 'log', // a full collection when the process goes quiet after a busy spell
  version: '', // Shoal's own version
};

// Units that do no I/O: no package at all (node: modules, undici, consul, …) and no dynamic import().
const PURE = new Set(['scheduler', 'strategies']);

const FOLDERS = ['src', 'strategies'];

/** The unit of a root-relative path with '/' separators, or undefined outside src/ and strategies/. */
function unitOf(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'strategies') return 'strategies';
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts.length === 2 ? parts[1].replace(/\.ts$/, '') : parts[1];
}

const ruleOf = (unit) => ALLOWED[unit].split(' ').filter((u) => u !== '');

function allows(from, to) {
  const rule = ruleOf(from);
  if (from === to) return true;
  if (rule.includes(`!${to}`)) return false;
  return rule.includes('*') || rule.includes(to);
}

function describe(unit) {
  const rule = ruleOf(unit);
  if (rule.includes('*')) {
    const but = rule.filter((u) => u.startsWith('!')).map((u) => u.slice(1));
    return but.length ? `${unit} may import anything but ${but.join(', ')}` : `${unit} may import anything`;
  }
  return rule.length ? `${unit} may import only ${rule.join(', ')}` : `${unit} may import nothing`;
}

function listTs(dir, out) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listTs(full, out);
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` → x.ts, a folder → its index.ts. */
function resolve(fromFile, spec) {
  const target = path.resolve(path.dirname(fromFile), spec);
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, path.join(target, 'index.ts'), target];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? target;
}

function isBuiltin(spec) {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

/** Problems with one import of a file in `unit`: wrong-way or impure. */
function checkImport(rel, unit, imp, root, abs, files) {
  const where = `${rel}:${imp.line}`;
  const problems = [];
  if (imp.dynamic && PURE.has(unit)) {
    problems.push(`${where}  dynamic import() in ${unit}: ${unit} does no I/O`);
  }
  if (imp.spec === undefined) return { problems };
  if (!imp.spec.startsWith('.')) {
    if (PURE.has(unit)) {
      const what = isBuiltin(imp.spec) ? 'Node module' : 'package';
      problems.push(
        `${where}  ${what} '${imp.spec}' imported in ${unit}: ${unit} imports no package and does no I/O`,
      );
    }
    return { problems };
  }
  const target = resolve(abs, imp.spec);
  const targetRel = path.relative(root, target).split(path.sep).join('/');
  const targetUnit = unitOf(targetRel);
  if (targetUnit === undefined) {
    problems.push(`${where}  import '${imp.spec}' leaves src/ and strategies/`);
  } else if (!(targetUnit in ALLOWED)) {
    problems.push(`${where}  import '${imp.spec}' into ${targetUnit}, a unit with no row in the table`);
  } else if (!allows(unit, targetUnit)) {
    problems.push(`${where}  wrong-way import '${imp.spec}' (${targetUnit}): ${describe(unit)}`);
  }
  return { problems, edge: files.has(target) ? target : undefined };
}

/** Strongly connected components of the import graph (Tarjan), each as a list of files. */
function components(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const strong = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { to: w } of graph.get(v)) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    out.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  return out;
}

/** The shortest cycle through `start` inside `members`, as a list of edges. */
function shortestCycle(graph, start, members) {
  const prev = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const edge of graph.get(v)) {
      if (!members.has(edge.to) || prev.has(edge.to)) continue;
      prev.set(edge.to, { from: v, edge });
      if (edge.to === start) {
        const edges = [];
        for (let at = start; edges.length === 0 || at !== start; at = prev.get(at).from) {
          edges.unshift(prev.get(at).edge);
        }
        return edges;
      }
      queue.push(edge.to);
    }
  }
  return [];
}

/** One problem per cycle; every file on a cycle is on at least one reported chain. */
function cycleProblems(graph, relOf) {
  const problems = [];
  for (const component of components(graph)) {
    const members = new Set(component);
    const selfLoop = graph.get(component[0]).some((e) => e.to === component[0]);
    if (component.length === 1 && !selfLoop) continue;
    const covered = new Set();
    for (const start of component.sort()) {
      if (covered.has(start)) continue;
      const edges = shortestCycle(graph, start, members);
      const chain = [start, ...edges.map((e) => e.to)];
      chain.forEach((f) => covered.add(f));
      const first = edges[0];
      problems.push(`${relOf(start)}:${first.line}  import cycle: ${chain.map(relOf).join(' → ')}`);
    }
  }
  return problems;
}

/** Every problem under root, ordered by file and line. */
function check(root) {
  const files = new Set(FOLDERS.flatMap((f) => listTs(path.join(root, f), [])));
  const relOf = (abs) => path.relative(root, abs).split(path.sep).join('/');
  const graph = new Map();
  const problems = [];
  for (const abs of [...files].sort()) {
    const rel = relOf(abs);
    const unit = unitOf(rel);
    const edges = [];
    graph.set(abs, edges);
    if (!(unit in ALLOWED)) {
      problems.push(`${rel}:1  unit ${unit} has no row in the table in scripts/check-boundaries.js`);
    }
    for (const imp of importsOf(abs)) {
      const result = checkImport(rel, unit, imp, root, abs, files);
      problems.push(...result.problems);
      if (result.edge) edges.push({ to: result.edge, line: imp.line });
    }
  }
  problems.push(...cycleProblems(graph, relOf));
  const key = (p) => p.slice(0, p.indexOf('  ')).split(':');
  return problems.sort((a, b) => {
    const [fa, la] = key(a);
    const [fb, lb] = key(b);
    return fa < fb ? -1 : fa > fb ? 1 : Number(la) - Number(lb);
  });
}

const print = (line) => process.stdout.write(`${line}\n`);

/** `--list`: every import the scanner finds, one a line (`file:line  spec`, `import()` marked). */
function list(root) {
  const files = FOLDERS.flatMap((f) => listTs(path.join(root, f), [])).sort();
  for (const abs of files) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    for (const imp of importsOf(abs)) {
      print(`${rel}:${imp.line}  ${imp.dynamic ? 'import() ' : ''}${imp.spec ?? '(not a literal)'}`);
    }
  }
}

const args = process.argv.slice(2);
const listOnly = args[0] === '--list';
if (listOnly) args.shift();
const root = path.resolve(args[0] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
if (listOnly) list(root);
else {
  const problems = check(root);
  for (const p of problems) print(p);
  process.exitCode = problems.length ? 1 : 0;
}
