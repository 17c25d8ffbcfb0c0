// The query of GET /services/{id}/logs and /tasks/{id}/logs, checked as the engine checks it (moby's
// swarmLogs and cluster ServiceLogs, with their texts) before any of the answer is written.
import { boolValue } from '../docker/filters.js';
import { parseInt64, parseTimestamp, StrconvError } from '../docker/strconv.js';
import { ApiError } from '../errors.js';

export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  /** Prefix each line with its details (the task's swarm IDs): what the Docker CLI always asks for. */
  details: boolean;
  /** How many of each task's last lines, as a container's logs take it; undefined for all. */
  tail: string | undefined;
  /** `seconds[.nanoseconds]`, passed on to each task's engine as it came. */
  since: string | undefined;
}

export function parseLogQuery(query: URLSearchParams): LogQuery {
  const stdout = boolValue(query.get('stdout'));
  const stderr = boolValue(query.get('stderr'));
  if (!stdout && !stderr) throw ApiError.invalid('Bad parameters: you must choose at least one stream');
  return {
    stdout,
    stderr,
    follow: boolValue(query.get('follow')),
    timestamps: boolValue(query.get('timestamps')),
    details: boolValue(query.get('details')),
    tail: parseTail(query.get('tail') ?? ''),
    since: parseSince(query.get('since') ?? ''),
  };
}

/** Stricter than a container's logs (where anything not a number means all): swarm refuses it. */
function parseTail(text: string): string | undefined {
  if (text === 'all' || text === '') return undefined;
  let n: bigint;
  try {
    n = parseInt64(text, 'Atoi');
  } catch {
    throw ApiError.invalid('tail value must be a positive integer or "all"');
  }
  if (n < 0n) throw ApiError.invalid('negative tail values not supported');
  return String(n);
}

function parseSince(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    parseTimestamp(text);
  } catch (err) {
    if (err instanceof StrconvError)
      throw ApiError.invalid(`could not parse since timestamp: ${err.message}`);
    throw err;
  }
  return text;
}
