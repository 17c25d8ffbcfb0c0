// Engine events as the cluster shows them: tagged with the node they came from, as classic Swarm did.
import type { Engine } from '../engine/engine.js';
import type { DockerEvent } from '../engine/types.js';

function nodeOf(engine: Engine): { Name: string; Id: string; Addr: string; Ip: string } {
  return { Name: engine.name, Id: engine.id, Addr: engine.addr, Ip: engine.ip };
}

function nodeAttributes(engine: Engine): Record<string, string> {
  return { 'node.name': engine.name, 'node.id': engine.id, 'node.addr': engine.addr, 'node.ip': engine.ip };
}

export function decorate(engine: Engine, ev: DockerEvent): DockerEvent {
  return {
    ...ev,
    ...(ev.from !== undefined ? { from: `${ev.from} node:${engine.name}` } : {}),
    Actor: { ID: ev.Actor.ID, Attributes: { ...ev.Actor.Attributes, ...nodeAttributes(engine) } },
    node: nodeOf(engine),
  };
}

/** Shoal's own events: engine_connect, engine_disconnect, engine_reconnect. */
export function clusterEvent(engine: Engine, action: string, now = Date.now()): DockerEvent {
  return {
    status: action,
    id: engine.id,
    from: 'swarm',
    Type: 'swarm',
    Action: action,
    Actor: { ID: engine.id, Attributes: { name: engine.name, ...nodeAttributes(engine) } },
    scope: 'local',
    time: Math.floor(now / 1000),
    timeNano: now * 1e6,
    node: nodeOf(engine),
  };
}
