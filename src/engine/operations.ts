// Typed operations on one engine: the one place Shoal's own calls spell Docker API paths (with
// image-operations.ts). Every call reports its outcome to the engine's health, a change is in the engine's
// cache before the call returns (read-your-writes), and errors arrive parsed into kinds (errors.ts).
import type { Readable } from 'node:stream';
import { enc } from './calls.js';
import { EngineHttpError } from './errors.js';
import { ImageOperations } from './image-operations.js';
import type { ContainerSummary } from './types.js';

export type { OperationsHost, ProgressOptions } from './calls.js';
export { pullQuery } from './image-operations.js';

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
  /** The engine's status (201). */
  status: number;
}

export class EngineOperations extends ImageOperations {
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
    return { id, warnings: parsed.Warnings ?? [], status: res.status };
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

  /** Waits for the container to stop; resolves with its exit code. */
  async waitContainer(id: string, timeoutMs: number): Promise<number> {
    const res = await this.call<{ StatusCode?: number }>('POST', `/containers/${enc(id)}/wait`, {
      timeoutMs,
    });
    await this.host.settleContainer(id);
    return res.StatusCode ?? -1;
  }

  inspectContainer(id: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/containers/${enc(id)}/json`);
  }

  /** The list entries of these containers with their sizes (a disk walk on the engine). */
  containerSizes(ids: readonly string[]): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({ id: ids });
    return this.call('GET', '/containers/json', { query: { all: '1', size: '1', filters } });
  }

  /**
   * A container's log stream (stdout and stderr multiplexed unless the container has a TTY). Both streams
   * unless one is turned off; `signal` abandons a call still waiting for its answer.
   */
  async logs(
    id: string,
    opts: {
      follow?: boolean;
      tail?: string;
      since?: string;
      timestamps?: boolean;
      stdout?: boolean;
      stderr?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<Readable> {
    const flag = (b: boolean | undefined) => (b ? '1' : undefined);
    const res = await this.raw('GET', `/containers/${enc(id)}/logs`, {
      query: {
        stdout: opts.stdout === false ? '0' : '1',
        stderr: opts.stderr === false ? '0' : '1',
        follow: flag(opts.follow),
        tail: opts.tail,
        since: opts.since,
        timestamps: flag(opts.timestamps),
      },
      signal: opts.signal,
    });
    return res.body;
  }

  /** A tar stream of a path in a container. */
  async getArchive(id: string, path: string): Promise<Readable> {
    return (await this.raw('GET', `/containers/${enc(id)}/archive`, { query: { path } })).body;
  }

  /** Whether a path exists in a container (the engine's stat of it: `HEAD …/archive`). */
  async pathExists(id: string, path: string): Promise<boolean> {
    try {
      (await this.raw('HEAD', `/containers/${enc(id)}/archive`, { query: { path } })).body.resume();
      return true;
    } catch (err) {
      if (err instanceof EngineHttpError && err.status === 404) return false;
      throw err;
    }
  }

  /** Extracts a tar stream into a directory of a container (noOverwriteDirNonDir: no directory becomes a file). */
  async putArchive(
    id: string,
    path: string,
    tar: Readable | Buffer,
    opts: { noOverwriteDirNonDir?: boolean } = {},
  ): Promise<void> {
    const res = await this.raw('PUT', `/containers/${enc(id)}/archive`, {
      query: { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir ? 'true' : undefined },
      headers: { 'content-type': 'application/x-tar' },
      body: tar,
    });
    res.body.resume();
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
