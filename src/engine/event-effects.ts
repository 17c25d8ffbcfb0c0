// What an engine event means for Shoal's caches: pure, so it is tested without an engine.
import type { DockerEvent } from './types.js';

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
