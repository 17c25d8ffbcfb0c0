// What an engine event means for Shoal's caches: pure, so it is tested without an engine.
import type { CachedContainer, DockerEvent } from './types.js';

export interface EventEffect {
  /** Re-read this container; or drop it (destroy). */
  container?: { id: string; action: 'refresh' | 'remove' };
  images?: boolean;
  networks?: boolean;
  volumes?: boolean;
  specs?: boolean;
  /** An exec instance was created: remember where it lives. */
  exec?: { id: string; containerId: string };
  /**
   * Check the engine's health now: a container is being killed, which is also the first thing a stopping
   * daemon does to every container (while it still answers on the connections it has).
   */
  probe?: boolean;
}

/** Container actions that change nothing Shoal keeps. */
const QUIET = new Set([
  'top',
  'resize',
  'export',
  'attach',
  'detach',
  'copy',
  'archive-path',
  'extract-to-dir',
  'exec_create',
  'exec_start',
  'exec_die',
  'exec_detach',
]);

export function effectOf(ev: DockerEvent): EventEffect {
  const action = (ev.Action ?? ev.status ?? '').split(':')[0]?.trim() ?? '';
  const id = ev.Actor?.ID ?? ev.id ?? '';
  const attrs = ev.Actor?.Attributes ?? {};
  switch (ev.Type) {
    case 'container': {
      const effect: EventEffect = {};
      if (action === 'exec_create' && attrs['execID']) effect.exec = { id: attrs['execID'], containerId: id };
      if (action === 'commit') effect.images = true;
      if (action === 'kill') effect.probe = true;
      if (action === 'destroy') effect.container = { id, action: 'remove' };
      else if (!QUIET.has(action)) effect.container = { id, action: 'refresh' };
      return effect;
    }
    case 'image':
      return { images: true };
    case 'network': {
      const container = attrs['container'];
      return container
        ? { networks: true, container: { id: container, action: 'refresh' } }
        : { networks: true };
    }
    case 'volume':
      return { volumes: true };
    case 'daemon':
      return action === 'reload' ? { specs: true } : {};
    default:
      return {};
  }
}

/** How far an engine's own timestamps may be from its event's time and still describe the same change. */
const SAME_CHANGE_MS = 1000;

/**
 * Whether the cache already shows what a container event says, so re-reading it would fetch the same
 * thing (after a change made through Shoal, which re-read the container when the engine answered). Compared
 * on the engine's own clock: a `start` whose StartedAt the cache has, a `die` whose FinishedAt it has, a
 * `create` of a container it has. Anything else is re-read.
 */
export function alreadyCached(c: CachedContainer | undefined, ev: DockerEvent): boolean {
  if (!c) return false;
  const action = (ev.Action ?? ev.status ?? '').split(':')[0]?.trim() ?? '';
  const at = ev.timeNano > 0 ? ev.timeNano / 1e6 : ev.time * 1000;
  const near = (iso: string | undefined) => {
    const t = iso ? Date.parse(iso) : NaN;
    return !Number.isNaN(t) && t <= at + SAME_CHANGE_MS && t >= at - SAME_CHANGE_MS;
  };
  const s = c.detail.State;
  switch (action) {
    case 'create':
      return true;
    case 'start':
      return s.Running === true && near(s.StartedAt);
    case 'die':
      return s.Running !== true && near(s.FinishedAt);
    default:
      return false;
  }
}
