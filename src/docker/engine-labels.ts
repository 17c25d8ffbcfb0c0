// The labels classic Swarm adds to every engine's own (`--label`) ones: not the engine's, so swarm mode's
// `engine.labels.*` (node Description, constraints, spread preferences) leaves them out.

export const BUILTIN_ENGINE_LABELS = ['storagedriver', 'kernelversion', 'operatingsystem', 'ostype'] as const;

export type BuiltinEngineLabel = (typeof BUILTIN_ENGINE_LABELS)[number];

/** Whether a key of an engine snapshot's labels is one of classic's built-ins (engines cannot set those). */
export function isBuiltinEngineLabel(key: string): key is BuiltinEngineLabel {
  return (BUILTIN_ENGINE_LABELS as readonly string[]).includes(key);
}
