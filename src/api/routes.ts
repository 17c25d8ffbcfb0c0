// The route table: every Docker Engine API endpoint Shoal serves, and the ones not built yet (501).
import { ApiError } from '../errors.js';
import type { RequestContext } from './context.js';
import type { ApiDeps } from './deps.js';
import { changeState, execCreate, passthrough } from './handlers/container-ops.js';
import * as containers from './handlers/containers.js';
import { events } from './handlers/events.js';
import { execPassthrough } from './handlers/exec.js';
import { build } from './handlers/build.js';
import { createImage, loadImages } from './handlers/image-transfer.js';
import * as images from './handlers/images.js';
import * as networks from './handlers/networks.js';
import * as nodes from './handlers/nodes.js';
import * as secrets from './handlers/secrets.js';
import * as services from './handlers/services.js';
import * as tasks from './handlers/tasks.js';
import * as swarm from './handlers/swarm.js';
import * as volumes from './handlers/volumes.js';
import { info, ping, version } from './handlers/system.js';
import { metrics } from './handlers/metrics.js';
import * as view from './handlers/view.js';
import { Router, type Handler } from './router.js';

type DepsHandler = (deps: ApiDeps, ctx: RequestContext) => Promise<void> | void;

/** Endpoints of the Docker API that later work will fill in; until then they say so, by name. */
const NOT_YET: [string, string][] = [
  ['GET', '/system/df'],
  ['POST', '/build/prune'],
  ['POST', '/build/cancel'],
  ['POST', '/session'],
  ['GET', '/plugins'],
];

/** "not supported" is what the Docker CLI looks for to try the next object type (`docker inspect x`). */
function notYet(method: string, pattern: string): Handler {
  return () => {
    throw ApiError.notImplemented(`${method} ${pattern.replace(/:\.\*/g, '')} is not supported by Shoal yet`);
  };
}

export function buildRouter(deps: ApiDeps): Router {
  const r = new Router();
  const on = (method: string, pattern: string, h: DepsHandler) =>
    r.add(method, pattern, (ctx) => h(deps, ctx));
  r.add('GET', '/_ping', ping).add('HEAD', '/_ping', ping);
  on('GET', '/version', version);
  on('GET', '/info', info);
  on('GET', '/events', events);
  on('GET', '/containers/json', containers.list);
  on('GET', '/containers/ps', containers.list);
  on('POST', '/containers/create', containers.create);
  on('POST', '/containers/prune', containers.prune);
  on('GET', '/containers/{id}/json', containers.inspect);
  on('DELETE', '/containers/{id}', containers.remove);
  on('POST', '/containers/{id}/rename', containers.rename);
  for (const op of ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'update']) {
    on('POST', `/containers/{id}/${op}`, changeState(`/${op}`));
  }
  for (const op of ['wait', 'resize', 'attach']) on('POST', `/containers/{id}/${op}`, passthrough(`/${op}`));
  for (const op of ['logs', 'stats', 'top', 'changes', 'export', 'archive', 'attach/ws']) {
    on('GET', `/containers/{id}/${op}`, passthrough(`/${op}`));
  }
  on('HEAD', '/containers/{id}/archive', passthrough('/archive'));
  on('PUT', '/containers/{id}/archive', passthrough('/archive'));
  on('POST', '/containers/{id}/exec', execCreate);
  on('POST', '/exec/{id}/start', execPassthrough('/start'));
  on('POST', '/exec/{id}/resize', execPassthrough('/resize'));
  on('GET', '/exec/{id}/json', execPassthrough('/json'));
  on('GET', '/images/json', images.list);
  on('POST', '/images/create', createImage);
  on('POST', '/images/load', loadImages);
  on('GET', '/images/get', images.save);
  on('GET', '/images/search', images.anyEngine);
  on('POST', '/images/prune', images.prune);
  on('POST', '/auth', images.anyEngine);
  on('GET', '/distribution/{name:.*}/json', images.anyEngine);
  on('POST', '/commit', images.commit);
  on('POST', '/build', build);
  on('GET', '/images/{name:.*}/json', images.imagePassthrough('/json'));
  on('GET', '/images/{name:.*}/history', images.imagePassthrough('/history'));
  on('GET', '/images/{name:.*}/get', images.imagePassthrough('/get'));
  on('POST', '/images/{name:.*}/push', images.push);
  on('POST', '/images/{name:.*}/tag', images.tag);
  on('DELETE', '/images/{name:.*}', images.remove);
  on('GET', '/networks', networks.list);
  on('POST', '/networks/create', networks.create);
  on('POST', '/networks/prune', networks.prune);
  // Network references may be `<node>/<name>`: the slash is part of the ID.
  on('POST', '/networks/{id:.*}/connect', networks.attach('connect'));
  on('POST', '/networks/{id:.*}/disconnect', networks.attach('disconnect'));
  on('GET', '/networks/{id:.*}', networks.inspect);
  on('DELETE', '/networks/{id:.*}', networks.remove);
  on('GET', '/volumes', volumes.list);
  on('POST', '/volumes/create', volumes.create);
  on('POST', '/volumes/prune', volumes.prune);
  on('GET', '/volumes/{name:.*}', volumes.inspect);
  on('DELETE', '/volumes/{name:.*}', volumes.remove);
  on('GET', '/swarm', swarm.inspect);
  on('GET', '/swarm/unlockkey', swarm.unlockKey);
  for (const action of ['init', 'join', 'leave', 'update'] as const) {
    r.add('POST', `/swarm/${action}`, swarm.refuse(action));
  }
  r.add('POST', '/swarm/unlock', swarm.unlock);
  on('GET', '/nodes', nodes.list);
  on('GET', '/nodes/{id}', nodes.inspect);
  on('POST', '/nodes/{id}/update', nodes.update);
  on('DELETE', '/nodes/{id}', nodes.remove);
  on('GET', '/services', services.list);
  on('POST', '/services/create', services.create);
  on('GET', '/services/{id}', services.inspect);
  on('POST', '/services/{id}/update', services.update);
  on('DELETE', '/services/{id}', services.remove);
  on('GET', '/services/{id}/logs', services.logs);
  on('GET', '/tasks', tasks.list);
  on('GET', '/tasks/{id}', tasks.inspect);
  on('GET', '/tasks/{id}/logs', tasks.logs);
  for (const [kind, path] of [
    ['secret', '/secrets'],
    ['config', '/configs'],
  ] as const) {
    on('GET', path, secrets.list(kind));
    on('POST', `${path}/create`, secrets.create(kind));
    on('GET', `${path}/{id}`, secrets.inspect(kind));
    on('POST', `${path}/{id}/update`, secrets.update(kind));
    on('DELETE', `${path}/{id}`, secrets.remove(kind));
  }
  // Operating Shoal: Prometheus metrics and the read-only cluster view.
  on('GET', '/metrics', metrics);
  on('GET', '/shoal', view.redirect);
  on('GET', '/shoal/', view.page);
  on('GET', '/shoal/api/state', view.state);
  on('GET', '/shoal/api/events', view.events);
  on('GET', '/shoal/{file}', view.file);
  for (const [method, pattern] of NOT_YET) r.add(method, pattern, notYet(method, pattern));
  return r;
}
