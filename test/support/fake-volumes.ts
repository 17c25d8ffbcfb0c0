// The fake engine's local volumes: create, list, inspect, remove, prune, refused as Docker 20.10 refuses.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { VOLUME_CREATE } from '../../src/docker/api-bodies.js';
import { boolValue } from '../../src/docker/filters.js';
import { FakeRefusal, goBody } from './fake-bodies.js';

export interface FakeVolume {
  Name: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: 'local';
  Mountpoint: string;
  CreatedAt: string;
}

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class FakeVolumes {
  readonly volumes = new Map<string, FakeVolume>();

  /** Answers a /volumes request: [status, body], or undefined when the path is not a volume one. */
  async handle(
    method: string,
    path: string,
    url: URL,
    req: IncomingMessage,
  ): Promise<[number, unknown] | undefined> {
    if (path === '/volumes' && method === 'GET')
      return [200, { Volumes: [...this.volumes.values()], Warnings: null }];
    if (path === '/volumes/create' && method === 'POST') return this.create(req);
    if (path === '/volumes/prune' && method === 'POST') {
      const deleted = [...this.volumes.keys()];
      this.volumes.clear();
      return [200, { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: 0 }];
    }
    const m = /^\/volumes\/(.+)$/.exec(path);
    if (!m) return undefined;
    const name = decodeURIComponent(m[1] ?? '');
    const v = this.volumes.get(name);
    if (method === 'DELETE') {
      if (!v && boolValue(url.searchParams.get('force'))) return [204, undefined];
      if (!v) return [404, { message: `get ${name}: no such volume` }];
      this.volumes.delete(name);
      return [204, undefined];
    }
    return v ? [200, v] : [404, { message: `get ${name}: no such volume` }];
  }

  private async create(req: IncomingMessage): Promise<[number, unknown]> {
    const body =
      (await goBody(req, VOLUME_CREATE, { status: 400, eof: 'got EOF while reading request body' })) ?? {};
    const name = (body['Name'] as string | null | undefined) || randomBytes(32).toString('hex');
    const driver = (body['Driver'] as string | null | undefined) || 'local';
    if (driver !== 'local')
      throw new FakeRefusal(
        404,
        `create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`,
      );
    if (!VALID.test(name))
      throw new FakeRefusal(
        400,
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    if (name.length < 2)
      throw new FakeRefusal(
        400,
        `create ${name}: volume name is too short, names should be at least two alphanumeric characters`,
      );
    const existing = this.volumes.get(name);
    if (existing) return [201, existing];
    const volume: FakeVolume = {
      Name: name,
      Driver: 'local',
      Labels: (body['Labels'] as Record<string, string> | null | undefined) ?? null,
      Options: (body['DriverOpts'] as Record<string, string> | null | undefined) ?? null,
      Scope: 'local',
      Mountpoint: `/fake/volumes/${name}/_data`,
      CreatedAt: new Date().toISOString(),
    };
    this.volumes.set(name, volume);
    return [201, volume];
  }
}
