// Talking to the lab's engines before Shoal does: readiness pings and image loading.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Client } from 'undici';

function client(socket: string): Client {
  return new Client('http://localhost', { socketPath: socket });
}

export async function pingSocket(socket: string, timeoutMs = 2000): Promise<boolean> {
  const c = client(socket);
  try {
    const res = await c.request({ method: 'GET', path: '/_ping', signal: AbortSignal.timeout(timeoutMs) });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  } finally {
    await c.close().catch(() => undefined);
  }
}

export async function waitForEngine(socket: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingSocket(socket, 1000)) return;
    if (!alive()) throw new Error(`dockerd for ${socket} exited during start-up`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`engine at ${socket} did not answer within ${timeoutMs} ms`);
}

export async function loadImage(socket: string, tarPath: string): Promise<void> {
  const c = client(socket);
  try {
    const { size } = await stat(tarPath);
    const res = await c.request({
      method: 'POST',
      path: '/images/load?quiet=1',
      headers: { 'content-type': 'application/x-tar', 'content-length': String(size) },
      body: createReadStream(tarPath),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.includes('"error"'))
      throw new Error(`image load failed: ${res.statusCode} ${text}`);
  } finally {
    await c.close().catch(() => undefined);
  }
}
