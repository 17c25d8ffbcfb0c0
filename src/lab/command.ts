// `shoal lab up [N] [--name x] [--labels k=v,k=v]... | down | status`.
import { UsageError } from '../config/flags.js';
import { labCertDirs } from './certs.js';
import { labDown, labStatus, labUp, readLab, DEFAULT_LAB_DIR } from './lab.js';
import type { LabLayout } from './layout.js';

const HELP = `Usage: shoal lab up [N] [--name NAME] [--labels k=v,k=v ...] [--subnet K] [--tls] [--no-routes]
       shoal lab down [--name NAME]
       shoal lab status [--name NAME]

A local cluster of N (default 3, at most 16) real Docker Engines, each in its own network namespace,
on 198.18.K.0/24 (K defaults to 0). Engine i is named node-i and listens on 198.18.K.(10+i):2375.
--labels may be repeated: the i-th one gives node i its engine labels (cycled); by default nodes get
storage=ssd|disk and zone=a|b|c. State lives in $SHOAL_LAB_DIR (default ${DEFAULT_LAB_DIR}).
--tls: engines listen on :2376 only, with --tlsverify; the lab makes a CA and certificates for each
engine, for Shoal (manager/) and for a CLI user (client/), in <lab dir>/tls.
--no-routes: the nodes route nothing to each other's containers and add no forwarding rules, as plain
hosts: Shoal's own cross-engine paths must do it (give it --network-pool inside 198.18.0.0/15).
`;

interface LabArgs {
  verb: string;
  n: number | undefined;
  name: string;
  labels: string[][];
  subnet: number;
  tls: boolean;
  routes: boolean;
}

function parse(args: string[]): LabArgs {
  const out: LabArgs = {
    verb: args[0] ?? 'help',
    n: undefined,
    name: 'shoal',
    labels: [],
    subnet: 0,
    tls: false,
    routes: true,
  };
  for (let i = 1; i < args.length; i++) {
    const a = args[i] ?? '';
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`flag needs an argument: ${a}`);
      return v;
    };
    if (a === '--name') out.name = next();
    else if (a === '--labels') out.labels.push(next().split(',').filter(Boolean));
    else if (a === '--subnet') out.subnet = Number(next());
    else if (a === '--tls') out.tls = true;
    else if (a === '--no-routes') out.routes = false;
    else if (/^\d+$/.test(a)) out.n = Number(a);
    else throw new UsageError(`unexpected argument: ${a}`);
  }
  return out;
}

export async function runLabCommand(args: string[]): Promise<void> {
  const a = parse(args);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  switch (a.verb) {
    case 'up': {
      const lab = await labUp({
        name: a.name,
        nodes: a.n ?? 3,
        labels: a.labels,
        subnetIndex: a.subnet,
        tls: a.tls,
        routes: a.routes,
        log: say,
      });
      say(`discovery: ${lab.nodes.map((n) => n.addr).join(',')}`);
      say(`try: shoal manage ${tlsFlags(lab)}${lab.nodes.map((n) => n.addr).join(',')}`);
      if (lab.tlsDir)
        say(
          `then: DOCKER_HOST=tcp://127.0.0.1:2375 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=${labCertDirs(lab).client} docker info`,
        );
      return;
    }
    case 'down': {
      const lab = readLab(a.name);
      if (!lab) {
        say(`no lab named ${a.name}`);
        return;
      }
      await labDown(lab);
      say(`lab ${a.name} is down`);
      return;
    }
    case 'status': {
      const lab = readLab(a.name);
      if (!lab) {
        say(`no lab named ${a.name}`);
        return;
      }
      for (const s of await labStatus(lab)) {
        say(`${s.name}\t${s.addr}\t${s.answering ? 'up' : 'down'}${s.pid ? `\tpid ${s.pid}` : ''}`);
      }
      return;
    }
    default:
      process.stdout.write(HELP);
  }
}

/** The manage flags a TLS lab needs: Shoal's own certificate, for its clients and for the engines. */
function tlsFlags(lab: LabLayout): string {
  if (!lab.tlsDir) return '';
  const m = labCertDirs(lab).manager;
  return `--tlsverify --tlscacert ${m}/ca.pem --tlscert ${m}/cert.pem --tlskey ${m}/key.pem `;
}
