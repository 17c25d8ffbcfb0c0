// A host plan as a shell script that brings the host to it with the host's own `ip`, `bridge` and
// `iptables`: idempotent (run it twice, nothing changes), and it removes what Shoal made that the plan no
// longer has. Routes Shoal makes carry their own protocol number and its rules live in chains of its own,
// so they are found again without touching anything else. Pure: a plan in, text out.
import type { HostPlan } from './plan.js';

/** The tunnel device on every host. */
export const DEVICE = 'shoal.vx';
/** The protocol number on the routes Shoal makes (`ip route … proto 233`). */
export const ROUTE_PROTO = 233;
export const FORWARD_CHAIN = 'SHOAL-FORWARD';
export const NAT_CHAIN = 'SHOAL-POSTROUTING';
/** VXLAN's IANA port, as Docker's overlay and flannel use. */
export const VXLAN_PORT = 4789;
/** VXLAN's overhead: the tunnel's MTU is the uplink's less this. */
const VXLAN_OVERHEAD = 50;

const SAFE = /^[A-Za-z0-9_.:/-]+$/;

/** A word the script may use unquoted; anything else is a bug upstream and fails loudly here. */
function word(v: string | number): string {
  const s = String(v);
  if (!SAFE.test(s)) throw new Error(`not a safe word for a host script: ${JSON.stringify(s)}`);
  return s;
}

const PRELUDE = `set -u
DEV=${DEVICE}; PROTO=${ROUTE_PROTO}
vx_up=0; want=" "; keep_ip=" "; keep_mac=" "
vx() {
  [ $vx_up = 1 ] && return 0
  if ! ip link show $DEV >/dev/null 2>&1; then
    ip link add $DEV type vxlan id $VNI dstport ${VXLAN_PORT} local $LOCAL nolearning || return 1
  fi
  up=$(ip route get "$1" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1)
  # From the device itself: /sys is the machine's, not this network namespace's, when dockerd runs in one.
  mtu=$(ip -o link show "$up" 2>/dev/null | sed -n 's/.* mtu \\([0-9]*\\).*/\\1/p')
  [ -n "$mtu" ] || mtu=1500
  ip link set $DEV address $MAC mtu $((mtu - ${VXLAN_OVERHEAD})) up || return 1
  vx_up=1
}
peer() {
  n=$1; ip=$2; mac=$3; mode=$4; shift 4; ok=1
  if [ "$mode" = auto ]; then
    if ip route get "$ip" 2>/dev/null | grep -q ' via '; then mode=vxlan; else mode=direct; fi
  fi
  if [ "$mode" = vxlan ]; then
    keep_ip="$keep_ip$ip "; keep_mac="$keep_mac$mac "
    { vx "$ip" && bridge fdb replace "$mac" dev $DEV dst "$ip" self permanent &&
      ip neigh replace "$ip" lladdr "$mac" dev $DEV nud permanent; } || ok=0
    for s; do ip route replace "$s" via "$ip" dev $DEV onlink proto $PROTO || ok=0; want="$want$s "; done
  else
    for s; do ip route replace "$s" via "$ip" proto $PROTO || ok=0; want="$want$s "; done
  fi
  [ $ok = 1 ] && echo "peer $n $mode ok" || echo "peer $n $mode failed"
}
`;

const CLEANUP_ROUTES = `ip route show proto $PROTO | while read -r s _; do
  case "$s" in */*) ;; *) s="$s/32" ;; esac
  case "$want" in *" $s "*) ;; *) ip route del "$s" proto $PROTO ;; esac
done
`;

/** Only the routes listed (what this run's owner made before), for a host that others route on too. */
function cleanupOwned(owned: readonly string[]): string {
  return `for s in ${owned.map(word).join(' ')}; do
  case "$want" in *" $s "*) ;; *) ip route del "$s" proto $PROTO 2>/dev/null ;; esac
done
`;
}

const CLEANUP_DEVICE = `if ip link show $DEV >/dev/null 2>&1; then
  if [ $vx_up = 0 ]; then ip link del $DEV
  else
    bridge fdb show dev $DEV | while read -r m _; do
      case "$keep_mac" in *" $m "*) ;; *) bridge fdb del "$m" dev $DEV 2>/dev/null ;; esac
    done
    ip neigh show dev $DEV | while read -r a _; do
      case "$keep_ip" in *" $a "*) ;; *) ip neigh del "$a" dev $DEV ;; esac
    done
  fi
fi
`;

/** Rules in our own chain, replaced at once (iptables-restore --noflush), jumped to first from `parent`. */
function chain(table: 'filter' | 'nat', name: string, parent: string, rules: string[]): string {
  if (rules.length === 0) {
    return `if iptables -t ${table} -S ${name} >/dev/null 2>&1; then
  while iptables -t ${table} -D ${parent} -j ${name} 2>/dev/null; do :; done
  iptables -t ${table} -F ${name}; iptables -t ${table} -X ${name}
fi
`;
  }
  const body = [`*${table}`, `:${name} - [0:0]`, ...rules.map((r) => `-A ${name} ${r}`), 'COMMIT'];
  return `if printf '%s\\n' ${body.map((l) => `'${l}'`).join(' ')} | iptables-restore --noflush; then
  first=$(iptables -t ${table} -S ${parent} 2>/dev/null | sed -n 2p)
  if [ "$first" != "-A ${parent} -j ${name}" ]; then
    while iptables -t ${table} -D ${parent} -j ${name} 2>/dev/null; do :; done
    iptables -t ${table} -I ${parent} 1 -j ${name} && echo "rules ${table} ok" || echo "rules ${table} failed"
  else echo "rules ${table} ok"; fi
else echo "rules ${table} failed"; fi
`;
}

export interface ScriptOptions {
  /** false for a host without Docker (a manager's): routes only, no chains. */
  firewall?: boolean;
  /**
   * The routes this script may remove when the plan no longer has them (those its owner made before); by
   * default every route of Shoal's protocol on the host. A manager's host may hold another manager's.
   */
  owned?: readonly string[];
}

export function hostScript(plan: HostPlan, opts: ScriptOptions = {}): string {
  const { self } = plan;
  const head = `VNI=${word(plan.vni)}; LOCAL=${word(self.ip)}; MAC=${word(self.mac)}\n`;
  const peers = plan.peers
    .map((p) => `peer ${[p.name, p.ip, p.mac, p.mode, ...p.subnets].map(word).join(' ')}\n`)
    .join('');
  const forward = [
    ...(plan.peers.length > 0
      ? [`-o ${DEVICE} -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`]
      : []),
    ...plan.accept.flatMap((a) => [
      `-i ${word(a.bridge)} -d ${word(a.remote)} -j ACCEPT`,
      `-o ${word(a.bridge)} -s ${word(a.remote)} -j ACCEPT`,
    ]),
  ];
  const nat = plan.noNat.map((n) => `-s ${word(n.local)} -d ${word(n.remote)} -j ACCEPT`);
  return [
    PRELUDE,
    head,
    peers,
    opts.owned === undefined ? CLEANUP_ROUTES : opts.owned.length > 0 ? cleanupOwned(opts.owned) : '',
    CLEANUP_DEVICE,
    ...(opts.firewall === false
      ? []
      : [
          chain('filter', FORWARD_CHAIN, 'DOCKER-USER', forward),
          chain('nat', NAT_CHAIN, 'POSTROUTING', nat),
        ]),
    'echo done\n',
  ].join('');
}

export interface ScriptReport {
  peers: { name: string; mode: 'vxlan' | 'direct'; ok: boolean }[];
  rulesOk: boolean;
  /** The script ran to its end. */
  complete: boolean;
}

/** What the script said it did. */
export function parseReport(output: string): ScriptReport {
  const report: ScriptReport = { peers: [], rulesOk: true, complete: false };
  for (const line of output.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'peer' && f.length === 4 && (f[2] === 'vxlan' || f[2] === 'direct'))
      report.peers.push({ name: f[1] ?? '', mode: f[2], ok: f[3] === 'ok' });
    else if (f[0] === 'rules' && f[2] !== 'ok') report.rulesOk = false;
    else if (f[0] === 'done') report.complete = true;
  }
  return report;
}
