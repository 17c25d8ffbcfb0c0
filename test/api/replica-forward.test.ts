// A replica's answers when the leader cannot serve: Docker-style JSON errors, and the replica keeps going.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplicaForwarder, type LeaderView } from '../../src/api/replica-forward.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A front that forwards everything through the replica's forwarder, as ApiServer does. */
async function front(view: LeaderView): Promise<string> {
  const fw = new ReplicaForwarder(view, undefined, 300);
  const server = createServer((req, res) => {
    if (fw.forwards(req.url ?? '/')) void fw.forward(req, res);
    else res.end('local');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('what a replica answers itself', () => {
  it('only /_ping, /info and /debug, with or without a version, not paths that end like them', () => {
    const fw = new ReplicaForwarder({ isLeader: () => false, leaderAddr: () => undefined });
    for (const local of ['/_ping', '/info', '/v1.41/info', '/v1.24/_ping', '/debug', '/debug/pprof/heap']) {
      expect(fw.forwards(local), local).toBe(false);
    }
    for (const path of [
      '/containers/info/start',
      '/volumes/info',
      '/networks/debug',
      '/v1.41/images/x/_ping',
    ]) {
      expect(fw.forwards(path), path).toBe(true);
    }
  });

  it('nothing when it leads', () => {
    const fw = new ReplicaForwarder({ isLeader: () => true, leaderAddr: () => 'me:1' });
    expect(fw.forwards('/containers/json')).toBe(false);
  });
});

describe('replica forwarding errors', () => {
  it('no leader elected: 503 with a JSON message after the wait; /_ping stays local', async () => {
    const base = await front({ isLeader: () => false, leaderAddr: () => undefined });
    const r = await call<{ message: string }>(base, 'GET', '/containers/json');
    expect(r.status).toBe(503);
    expect(r.body.message).toBe('No elected primary cluster manager');
    expect((await fetch(`${base}/_ping`)).status).toBe(200);
  });

  it('leader unreachable: 500 naming it, and the next request is tried again', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const base = await front({ isLeader: () => false, leaderAddr: () => dead });
    for (let i = 0; i < 2; i++) {
      const r = await call<{ message: string }>(base, 'POST', '/containers/create', { Image: 'x' });
      expect(r.status).toBe(500);
      expect(r.body.message).toMatch(
        new RegExp(`^Unable to reach primary cluster manager \\(.*\\): ${dead}$`),
      );
    }
  });
});
