// Each command's help: what it does, its options, and examples (`shoal help <command>`, `<command> --help`).
import { flagHelp } from './flags.js';
import { JOIN_FLAGS, LIST_FLAGS } from './join.js';
import { MANAGE_FLAGS } from './manage.js';

const MANAGE = `Usage: shoal manage [OPTIONS] <discovery>

Run a Shoal manager: one Docker Engine API endpoint in front of the engines <discovery> names, which
schedules containers over them, runs swarm-mode services on them, and (with --dns-listen) resolves
service names across them.

Discovery: nodes://h:p,h:p (or a bare list, ranges like 198.18.0.[10:12]:2375, unix:// sockets),
file:///path (one address per line), consul://h:p[,h:p]/prefix.

Options:
${flagHelp(MANAGE_FLAGS)}

Examples:
  shoal manage 198.18.0.[10:12]:2375
  shoal manage -H tcp://0.0.0.0:3376 --tlsverify \\
    --tlscacert ca.pem --tlscert cert.pem --tlskey key.pem file:///etc/shoal/engines
  shoal manage --replication --advertise 198.18.0.2:2375 consul://198.18.0.1:8500/shoal
  shoal manage --dns-listen 198.18.250.53 --network-pool 198.18.64.0/18 198.18.0.[10:12]:2375
`;

const JOIN = `Usage: shoal join [OPTIONS] <discovery>

Keep an engine registered in Consul (classic Swarm's agent): its address stays under the discovery's
prefix while this runs, and goes a TTL after it stops.

Options:
${flagHelp(JOIN_FLAGS)}

Example:
  shoal join --advertise 198.18.0.10:2375 --heartbeat 20s --ttl 60s consul://198.18.0.1:8500/shoal
`;

const LIST = `Usage: shoal list [OPTIONS] <discovery>

List the engines a discovery names, one per line.

Options:
${flagHelp(LIST_FLAGS)}

Example:
  shoal list consul://198.18.0.1:8500/shoal
`;

const DEMO = `Usage: shoal demo [PORT]

Bring up a local lab of 3 real Docker Engines (as \`shoal lab up\`) and a manager in front of them
on 127.0.0.1:PORT (default 2375, or $SHOAL_PORT); Ctrl-C stops the manager and tears the lab down.
Needs root and Docker Engine (dockerd) on this machine.

Example:
  shoal demo 23750 &   # then: DOCKER_HOST=tcp://127.0.0.1:23750 docker info
`;

const HELP: Record<string, string> = {
  manage: MANAGE,
  m: MANAGE,
  join: JOIN,
  j: JOIN,
  list: LIST,
  l: LIST,
  demo: DEMO,
};

/** A command's help, or undefined for a command that has none here (`lab` prints its own). */
export function commandHelp(command: string): string | undefined {
  return HELP[command];
}
