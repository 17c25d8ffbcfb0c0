// Docker's human-readable texts: durations ("About a minute"), byte sizes ("2.053 GiB"), container status.

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units BytesSize: "%.4g %s" with binary units. */
export function bytesSize(size: number): string {
  let i = 0;
  let v = size;
  while (v >= 1024 && i < BINARY.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatG4(v)} ${BINARY[i]}`;
}

/** Go's %.4g for values below 10,000: four significant digits, no trailing zeros. */
function formatG4(v: number): string {
  if (v === 0) return '0';
  const s = v.toPrecision(4);
  if (s.includes('e')) return String(Number(s));
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export interface StateForStatus {
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  Dead?: boolean;
  Status?: string;
  ExitCode?: number;
  StartedAt?: string;
  FinishedAt?: string;
  Health?: { Status?: string } | null;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function isZero(t: string | undefined): boolean {
  return !t || t.startsWith('0001-01-01');
}

function since(t: string | undefined, now: number): number {
  return now - Date.parse(t ?? ZERO_TIME);
}

/** The "Status" column of `docker ps`, as the engine computes it (container State.String()). */
export function statusText(s: StateForStatus, now = Date.now()): string {
  if (s.Running) {
    if (s.Paused) return `Up ${humanDuration(since(s.StartedAt, now))} (Paused)`;
    if (s.Restarting) return `Restarting (${s.ExitCode ?? 0}) ${humanDuration(since(s.FinishedAt, now))} ago`;
    const health = s.Health?.Status;
    if (health && health !== 'none') {
      const h = health === 'starting' ? 'health: starting' : health;
      return `Up ${humanDuration(since(s.StartedAt, now))} (${h})`;
    }
    return `Up ${humanDuration(since(s.StartedAt, now))}`;
  }
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Dead) return 'Dead';
  if (isZero(s.StartedAt)) return 'Created';
  if (isZero(s.FinishedAt)) return '';
  return `Exited (${s.ExitCode ?? 0}) ${humanDuration(since(s.FinishedAt, now))} ago`;
}

/** The one-word state (`created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`). */
export function stateString(s: StateForStatus): string {
  if (s.Running) {
    if (s.Paused) return 'paused';
    if (s.Restarting) return 'restarting';
    return 'running';
  }
  if (s.Status === 'removing') return 'removing';
  if (s.Dead) return 'dead';
  if (isZero(s.StartedAt)) return 'created';
  return 'exited';
}
