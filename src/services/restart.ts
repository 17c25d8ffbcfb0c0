// The restart policy: whether a task that ended gets a successor in its slot, and after what delay.
// SwarmKit keeps the restart count in memory and loses it on failover; Shoal carries it on the tasks.
import { restartPolicy } from './spec.js';
import type { TaskState } from './task-state.js';
import type { Task } from './types.js';

export type RestartVerdict =
  | { restart: false; reason: string }
  | { restart: true; delayMs: number; history: readonly number[] | undefined };

/**
 * Whether `task`, which ended in `state`, is restarted under its own restart policy (the one it was made
 * with). `specVersion` is the service's current one: restarts under an older spec do not count.
 */
export function restartVerdict(
  task: Task,
  state: TaskState,
  specVersion: number,
  now: number,
): RestartVerdict {
  const policy = restartPolicy(task.Spec);
  if (policy.condition === 'none') return { restart: false, reason: 'restart policy: none' };
  if (policy.condition === 'on-failure' && state === 'complete') {
    return { restart: false, reason: 'restart policy: on-failure, and it completed' };
  }
  if (policy.maxAttempts === 0) return { restart: true, delayMs: policy.delayMs, history: undefined };
  const past = task.SpecVersion === specVersion ? (task.RestartHistory ?? []) : [];
  const counted = policy.windowMs > 0 ? past.filter((t) => t > now - policy.windowMs) : past;
  if (counted.length >= policy.maxAttempts) {
    const within = policy.windowMs > 0 ? ` within ${policy.windowMs / 1000}s` : '';
    return { restart: false, reason: `restart policy: ${policy.maxAttempts} attempts${within} used` };
  }
  // Only what can still count is kept, so the list stays at most MaxAttempts long.
  return { restart: true, delayMs: policy.delayMs, history: [...counted, now] };
}
