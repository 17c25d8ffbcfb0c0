// Which events a `docker events --filter …` subscriber gets: Docker's rules, plus `node` for the engine.
import { FilterArgs } from '../docker/filters.js';
import type { DockerEvent } from '../engine/types.js';

export const EVENT_FILTERS = [
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'node',
  'plugin',
  'scope',
  'type',
  'volume',
  'config',
  'secret',
  'service',
] as const;

/** Docker matches the field against the actor's ID or name, whatever the event's type. */
function fuzzyName(f: FilterArgs, field: string, ev: DockerEvent): boolean {
  if (!f.has(field)) return true;
  return f.fuzzyMatch(field, ev.Actor.ID) || f.fuzzyMatch(field, ev.Actor.Attributes['name'] ?? '');
}

function stripTag(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(0, colon) : image;
}

function matchImage(f: FilterArgs, ev: DockerEvent): boolean {
  if (!f.has('image')) return true;
  const name = ev.Actor.Attributes[ev.Type === 'image' ? 'name' : 'image'] ?? '';
  const id = ev.Actor.ID;
  return (
    f.exactMatch('image', id) ||
    f.exactMatch('image', name) ||
    f.exactMatch('image', stripTag(id)) ||
    f.exactMatch('image', stripTag(name))
  );
}

function matchEvent(f: FilterArgs, action: string): boolean {
  if (!f.has('event')) return true;
  const fuzzy = f
    .values('event')
    .some((v) => v === 'health_status' || v === 'exec_create' || v === 'exec_start');
  return fuzzy ? f.fuzzyMatch('event', action) : f.exactMatch('event', action);
}

/** The engine a Shoal event came from matches `node=` by name or ID (prefix, as Docker's fuzzy match). */
function matchNode(f: FilterArgs, ev: DockerEvent): boolean {
  if (!f.has('node')) return true;
  const a = ev.Actor.Attributes;
  return (
    f.fuzzyMatch('node', a['node.name'] ?? '') ||
    f.fuzzyMatch('node', a['node.id'] ?? '') ||
    (ev.Type === 'node' && (f.fuzzyMatch('node', ev.Actor.ID) || f.fuzzyMatch('node', a['name'] ?? '')))
  );
}

export function includeEvent(f: FilterArgs, ev: DockerEvent): boolean {
  if (f.size === 0) return true;
  const attrs = ev.Actor.Attributes;
  return (
    matchEvent(f, ev.Action) &&
    f.exactMatch('type', ev.Type) &&
    f.exactMatch('scope', ev.scope ?? 'local') &&
    fuzzyName(f, 'daemon', ev) &&
    fuzzyName(f, 'container', ev) &&
    fuzzyName(f, 'plugin', ev) &&
    fuzzyName(f, 'volume', ev) &&
    fuzzyName(f, 'network', ev) &&
    matchImage(f, ev) &&
    matchNode(f, ev) &&
    fuzzyName(f, 'service', ev) &&
    fuzzyName(f, 'secret', ev) &&
    fuzzyName(f, 'config', ev) &&
    f.matchKVList('label', attrs)
  );
}
