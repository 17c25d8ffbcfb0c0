// Typed operations on one engine: the one place Shoal's own calls spell Docker API paths. Every call
// reports its outcome to the engine's health, and a change is in the engine's cache before the call returns
// (read-your-writes); errors arrive parsed into kinds (errors.ts).
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { EngineClient, RequestOptions } from './client.js';
import { EngineHttpError } from './errors.js';
import { eachLine, streamError } from './progress.js';
import type { ListKind, ResourceLists } from './resource-lists.js';
import type { ContainerSummary } from './types.js';

/** What the operations need of their engine (Engine implements it). */
export interface OperationsHost {
  readonly client: EngineClient;
  readonly lists: ResourceLists;
  reportSuccess(): void;
  reportError(err: unknown): void;
  /** Re-reads one container into the cache; failures are reported, never thrown. */
  settleContainer(id: string): Promise<void>;
  versionFor(clientVersion: string): string;
}

export interface ContainerCreate {
  name?: string;
  body: Record<string, unknown>;
  /** Query to pass on (platform…), besides the name. */
  query?: Record<string, string | undefined>;
  /** The client's API version ("" or absent: the engine's). */
  version?: string;
  /** Headers to pass on (X-Registry-Auth). */
  headers?: Record<string, string>;
}

export interface ContainerCreated {
  id: string;
  warnings: string[];
  /** The engine's answer as it was, for a client that asked through Shoal. */
  status: number;
  body: Buffer;
}

export interface PullOptions {
  auth?: string;
  version?: string;
  /** The client's raw query (platform…) instead of one made from the image reference. */
  rawQuery?: string;
  /** Each progress object of the engine's stream, as it arrives. */
  progress?: (obj: Record<string, unknown>) => void;
}

type Query = Record<string, string | undefined>;

/** `repo[:tag|@digest]` → fromImage and tag, as the pull endpoint takes them. */
export function pullQuery(image: string): { fromImage: string; tag: string } {
  const at = image.lastIndexOf('@');
  if (at > 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/'))
    return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

const enc = encodeURIComponent;

export class EngineOperations {
  constructor(private readonly host: OperationsHost) {}

  /** One JSON call with its outcome reported to the engine's health. */
  private async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: { query?: Query; body?: unknown; timeoutMs?: number } = {},
  ): Promise<T> {
    try {
      const out = await this.host.client.json<T>(method, path, opts);
      this.host.reportSuccess();
      return out;
    } catch (err) {
      if (err instanceof EngineHttpError) this.host.reportSuccess();
      else this.host.reportError(err);
      throw err;
    }
  }

  /** A raw call (streams, client headers and versions), reported the same way; error statuses throw. */
  private async raw(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    opts: Omit<RequestOptions, 'method' | 'path'>,
  ): Promise<{ status: number; body: Dispatcher.ResponseData['body'] }> {
    let res;
    try {
      res = await this.host.client.request({ method, path, headersTimeout: 0, ...opts });
    } catch (err) {
      this.host.reportError(err);
      throw err;
    }
    this.host.reportSuccess();
    if (res.statusCode >= 400) {
      const body = Buffer.from(await res.body.arrayBuffer());
      const ct = res.headers['content-type'];
      throw new EngineHttpError(res.statusCode, body, Array.isArray(ct) ? ct[0] : ct);
    }
    return { status: res.statusCode, body: res.body };
  }

  private async settleList(kind: ListKind): Promise<void> {
    await this.host.lists.update(kind);
  }

  // Containers

  async createContainer(c: ContainerCreate): Promise<ContainerCreated> {
    const version = c.version === undefined ? undefined : this.host.versionFor(c.version);
    const res = await this.raw('POST', '/containers/create', {
      query: { ...c.query, name: c.name || undefined },
      version,
      headers: { ...c.headers, 'content-type': 'application/json' },
      body: JSON.stringify(c.body),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const parsed = JSON.parse(body.toString('utf8')) as { Id?: string; Warnings?: string[] | null };
    const id = parsed.Id ?? '';
    if (id) await this.host.settleContainer(id);
    return { id, warnings: parsed.Warnings ?? [], status: res.status, body };
  }

  async startContainer(id: string): Promise<void> {
    await this.call('POST', `/containers/${enc(id)}/start`);
    await this.host.settleContainer(id);
  }

  async stopContainer(id: string, timeoutSeconds?: number): Promise<void> {
    const t = timeoutSeconds === undefined ? undefined : String(timeoutSeconds);
    // The engine waits up to t seconds before it answers: no client timeout shorter than that.
    await this.call('POST', `/containers/${enc(id)}/stop`, {
      query: { t },
      timeoutMs: ((timeoutSeconds ?? 10) + 30) * 1000,
    });
    await this.host.settleContainer(id);
  }

  async killContainer(id: string, signal?: string): Promise<void> {
    await this.call('POST', `/containers/${enc(id)}/kill`, { query: { signal } });
    await this.host.settleContainer(id);
  }

  async removeContainer(id: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.call('DELETE', `/containers/${enc(id)}`, {
      query: { force: opts.force ? '1' : undefined, v: opts.volumes ? '1' : undefined },
      timeoutMs: 60_000,
    });
    await this.host.settleContainer(id);
  }

  inspectContainer(id: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/containers/${enc(id)}/json`);
  }

  /** The list entries of these containers with their sizes (a disk walk on the engine). */
  containerSizes(ids: readonly string[]): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({ id: ids });
    return this.call('GET', '/containers/json', { query: { all: '1', size: '1', filters } });
  }

  /** A container's log stream (stdout and stderr multiplexed unless the container has a TTY). */
  async logs(
    id: string,
    opts: { follow?: boolean; tail?: string; since?: string; timestamps?: boolean } = {},
  ): Promise<Readable> {
    const flag = (b: boolean | undefined) => (b ? '1' : undefined);
    const res = await this.raw('GET', `/containers/${enc(id)}/logs`, {
      query: {
        stdout: '1',
        stderr: '1',
        follow: flag(opts.follow),
        tail: opts.tail,
        since: opts.since,
        timestamps: flag(opts.timestamps),
      },
    });
    return res.body;
  }

  /** A tar stream of a path in a container. */
  async getArchive(id: string, path: string): Promise<Readable> {
    return (await this.raw('GET', `/containers/${enc(id)}/archive`, { query: { path } })).body;
  }

  /** Extracts a tar stream into a directory of a container. */
  async putArchive(id: string, path: string, tar: Readable | Buffer): Promise<void> {
    const res = await this.raw('PUT', `/containers/${enc(id)}/archive`, {
      query: { path },
      headers: { 'content-type': 'application/x-tar' },
      body: tar,
    });
    res.body.resume();
  }

  // Images

  inspectImage(ref: string): Promise<{ Id?: string; Os?: string } & Record<string, unknown>> {
    return this.call('GET', `/images/${enc(ref)}/json`, { timeoutMs: 5000 });
  }

  distribution(ref: string): Promise<{ Platforms?: { os?: string }[] }> {
    return this.call('GET', `/distribution/${enc(ref)}/json`, { timeoutMs: 5000 });
  }

  /**
   * Pulls an image. An error the engine reports inside its progress stream is thrown as an EngineHttpError
   * like an error status (404 when it says the image does not exist), so callers decide on its kind.
   */
  async pullImage(image: string, opts: PullOptions = {}): Promise<void> {
    const version = opts.version === undefined ? undefined : this.host.versionFor(opts.version);
    try {
      const res = await this.raw('POST', '/images/create', {
        query: opts.rawQuery ?? pullQuery(image),
        version,
        headers: opts.auth ? { 'x-registry-auth': opts.auth } : {},
      });
      let error: string | undefined;
      await eachLine(res.body, (obj) => {
        const e = streamError(obj);
        if (e !== undefined) error = e;
        else opts.progress?.(obj);
      });
      if (error !== undefined) throw EngineHttpError.fromStream(error);
    } finally {
      await this.settleList('images');
    }
  }

  // Networks

  async createNetwork(body: Record<string, unknown>): Promise<string> {
    const res = await this.call<{ Id: string }>('POST', '/networks/create', { body });
    await this.settleList('networks');
    return res.Id;
  }

  async removeNetwork(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/networks/${enc(id)}`);
    } finally {
      await this.settleList('networks');
    }
  }

  inspectNetwork(
    id: string,
  ): Promise<{ Containers?: Record<string, unknown> | null } & Record<string, unknown>> {
    return this.call('GET', `/networks/${enc(id)}`);
  }

  async connectNetwork(network: string, container: string, endpoint: Record<string, unknown> = {}) {
    await this.call('POST', `/networks/${enc(network)}/connect`, {
      body: { Container: container, EndpointConfig: endpoint },
    });
    await this.host.settleContainer(container);
  }

  async disconnectNetwork(network: string, container: string, force = false): Promise<void> {
    await this.call('POST', `/networks/${enc(network)}/disconnect`, {
      body: { Container: container, Force: force },
    });
    await this.host.settleContainer(container);
  }

  // Volumes

  async removeVolume(name: string, force = false): Promise<void> {
    try {
      await this.call('DELETE', `/volumes/${enc(name)}`, { query: { force: force ? '1' : undefined } });
    } finally {
      await this.settleList('volumes');
    }
  }

  // Exec

  inspectExec(
    id: string,
  ): Promise<{ ID?: string; ContainerID?: string; Running?: boolean; ExitCode?: number }> {
    return this.call('GET', `/exec/${enc(id)}/json`);
  }
}
