// /swarm: the swarm Shoal makes of its pool. It can be inspected; init, join, leave and update are refused
// (Shoal already is the swarm's manager), and unlocking answers as for a swarm that is never locked.
import { ApiError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendJson } from '../respond.js';

const SHOAL = 'Shoal is the swarm manager for this pool of engines';
const ALREADY = `This node is already part of a swarm. ${SHOAL}`;

const REFUSALS = {
  init: `${ALREADY}; its swarm exists already and needs no "docker swarm init": engines join it through Shoal's discovery.`,
  join: `${ALREADY}; engines join it through Shoal's discovery and managers with "shoal manage --replication", not with "docker swarm join".`,
  leave: `${SHOAL} and cannot leave its own swarm: to take an engine out, remove it from Shoal's discovery; to stop the swarm, stop Shoal.`,
  update: `${SHOAL} and keeps swarm mode's default settings: "docker swarm update" cannot change them.`,
};

export function inspect(deps: ApiDeps, ctx: RequestContext): void {
  sendJson(ctx.res, 200, deps.nodes.swarm());
}

/** Docker's status for a swarm that exists (503), with what to do instead. */
export function refuse(action: keyof typeof REFUSALS): () => never {
  return () => {
    throw ApiError.unavailable(REFUSALS[action]);
  };
}

/** Docker's answer for a swarm without auto-lock. */
export function unlock(): never {
  throw ApiError.conflict('swarm is not locked');
}

export function unlockKey(_deps: ApiDeps, ctx: RequestContext): void {
  sendJson(ctx.res, 200, { UnlockKey: '' });
}
