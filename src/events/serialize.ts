// An event as JSON for clients, with the engine's exact nanosecond timestamp.
import type { DockerEvent } from '../engine/types.js';

export function eventJson(ev: DockerEvent): string {
  const { timeNanoText, ...rest } = ev;
  const text = JSON.stringify(rest);
  if (!timeNanoText) return text;
  return text.replace(/"timeNano":[0-9.e+]+/, `"timeNano":${timeNanoText}`);
}
