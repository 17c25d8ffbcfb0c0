// Resource arithmetic shared by the resources filter, the strategies and `docker info`: requests,
// reservations, totals, the reservation score.

/** Total with classic's overcommit: integer percent, integer arithmetic (so < 20 CPUs get none). */
export function withOvercommit(amount: number, overcommit: number): number {
  const pct = Math.trunc(overcommit * 100);
  return amount + Math.trunc((amount * pct) / 100);
}

/** Classic's integer score: share of the (overcommitted) total in use after placing the request. */
export function reservationScore(used: number, requested: number, total: number): number {
  if (requested <= 0) return 100;
  if (total <= 0) return Number.POSITIVE_INFINITY;
  return Math.trunc(((used + requested) * 100) / total);
}

/** CPUs a container asks for: --cpus (NanoCpus), else classic's -c N meaning N CPUs. */
export function requestedCpus(hostConfig: { NanoCpus?: number; CpuShares?: number } | undefined): number {
  const nano = hostConfig?.NanoCpus ?? 0;
  if (nano > 0) return nano / 1e9;
  return hostConfig?.CpuShares ?? 0;
}

/** CPUs an existing container holds: NanoCpus, else shares converted back as classic did (shares·cpus/1024). */
export function heldCpus(
  hostConfig: { NanoCpus?: number; CpuShares?: number } | undefined,
  engineCpus: number,
): number {
  const nano = hostConfig?.NanoCpus ?? 0;
  if (nano > 0) return nano / 1e9;
  const shares = hostConfig?.CpuShares ?? 0;
  return shares > 0 ? Math.trunc((shares * engineCpus) / 1024) : 0;
}

/** Memory a container holds or asks for: the hard limit, else the reservation. */
export function memoryOf(hostConfig: { Memory?: number; MemoryReservation?: number } | undefined): number {
  return (hostConfig?.Memory ?? 0) || (hostConfig?.MemoryReservation ?? 0);
}
