// System endpoints Shoal answers itself: /_ping, /version, /info.
import { arch, release } from 'node:os';
import { SERVER_VERSION, SHOAL } from '../../version.js';
import { advertisedVersions } from '../advertised.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { InfoAnswer } from '../info-answer.js';
import { baseHeaders, sendJson } from '../respond.js';

export function ping(ctx: RequestContext): void {
  const body = ctx.method === 'HEAD' ? '' : 'OK';
  ctx.res.writeHead(200, {
    ...baseHeaders(),
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    // What a swarm manager's engine sends (API 1.42+); the CLI shows its swarm commands for it.
    Swarm: 'active/manager',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  ctx.res.end(body);
}

export function version(deps: ApiDeps, ctx: RequestContext): void {
  const { api, min } = advertisedVersions(deps.pool);
  const goArch = arch() === 'x64' ? 'amd64' : arch();
  const details = {
    ApiVersion: api,
    MinAPIVersion: min,
    GitCommit: SHOAL.commit,
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch,
    KernelVersion: release(),
    Experimental: 'false',
    BuildTime: '',
  };
  const engines = deps.pool.validated().map((e) => ({
    Name: e.name,
    Version: e.specs?.serverVersion ?? '',
    Details: { ApiVersion: e.apiVersion, MinAPIVersion: e.specs?.minApiVersion ?? '', Addr: e.addr },
  }));
  sendJson(ctx.res, 200, {
    Platform: { Name: `Shoal ${SHOAL.version}` },
    Components: [{ Name: 'Engine', Version: SERVER_VERSION, Details: details }, ...engines],
    Version: SERVER_VERSION,
    ApiVersion: api,
    MinAPIVersion: min,
    GitCommit: SHOAL.commit,
    GoVersion: details.GoVersion,
    Os: 'linux',
    Arch: goArch,
    KernelVersion: details.KernelVersion,
    Experimental: false,
    BuildTime: '',
  });
}

const infoAnswers = new WeakMap<ApiDeps, InfoAnswer>();

export function info(deps: ApiDeps, ctx: RequestContext): void {
  let answer = infoAnswers.get(deps);
  if (!answer) infoAnswers.set(deps, (answer = new InfoAnswer(deps)));
  const { body, bytes } = answer.text();
  ctx.res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json', 'Content-Length': bytes });
  ctx.res.end(body);
}
