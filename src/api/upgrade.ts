// Which upgrade requests Shoal relays (attach, attach/ws, exec start) and where each goes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.js';
import type { ApiDeps } from './deps.js';
import { containerPath, locate, locateExec } from './handlers/locate.js';
import { relayUpgrade, rejectUpgrade, type HijackTarget } from './hijack.js';
import { splitVersion } from './router.js';
import { checkVersion } from './version-check.js';

async function target(
  deps: ApiDeps,
  method: string,
  path: string,
  query: string,
  version: string,
): Promise<HijackTarget> {
  const q = query ? `?${query}` : '';
  let m = /^\/containers\/([^/]+)\/(attach|attach\/ws)$/.exec(path);
  if (m && ((m[2] === 'attach' && method === 'POST') || (m[2] === 'attach/ws' && method === 'GET'))) {
    const loc = locate(deps.pool, decodeURIComponent(m[1] ?? ''));
    return {
      engine: loc.engine,
      path: `/v${loc.engine.versionFor(version)}${containerPath(loc, `/${m[2]}`)}${q}`,
    };
  }
  m = /^\/exec\/([^/]+)\/start$/.exec(path);
  if (m && method === 'POST') {
    const exec = await locateExec(deps.pool, decodeURIComponent(m[1] ?? ''));
    return {
      engine: exec.engine,
      path: `/v${exec.engine.versionFor(version)}/exec/${exec.id}/start${q}`,
    };
  }
  throw ApiError.notFound('page not found');
}

export async function handleUpgrade(
  deps: ApiDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  socket.on('error', () => undefined);
  try {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const { version, rest } = splitVersion(qi < 0 ? url : url.slice(0, qi));
    checkVersion(deps.pool, version);
    const t = await target(deps, req.method ?? 'GET', rest, qi < 0 ? '' : url.slice(qi + 1), version);
    await relayUpgrade(req, socket, head, t);
  } catch (err) {
    rejectUpgrade(socket, err);
  }
}
