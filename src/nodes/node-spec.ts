// `POST /nodes/{id}/update?version=N`: the version and the NodeSpec body, checked as Docker checks them
// (its texts: `invalid node version ''…`, `invalid Role: "x"`, `invalid Availability: "x"`).
import { ApiError } from '../errors.js';
import type { NodeAvailability } from '../scheduler/types.js';

export interface RequestedNodeSpec {
  Name?: string;
  Labels: Record<string, string>;
  Role: 'worker' | 'manager';
  Availability: NodeAvailability;
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** The `version` query value as Go's strconv.ParseUint reads it. */
export function parseNodeVersion(raw: string | null): number {
  const text = raw ?? '';
  const why = !/^\d+$/.test(text) ? 'invalid syntax' : BigInt(text) > MAX_UINT64 ? 'value out of range' : '';
  if (why) {
    throw ApiError.invalid(
      `invalid node version '${text}': strconv.ParseUint: parsing ${JSON.stringify(text)}: ${why}`,
    );
  }
  return Number(text);
}

/** The body of a node update; a missing body reads as an empty spec, which Docker refuses for its role. */
export function parseNodeSpec(body: Record<string, unknown> | undefined): RequestedNodeSpec {
  const b = body ?? {};
  const name = field(b, 'Name', 'string');
  const labels = b['Labels'] ?? null;
  if (labels !== null && (typeof labels !== 'object' || Array.isArray(labels)))
    throw typeError('Labels', labels, 'map[string]string');
  for (const v of Object.values(labels ?? {})) {
    if (typeof v !== 'string') throw typeError('Labels', v, 'string');
  }
  const role = (field(b, 'Role', 'string') ?? '').toLowerCase();
  if (role !== 'worker' && role !== 'manager')
    throw ApiError.invalid(`invalid Role: ${JSON.stringify(b['Role'] ?? '')}`);
  const availability = (field(b, 'Availability', 'string') ?? '').toLowerCase();
  if (availability !== 'active' && availability !== 'pause' && availability !== 'drain') {
    throw ApiError.invalid(`invalid Availability: ${JSON.stringify(b['Availability'] ?? '')}`);
  }
  return {
    ...(name ? { Name: name } : {}),
    Labels: { ...(labels as Record<string, string> | null) },
    Role: role,
    Availability: availability,
  };
}

function field(b: Record<string, unknown>, key: string, type: 'string'): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw typeError(key, v, type);
  return v as string;
}

/** Go's encoding/json text for a value of the wrong type. */
function typeError(field: string, v: unknown, goType: string): ApiError {
  const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : v === null ? 'null' : typeof v;
  return ApiError.invalid(
    `json: cannot unmarshal ${kind} into Go struct field NodeSpec.${field} of type ${goType}`,
  );
}
