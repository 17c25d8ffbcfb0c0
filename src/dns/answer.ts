// What a name means to the container that asks: answered from the networks it is on (Docker's scoping),
// `<service>.<project>` from anywhere, NXDOMAIN for a name in Shoal's part of the namespace that nobody has,
// and anything else forwarded upstream. Pure.
import { canonical, type Address, type NameIndex } from './records.js';

export type Resolution =
  /** The name is Shoal's; `addresses` may be empty for a record type it does not have (NODATA). */
  { kind: 'answer'; addresses: readonly Address[] } | { kind: 'nxdomain' } | { kind: 'forward' };

/**
 * Resolves `name` for the container at `askerIp` (undefined or unknown: an address Shoal cannot place, e.g.
 * behind NAT). For such an asker a name is answered only when one network has it; when several do, it
 * cannot tell which is meant and says NXDOMAIN rather than guess.
 */
export function resolveName(index: NameIndex, name: string, askerIp: string | undefined): Resolution {
  const n = canonical(name);
  if (n === '') return { kind: 'forward' };
  const asker = askerIp === undefined ? undefined : index.containerAt(askerIp);
  if (asker) {
    for (const e of asker.endpoints) {
      const hit = index.onNetwork(e.networkId, n);
      if (hit.length > 0) return { kind: 'answer', addresses: hit };
    }
  }
  const qualified = index.qualifiedName(n);
  if (qualified.length > 0) return { kind: 'answer', addresses: qualified };
  if (!asker) {
    const one = index.unambiguous(n);
    if (one === null) return { kind: 'nxdomain' };
    if (one.length > 0) return { kind: 'answer', addresses: one };
  }
  return isOurs(index, n) ? { kind: 'nxdomain' } : { kind: 'forward' };
}

/** Names only Shoal can know: single labels, `tasks.<x>`, and `<x>.<project>` of a project it runs. */
function isOurs(index: NameIndex, n: string): boolean {
  if (!n.includes('.')) return true;
  if (n.startsWith('tasks.') && n.split('.').length === 2) return true;
  const labels = n.split('.');
  return labels.length === 2 && index.hasProject(labels[1] ?? '');
}
