// A fake Docker Engine speaking the HTTP API subset Shoal uses, in memory: for component tests and the
// simulated engine farm. Faked at the HTTP seam, never method by method.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { posix } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { CONTAINER_CREATE, hasConfig, NETWORK_CREATE } from '../../src/docker/api-bodies.js';
import type { StructType } from '../../src/docker/go-types.js';
import {
  checkName,
  checkPortBindings,
  checkPullReference,
  EXEC_CONFIG,
  FakeRefusal,
  goBody,
  rawBody,
  strslice,
} from './fake-bodies.js';
import { FakeLog, frame } from './fake-logs.js';
import { FakeVolumes } from './fake-volumes.js';
import { readTar, type ReadEntry } from './tar-read.js';

const EOF_BODY = 'got EOF while reading request body';

export interface FakeContainer {
  Id: string;
  Name: string;
  Image: string;
  ImageID: string;
  Cmd: string[];
  Labels: Record<string, string>;
  Created: string;
  HostConfig: Record<string, unknown>;
  ExposedPorts: Record<string, unknown>;
  Tty: boolean;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
  };
  execs: string[];
  /** The container's file tree, as far as `…/archive` calls see it: a few directories of the image, then what was put. */
  files: Map<string, FakeFile>;
  /** Host ports the engine picked at start for bindings without one (`"80/tcp"` → port), while running. */
  assigned?: Record<string, number>;
  /** Its endpoints as inspect shows them (NetworkSettings.Networks), for tests that need addresses. */
  Networks?: Record<string, { NetworkID: string; IPAddress: string; Aliases?: string[] }>;
}

export interface FakeFile {
  type: 'dir' | 'file' | 'other';
  mode: number;
  uid: number;
  gid: number;
  data: Buffer;
}

/** The directories a fake container's image has. */
const IMAGE_DIRS = ['/', '/bin', '/etc', '/tmp', '/var'];

export interface FakeEngineOptions {
  name: string;
  id?: string;
  cpus?: number;
  memory?: number;
  labels?: string[];
  apiVersion?: string;
  minApiVersion?: string;
  images?: string[];
  osType?: string;
  /** HTTPS, as dockerd --tlsverify (with `ca`: a client certificate signed by it is required). */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
}

const ZERO = '0001-01-01T00:00:00Z';

/** The State of a container started just now (for containers added straight to an engine). */
export function runningState(): FakeContainer['State'] {
  return {
    Status: 'running',
    Running: true,
    Paused: false,
    ExitCode: 0,
    StartedAt: new Date().toISOString(),
    FinishedAt: ZERO,
  };
}

function hex(n: number): string {
  return randomBytes(n).toString('hex');
}

export class FakeEngine {
  readonly containers = new Map<string, FakeContainer>();
  readonly execs = new Map<string, { id: string; container: string; running: boolean; exitCode: number }>();
  readonly images: { Id: string; RepoTags: string[] }[];
  readonly requests: { method: string; path: string }[] = [];
  /** Upgraded (hijacked) connections, to see when a proxy closes them. */
  readonly upgrades: Socket[] = [];
  /** With TLS: the CN of each client certificate presented. */
  readonly peers: string[] = [];
  readonly id: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly eventStreams = new Set<ServerResponse>();
  /** Every event as the JSON line sent, timeNano written to the nanosecond like the real engine. */
  readonly history: { time: number; line: string }[] = [];
  private nanoCounter = 0;
  private readonly waiters = new Map<string, (() => void)[]>();
  port = 0;
  /** When set, every request is answered with this status (simulates a broken engine). */
  failWith: number | undefined;
  /** The next N creates fail with a 500. */
  failCreates = 0;
  /** Container removals that fail with a 500 (an engine busy shutting down), counted down. */
  failDeletes = 0;
  /** Pulls: 'ok' succeed, 'die' drop the connection after the first progress line. */
  /** ok; die: the connection drops mid-stream; denied: the registry refuses, reported inside the stream. */
  pullMode: 'ok' | 'die' | 'denied' = 'ok';
  /** Network creates fail with a 500 (a clash on this engine). */
  failNetworkCreate = false;
  readonly networks = new Map<string, Record<string, unknown>>();
  readonly volumes = new FakeVolumes();
  /** The host port a binding without one gets at start (the engine's ephemeral range by default). */
  ephemeralPort: (c: FakeContainer, key: string) => number = () => this.nextEphemeral++;
  private nextEphemeral = 32768;
  private readonly logs = new Map<string, FakeLog>();
  /** Every container create body, as decoded (to see what a container was made with). */
  readonly createBodies: string[] = [];
  /** Every archive extracted into a container (`PUT …/archive`), in order. */
  readonly archives: { container: string; path: string; query: string; entries: ReadEntry[] }[] = [];

  constructor(readonly opts: FakeEngineOptions) {
    this.id = opts.id ?? `${hex(2).toUpperCase()}:${hex(2).toUpperCase()}:FAKE`;
    this.images = (opts.images ?? ['busybox:local']).map((t) => ({ Id: `sha256:${hex(32)}`, RepoTags: [t] }));
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      // Like the engine, a request it cannot take is answered with an error, never a crash.
      this.handle(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof FakeRefusal) return this.json(res, err.status, { message: err.message });
        this.json(res, 500, { message: `fake engine: ${String(err)}` });
      });
    };
    const tls = this.opts.tls;
    const verify = tls?.ca !== undefined;
    const server: Server = tls
      ? createHttpsServer(
          { ...tls, requestCert: verify, rejectUnauthorized: verify, allowHalfOpen: true },
          handler,
        )
      : createServer(handler);
    server.on('secureConnection', (s: TLSSocket) => {
      const cn = s.getPeerCertificate().subject?.CN;
      if (cn) this.peers.push(String(cn));
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Dies abruptly: listener closed, every connection reset. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.eventStreams.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A container created behind Shoal's back, straight on the engine. */
  addContainer(name: string, opts: Partial<FakeContainer> = {}): FakeContainer {
    const c = this.newContainer(name, { Image: 'busybox:local', Cmd: ['sleep', '1000'] });
    Object.assign(c, opts);
    this.containers.set(c.Id, c);
    this.emit('container', 'create', c);
    return c;
  }

  /** A container's logs: give it lines, feed its follow streams, see which answers are still open. */
  logOf(id: string): FakeLog {
    let l = this.logs.get(id);
    if (!l) {
      l = new FakeLog(() => this.containers.get(id)?.Tty ?? false);
      this.logs.set(id, l);
    }
    return l;
  }

  private newContainer(name: string, body: Record<string, unknown>): FakeContainer {
    const image = typeof body['Image'] === 'string' ? body['Image'] : '';
    return {
      Id: hex(32),
      Name: `/${name || hex(4)}`,
      Image: image,
      ImageID: this.findImage(image)?.Id ?? '',
      Cmd: (body['Cmd'] as string[] | undefined) ?? ['sh'],
      Labels: (body['Labels'] as Record<string, string> | undefined) ?? {},
      Created: new Date().toISOString(),
      HostConfig: knownHostConfig(body['HostConfig']),
      ExposedPorts: (body['ExposedPorts'] as Record<string, unknown> | undefined) ?? {},
      Tty: body['Tty'] === true,
      State: {
        Status: 'created',
        Running: false,
        Paused: false,
        ExitCode: 0,
        StartedAt: ZERO,
        FinishedAt: ZERO,
      },
      execs: [],
      files: new Map(
        IMAGE_DIRS.map((d) => [
          d,
          { type: 'dir', mode: d === '/tmp' ? 0o1777 : 0o755, uid: 0, gid: 0, data: Buffer.alloc(0) },
        ]),
      ),
    };
  }

  private findImage(ref: string) {
    const r = ref.includes(':') ? ref : `${ref}:latest`;
    return this.images.find((i) => i.RepoTags.includes(r) || i.Id === ref);
  }

  private find(ref: string): FakeContainer | undefined {
    const direct = this.containers.get(ref);
    if (direct) return direct;
    for (const c of this.containers.values()) if (c.Name === `/${ref}`) return c;
    const hits = [...this.containers.values()].filter((c) => c.Id.startsWith(ref));
    return hits.length === 1 ? hits[0] : undefined;
  }

  emit(type: string, action: string, c?: FakeContainer, extra: Record<string, string> = {}): void {
    const now = Date.now();
    const ev = {
      status: action,
      id: c?.Id,
      from: c?.Image,
      Type: type,
      Action: action,
      Actor: {
        ID: c?.Id ?? '',
        Attributes: { ...(c ? { name: c.Name.slice(1), image: c.Image } : {}), ...extra },
      },
      scope: 'local',
      time: Math.floor(now / 1000),
      timeNano: 0,
    };
    // Nanosecond digits a double cannot carry: a proxy that re-encodes through Number loses them.
    const nanos = `${now}${String(++this.nanoCounter % 1_000_000).padStart(6, '0')}`;
    const line = JSON.stringify(ev).replace('"timeNano":0', `"timeNano":${nanos}`);
    this.history.push({ time: ev.time, line });
    for (const res of this.eventStreams) res.write(line + '\n');
  }

  /** PortBindings as bound: a binding without a host port shows the one picked at start, while running. */
  private bound(c: FakeContainer): Record<string, { HostIp?: string; HostPort?: string }[]> {
    const bindings = (c.HostConfig['PortBindings'] ?? {}) as Record<
      string,
      { HostIp?: string; HostPort?: string }[]
    >;
    const out: Record<string, { HostIp?: string; HostPort?: string }[]> = {};
    for (const [key, list] of Object.entries(bindings)) {
      out[key] = list.flatMap((b) => {
        if (b.HostPort) return [b];
        const picked = c.assigned?.[key];
        return picked ? [{ ...b, HostPort: String(picked) }] : [];
      });
    }
    return out;
  }

  private summary(c: FakeContainer): Record<string, unknown> {
    const ports: Record<string, unknown>[] = [];
    const bindings = this.bound(c);
    for (const [key, list] of Object.entries(bindings)) {
      const [port = '0', type = 'tcp'] = key.split('/');
      for (const b of list)
        ports.push({ IP: '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
    }
    return {
      Id: c.Id,
      Names: [c.Name],
      Image: c.Image,
      ImageID: c.ImageID,
      Command: c.Cmd.join(' '),
      Created: Math.floor(Date.parse(c.Created) / 1000),
      Ports: ports,
      Labels: c.Labels,
      State: c.State.Status,
      Status: c.State.Running ? 'Up' : 'Exited',
      HostConfig: { NetworkMode: (c.HostConfig['NetworkMode'] as string | undefined) ?? 'default' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    };
  }

  private inspect(c: FakeContainer): Record<string, unknown> {
    const bindings = this.bound(c);
    const ports: Record<string, unknown> = {};
    for (const [key, list] of Object.entries(bindings))
      ports[key] = list.map((b) => ({ HostIp: '0.0.0.0', HostPort: b.HostPort }));
    return {
      Id: c.Id,
      Name: c.Name,
      Created: c.Created,
      Image: c.ImageID,
      State: {
        ...c.State,
        Dead: false,
        Restarting: false,
        OOMKilled: false,
        Pid: c.State.Running ? 42 : 0,
        Error: '',
      },
      Config: { Image: c.Image, Cmd: c.Cmd, Labels: c.Labels, ExposedPorts: c.ExposedPorts, Tty: c.Tty },
      HostConfig: { NetworkMode: 'default', ...c.HostConfig },
      NetworkSettings: { Ports: ports, ...(c.Networks ? { Networks: c.Networks } : {}) },
      ExecIDs: c.execs.length ? c.execs : null,
    };
  }

  private setState(c: FakeContainer, running: boolean, exitCode = 0): void {
    const now = new Date().toISOString();
    if (running) {
      const bindings = (c.HostConfig['PortBindings'] ?? {}) as Record<string, { HostPort?: string }[]>;
      c.assigned = {};
      for (const [key, list] of Object.entries(bindings))
        if (list.some((b) => !b.HostPort)) c.assigned[key] = this.ephemeralPort(c, key);
      c.State = {
        ...c.State,
        Status: 'running',
        Running: true,
        Paused: false,
        StartedAt: now,
        FinishedAt: ZERO,
      };
    } else {
      c.assigned = undefined;
      c.State = {
        ...c.State,
        Status: 'exited',
        Running: false,
        Paused: false,
        ExitCode: exitCode,
        FinishedAt: now,
      };
      for (const w of this.waiters.get(c.Id) ?? []) w();
      this.waiters.delete(c.Id);
      this.logs.get(c.Id)?.end();
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Api-Version': this.apiVersion,
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private get apiVersion(): string {
    return this.opts.apiVersion ?? '1.41';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    this.requests.push({ method: req.method ?? '', path: url.pathname });
    const asked = /^\/v(\d+\.\d+)/.exec(url.pathname)?.[1];
    const min = this.opts.minApiVersion ?? '1.12';
    if (asked && Number(asked.split('.')[1]) < Number(min.split('.')[1])) {
      return this.json(res, 400, {
        message: `client version ${asked} is too old. Minimum supported API version is ${min}, please upgrade your client to a newer version`,
      });
    }
    if (this.failWith !== undefined) return this.json(res, this.failWith, { message: 'fake engine failure' });
    const m = (re: RegExp) => re.exec(path);
    const method = req.method ?? 'GET';
    let r: RegExpExecArray | null;
    if (path === '/_ping') {
      res.writeHead(200, { 'Api-Version': this.apiVersion, 'Content-Type': 'text/plain' });
      res.end(method === 'HEAD' ? '' : 'OK');
      return;
    }
    if (path === '/version') {
      return this.json(res, 200, {
        Version: '20.10.24-fake',
        ApiVersion: this.apiVersion,
        MinAPIVersion: this.opts.minApiVersion ?? '1.12',
        Os: 'linux',
      });
    }
    if (path === '/info') {
      return this.json(res, 200, {
        ID: this.id,
        Name: this.opts.name,
        NCPU: this.opts.cpus ?? 2,
        MemTotal: this.opts.memory ?? 2 * 1024 ** 3,
        Labels: this.opts.labels ?? [],
        Driver: 'overlay2',
        OSType: this.opts.osType ?? 'linux',
        KernelVersion: '6.0-fake',
        OperatingSystem: 'FakeOS',
        ServerVersion: '20.10.24-fake',
        SystemTime: new Date().toISOString(),
        Architecture: 'x86_64',
        Plugins: {
          Volume: ['local'],
          Network: ['bridge', 'host', 'null'],
          Authorization: null,
          Log: ['json-file'],
        },
      });
    }
    if (path === '/events') return this.events(url, res);
    if (path === '/images/json')
      return this.json(
        res,
        200,
        this.images.map((i) => ({ ...i, RepoDigests: [], Created: 0, Size: 1 })),
      );
    if (path === '/networks') return this.json(res, 200, [...this.networks.values()]);
    if (path === '/networks/create' && method === 'POST') return this.createNetwork(req, res);
    if (path === '/networks/prune' && method === 'POST') {
      // The fake tracks no endpoints: every network it has is unused.
      const deleted = [...this.networks.values()].map((n) => String(n['Name']));
      this.networks.clear();
      return this.json(res, 200, { NetworksDeleted: deleted });
    }
    if ((r = m(/^\/networks\/([^/]+)$/))) {
      const n = this.networks.get(r[1] ?? '');
      if (!n) return this.json(res, 404, { message: `network ${r[1]} not found` });
      if (method === 'DELETE') {
        this.networks.delete(r[1] ?? '');
        return void res.writeHead(204).end();
      }
      return this.json(res, 200, n);
    }
    if (path === '/images/create' && method === 'POST') {
      checkPullReference(url.searchParams.get('fromImage') ?? '', url.searchParams.get('tag') ?? '');
      return this.pull(url, res);
    }
    if (path.startsWith('/volumes')) {
      const answer = await this.volumes.handle(method, path, url, req);
      if (answer?.[1] === undefined && answer) return void res.writeHead(answer[0]).end();
      if (answer) return this.json(res, answer[0], answer[1]);
    }
    if (path === '/containers/json') return this.list(url, res);
    if ((r = m(/^\/images\/(.+)\/json$/))) {
      const img = this.findImage(decodeURIComponent(r[1] ?? ''));
      if (!img) return this.json(res, 404, { message: `No such image: ${r[1]}` });
      return this.json(res, 200, { Id: img.Id, RepoTags: img.RepoTags, Os: this.opts.osType ?? 'linux' });
    }
    if (path === '/containers/create' && method === 'POST' && this.failCreates > 0) {
      this.failCreates--;
      return this.json(res, 500, { message: 'fake engine: create failed' });
    }
    if (path === '/containers/create' && method === 'POST') return this.create(url, req, res);
    if ((r = m(/^\/containers\/([^/]+)\/archive$/))) {
      const c = this.find(r[1] ?? '');
      if (!c) return this.json(res, 404, { message: `No such container: ${r[1]}` });
      return this.archive(c, method, url, req, res);
    }
    if ((r = m(/^\/containers\/([^/]+)\/json$/))) {
      const c = this.find(r[1] ?? '');
      return c
        ? this.json(res, 200, this.inspect(c))
        : this.json(res, 404, { message: `No such container: ${r[1]}` });
    }
    if ((r = m(/^\/containers\/([^/]+)$/)) && method === 'DELETE' && this.failDeletes > 0) {
      this.failDeletes--;
      return this.json(res, 500, { message: 'fake engine: removal failed' });
    }
    if ((r = m(/^\/containers\/([^/]+)$/)) && method === 'DELETE') {
      const c = this.find(r[1] ?? '');
      if (!c) return this.json(res, 404, { message: `No such container: ${r[1]}` });
      if (
        c.State.Running &&
        url.searchParams.get('force') !== '1' &&
        url.searchParams.get('force') !== 'true'
      ) {
        return this.json(res, 409, {
          message: `You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`,
        });
      }
      this.setState(c, false, 137);
      this.containers.delete(c.Id);
      this.emit('container', 'destroy', c);
      res.writeHead(204).end();
      return;
    }
    if ((r = m(/^\/containers\/([^/]+)\/(start|stop|kill|restart|pause|unpause|wait|logs|rename|exec)$/))) {
      const c = this.find(r[1] ?? '');
      if (!c) return this.json(res, 404, { message: `No such container: ${r[1]}` });
      return this.containerOp(c, r[2] ?? '', url, req, res);
    }
    if ((r = m(/^\/exec\/([^/]+)\/json$/))) {
      const e = this.execs.get(r[1] ?? '');
      if (!e) return this.json(res, 404, { message: `No such exec instance: ${r[1]}` });
      return this.json(res, 200, {
        ID: e.id,
        ContainerID: e.container,
        Running: e.running,
        ExitCode: e.exitCode,
      });
    }
    this.json(res, 404, { message: 'page not found' });
  }

  private pull(url: URL, res: ServerResponse): void {
    const from = (url.searchParams.get('fromImage') ?? '')
      .replace(/^docker\.io\//, '')
      .replace(/^library\//, '');
    const ref = `${from}:${url.searchParams.get('tag') || 'latest'}`;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify({ status: `Pulling from ${ref}`, id: 'layer0' }) + '\n');
    if (this.pullMode === 'die') {
      res.socket?.destroy();
      return;
    }
    if (this.pullMode === 'denied') {
      const message = `pull access denied for ${from}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
      res.end(JSON.stringify({ errorDetail: { message }, error: message }) + '\n');
      return;
    }
    res.write(
      JSON.stringify({
        status: 'Downloading',
        progressDetail: { current: 1, total: 2 },
        progress: '[=>  ]',
        id: 'layer0',
      }) + '\n',
    );
    res.write(JSON.stringify({ status: 'Pull complete', id: 'layer0' }) + '\n');
    this.images.push({ Id: `sha256:${'c'.repeat(64)}`, RepoTags: [ref] });
    this.emit('image', 'pull', undefined, { name: ref });
    res.end(JSON.stringify({ status: `Status: Downloaded newer image for ${ref}` }) + '\n');
  }

  private events(url: URL, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const since = url.searchParams.get('since');
    if (since) for (const ev of this.history) if (ev.time >= Number(since)) res.write(ev.line + '\n');
    this.eventStreams.add(res);
    res.on('close', () => this.eventStreams.delete(res));
  }

  private list(url: URL, res: ServerResponse): void {
    const all = ['1', 'true'].includes(url.searchParams.get('all') ?? '');
    const filters = JSON.parse(url.searchParams.get('filters') || '{}') as Record<
      string,
      string[] | Record<string, boolean>
    >;
    const idFilter = filters['id'];
    const ids = Array.isArray(idFilter) ? idFilter : Object.keys(idFilter ?? {});
    const out = [...this.containers.values()]
      .filter((c) => (all || c.State.Running) && (ids.length === 0 || ids.some((i) => c.Id.includes(i))))
      .map((c) => this.summary(c));
    this.json(res, 200, out);
  }

  private async createNetwork(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await goBody(req, NETWORK_CREATE, { status: 400, eof: EOF_BODY })) ?? {};
    const name = typeof body['Name'] === 'string' ? body['Name'] : '';
    if (name === '') return this.json(res, 500, { message: 'invalid name: ' });
    if (['bridge', 'host', 'none'].includes(name))
      return this.json(res, 403, { message: `operation is not permitted on predefined ${name} network ` });
    if (body['CheckDuplicate'] === true && [...this.networks.values()].some((n) => n['Name'] === name))
      return this.json(res, 409, { message: `network with name ${name} already exists` });
    if (this.failNetworkCreate) return this.json(res, 500, { message: 'fake engine: network create failed' });
    const id = hex(32);
    // Only the fields the engine knows: it decodes into a Go struct.
    const known = Object.fromEntries(
      Object.entries(body).filter(([k]) => Object.hasOwn(NETWORK_CREATE.fields, k)),
    );
    this.networks.set(id, { ...known, Name: name, Id: id, Scope: 'local', Containers: {} });
    return this.json(res, 201, { Id: id, Warning: '' });
  }

  private async create(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await goBody(req, CONTAINER_CREATE, { status: 500, eof: 'EOF' });
    if (!body || !hasConfig(body))
      return this.json(res, 400, { message: 'Config cannot be empty in order to create a container' });
    const cmd = strslice(body['Cmd'], 'Cmd');
    checkPortBindings(
      (body['HostConfig'] as { PortBindings?: Record<string, { HostPort?: string }[]> } | null)?.PortBindings,
    );
    const name = url.searchParams.get('name') ?? '';
    checkName(name, false);
    if (name && [...this.containers.values()].some((c) => c.Name === `/${name}`)) {
      return this.json(res, 409, { message: `Conflict. The container name "/${name}" is already in use` });
    }
    if (!this.findImage(typeof body['Image'] === 'string' ? body['Image'] : ''))
      return this.json(res, 404, { message: `No such image: ${String(body['Image'])}` });
    this.createBodies.push(JSON.stringify(body));
    const c = this.newContainer(name, { ...body, Cmd: cmd });
    this.containers.set(c.Id, c);
    this.emit('container', 'create', c);
    this.json(res, 201, { Id: c.Id, Warnings: [] });
  }

  private async containerOp(
    c: FakeContainer,
    op: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    switch (op) {
      case 'start':
        if (c.State.Running) return void res.writeHead(304).end();
        this.setState(c, true);
        this.emit('container', 'start', c);
        return void res.writeHead(204).end();
      case 'stop':
      case 'kill':
        if (!c.State.Running)
          return op === 'stop'
            ? void res.writeHead(304).end()
            : this.json(res, 409, { message: `Container ${c.Id} is not running` });
        this.setState(c, false, op === 'kill' ? 137 : 0);
        this.emit('container', 'die', c);
        if (op === 'stop') this.emit('container', 'stop', c);
        return void res.writeHead(204).end();
      case 'restart':
        this.setState(c, true);
        this.emit('container', 'restart', c);
        return void res.writeHead(204).end();
      case 'pause':
      case 'unpause':
        c.State = { ...c.State, Paused: op === 'pause', Status: op === 'pause' ? 'paused' : 'running' };
        this.emit('container', op, c);
        return void res.writeHead(204).end();
      case 'rename': {
        const name = url.searchParams.get('name') ?? '';
        checkName(name, true);
        c.Name = `/${name}`;
        this.emit('container', 'rename', c);
        return void res.writeHead(204).end();
      }
      case 'wait':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        if (!c.State.Running && c.State.Status !== 'created')
          return void res.end(JSON.stringify({ StatusCode: c.State.ExitCode }) + '\n');
        this.waiters.set(c.Id, [
          ...(this.waiters.get(c.Id) ?? []),
          () => res.end(JSON.stringify({ StatusCode: c.State.ExitCode }) + '\n'),
        ]);
        return;
      case 'logs':
        return this.logOf(c.Id).serve(url, res, c.State.Running);
      case 'exec': {
        const body = (await goBody(req, EXEC_CONFIG, { status: 400, eof: EOF_BODY })) ?? {};
        if (!Array.isArray(body['Cmd']) || body['Cmd'].length === 0)
          return this.json(res, 400, { message: 'No exec command specified' });
        const id = hex(32);
        this.execs.set(id, { id, container: c.Id, running: false, exitCode: 0 });
        c.execs.push(id);
        this.emit('container', 'exec_create: sh', c, { execID: id });
        return this.json(res, 201, { Id: id });
      }
    }
  }

  /** HEAD (a path's stat) and PUT (a tar extracted into a directory) of `/containers/{id}/archive`. */
  private async archive(
    c: FakeContainer,
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const path = posix.normalize(url.searchParams.get('path') ?? '/');
    const at = c.files.get(path);
    if (method === 'HEAD') {
      if (!at) return void res.writeHead(404).end();
      const stat = { name: posix.basename(path), size: at.data.length, mode: at.mode, linkTarget: '' };
      res.writeHead(200, {
        'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64'),
      });
      return void res.end();
    }
    if (method !== 'PUT') return this.json(res, 404, { message: 'page not found' });
    const tar = await rawBody(req);
    if (!at)
      return this.json(res, 404, {
        message: `Could not find the file ${path} in container ${c.Name.slice(1)}`,
      });
    if (at.type !== 'dir') return this.json(res, 400, { message: 'extraction point is not a directory' });
    if (c.HostConfig['ReadonlyRootfs'] === true)
      return this.json(res, 500, { message: 'container rootfs is marked read-only' });
    const entries = readTar(tar);
    for (const e of entries) {
      const full = posix.join(path, e.name).replace(/(.)\/+$/, '$1');
      if (
        url.searchParams.get('noOverwriteDirNonDir') === 'true' &&
        c.files.get(full)?.type === 'dir' &&
        e.type !== 'dir'
      )
        return this.json(res, 400, {
          message: `cannot overwrite directory "${full}" with non-directory "${e.name}"`,
        });
      c.files.set(full, { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, data: e.data });
    }
    this.archives.push({ container: c.Id, path, query: url.search, entries });
    res.writeHead(200).end();
  }

  /** attach and exec start: 101, then stdin is echoed back as stdout frames; FIN from the client ends it. */
  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '').replace(/^\/v\d+\.\d+/, '').split('?')[0] ?? '';
    this.upgrades.push(socket);
    const ws = /^\/containers\/([^/]+)\/attach\/ws$/.exec(path);
    if (ws && this.find(ws[1] ?? '')) {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d));
      socket.on('error', () => undefined);
      return;
    }
    const attach = /^\/containers\/([^/]+)\/attach$/.exec(path);
    const exec = /^\/exec\/([^/]+)\/start$/.exec(path);
    const known = attach ? this.find(attach[1] ?? '') : exec ? this.execs.get(exec[1] ?? '') : undefined;
    if (!known) {
      const body = JSON.stringify({
        message: attach ? `No such container: ${attach[1]}` : `No such exec instance: ${exec?.[1] ?? ''}`,
      });
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    // Like the engine: the whole request body is read before the upgrade is answered.
    const bodyLength = Number(req.headers['content-length'] ?? 0);
    let buffered = head;
    const answer = () => {
      const rest = buffered.subarray(bodyLength); // what follows the body is stdin
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      );
      if (rest.length) socket.write(frame(1, rest));
      socket.on('data', (d: Buffer) => socket.write(frame(1, d)));
      socket.on('end', () => {
        socket.write(frame(1, Buffer.from('bye\n')));
        socket.end();
      });
    };
    if (buffered.length >= bodyLength) {
      answer();
    } else {
      const collect = (d: Buffer) => {
        buffered = Buffer.concat([buffered, d]);
        if (buffered.length < bodyLength) return;
        socket.off('data', collect);
        answer();
      };
      socket.on('data', collect);
    }
    socket.on('error', () => undefined);
  }
}

/** The HostConfig fields the fake keeps (the engine keeps those its Go struct has, never unknown ones). */
const HOST_CONFIG_KEPT = new Set([
  ...Object.keys((CONTAINER_CREATE.fields['HostConfig'] as StructType).fields),
  'RestartPolicy',
  'Binds',
  'AutoRemove',
  'Init',
  'Privileged',
  'ReadonlyRootfs',
  'Dns',
]);

function knownHostConfig(hc: unknown): Record<string, unknown> {
  const entries = Object.entries((hc ?? {}) as Record<string, unknown>);
  return Object.fromEntries(entries.filter(([k]) => HOST_CONFIG_KEPT.has(k)));
}
