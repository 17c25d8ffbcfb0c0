// The resolvers a container is given: this manager's own addresses first, then the other managers'
// (each manager serves the same answers), at most three. Docker takes no more: its embedded resolver tries
// at most 3 external servers (libnetwork's maxExtDNS), and on the default bridge glibc reads at most 3
// nameservers from resolv.conf (MAXNS). Pure.

/** Docker's and glibc's limit on nameservers. */
export const MAX_RESOLVERS = 3;

/**
 * `own` first, then the other managers' addresses in the order given: one address of every manager before
 * any manager's second (another manager serves when this one is gone, a second address of the same one
 * does not), without repeats, cut at `max`.
 */
export function resolverList(
  own: readonly string[],
  others: readonly (readonly string[])[],
  max = MAX_RESOLVERS,
): string[] {
  const out: string[] = [];
  const add = (a: string | undefined) => {
    if (a !== undefined && a !== '' && !out.includes(a) && out.length < max) out.push(a);
  };
  const managers = [own, ...others];
  const depth = Math.max(0, ...managers.map((m) => m.length));
  for (let i = 0; i < depth; i++) for (const m of managers) add(m[i]);
  return out;
}
