// Secrets and configs as the API shows them: a secret never with its data (SwarmKit clears it before any
// answer), a config with its data, base64, as the engine encodes a []byte.
import type { DataKind, DataRecord } from './types.js';

export function dataObject(kind: DataKind, r: DataRecord): Record<string, unknown> {
  const spec: Record<string, unknown> = { Name: r.Spec.Name, Labels: r.Spec.Labels ?? {} };
  if (kind === 'config' && r.Data !== undefined) spec['Data'] = r.Data;
  if (r.Spec.Driver) spec['Driver'] = r.Spec.Driver;
  if (r.Spec.Templating) spec['Templating'] = r.Spec.Templating;
  return {
    ID: r.ID,
    Version: { Index: r.Version.Index },
    CreatedAt: r.CreatedAt,
    UpdatedAt: r.UpdatedAt,
    Spec: spec,
  };
}
