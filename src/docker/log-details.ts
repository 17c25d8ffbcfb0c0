// A log line as the engine writes it for swarm services (moby's httputils.WriteLogStream): its timestamp,
// its details (`k=v,…`, keys sorted, both URL-query-escaped) and the message. Pure.
import type { LogLine } from './log-lines.js';

/** The details that say which task a line comes from; the Docker CLI needs all three. */
export interface TaskLogContext {
  nodeId: string;
  serviceId: string;
  taskId: string;
}

// Go's url.QueryEscape leaves these bytes as they are and writes a space as '+'.
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** Go's url.QueryEscape, byte for byte (UTF-8). */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (UNRESERVED.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The details part of a line: pairs sorted by key, escaped, comma-separated. */
export function formatLogDetails(attrs: Readonly<Record<string, string>>): string {
  return Object.keys(attrs)
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(attrs[k] ?? '')}`)
    .join(',');
}

/** The details a swarm task's lines carry (moby's daemon/cluster ServiceLogs). */
export function taskLogDetails(ctx: TaskLogContext): string {
  return formatLogDetails({
    'com.docker.swarm.node.id': ctx.nodeId,
    'com.docker.swarm.service.id': ctx.serviceId,
    'com.docker.swarm.task.id': ctx.taskId,
  });
}

/** `[<timestamp> ][<details> ]<message>`: each part only when it was asked for. */
export function formatLogLine(line: LogLine, details: string | undefined): Buffer {
  let prefix = '';
  if (line.timestamp !== undefined) prefix += `${line.timestamp} `;
  if (details !== undefined) prefix += `${details} `;
  return prefix ? Buffer.concat([Buffer.from(prefix, 'utf8'), line.text]) : line.text;
}
