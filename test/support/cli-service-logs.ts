// What the Docker CLI does with a `docker service logs` answer, by its rules (docker/cli
// cli/command/service/logs.go and service/logs/parse_logs.go): stdcopy.StdCopy hands each frame's
// payload to a writer that splits it on spaces into [timestamp] details message, parses the details and
// requires the three swarm IDs. Throws the CLI's own errors, so a test sees what a user would.

export interface CliLogLine {
  stream: 'stdout' | 'stderr';
  timestamp: string | undefined;
  nodeId: string;
  serviceId: string;
  taskId: string;
  /** Details other than the three IDs. */
  details: Record<string, string>;
  message: string;
}

/** stdcopy.StdCopy: the frames' payloads, stdin and stdout to stdout; a daemon error frame throws. */
export function stdCopy(body: Buffer): { stream: 'stdout' | 'stderr'; payload: Buffer }[] {
  const out: { stream: 'stdout' | 'stderr'; payload: Buffer }[] = [];
  let i = 0;
  while (i < body.length) {
    if (body.length - i < 8) throw new Error(`cut frame header at byte ${i}`);
    const kind = body[i] ?? 0;
    const end = i + 8 + body.readUInt32BE(i + 4);
    if (end > body.length) throw new Error(`cut frame at byte ${i}`);
    const payload = body.subarray(i + 8, end);
    if (kind === 3) throw new Error(`error from daemon in stream: ${payload.toString()}`);
    if (kind > 3) throw new Error(`Unrecognized input header: ${kind}`);
    out.push({ stream: kind === 2 ? 'stderr' : 'stdout', payload });
    i = end;
  }
  return out;
}

/** Go's url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '+') bytes.push(0x20);
    else if (ch === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`invalid URL escape "${s.slice(i, i + 3)}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** logs.ParseLogDetails */
function parseLogDetails(details: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of details.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error('invalid details format');
    map[queryUnescape(pair.slice(0, eq))] = queryUnescape(pair.slice(eq + 1));
  }
  return map;
}

/** bytes.SplitN(buf, " ", n) */
function splitN(buf: Buffer, n: number): Buffer[] {
  const parts: Buffer[] = [];
  let rest = buf;
  while (parts.length < n - 1) {
    const sp = rest.indexOf(0x20);
    if (sp < 0) break;
    parts.push(rest.subarray(0, sp));
    rest = rest.subarray(sp + 1);
  }
  parts.push(rest);
  return parts;
}

/** logWriter.Write for one frame's payload. */
export function parseCliLine(
  stream: 'stdout' | 'stderr',
  buf: Buffer,
  opts: { timestamps: boolean },
): CliLogLine {
  const detailsIndex = opts.timestamps ? 1 : 0;
  const parts = splitN(buf, detailsIndex + 2);
  if (parts.length !== detailsIndex + 2) throw new Error(`invalid context in log message: ${buf.toString()}`);
  const details = parseLogDetails(String(parts[detailsIndex]));
  const take = (key: string, what: string) => {
    const v = details[key];
    if (v === undefined) throw new Error(`missing ${what} id in details: ${JSON.stringify(details)}`);
    delete details[key];
    return v;
  };
  return {
    stream,
    timestamp: opts.timestamps ? String(parts[0]) : undefined,
    nodeId: take('com.docker.swarm.node.id', 'node'),
    serviceId: take('com.docker.swarm.service.id', 'service'),
    taskId: take('com.docker.swarm.task.id', 'task'),
    details,
    message: String(parts[detailsIndex + 1]),
  };
}

/** A whole `docker service logs` answer (not TTY, not --raw) as the CLI reads it. */
export function decodeAsCli(body: Buffer, opts: { timestamps: boolean }): CliLogLine[] {
  return stdCopy(body).map((f) => parseCliLine(f.stream, f.payload, opts));
}
