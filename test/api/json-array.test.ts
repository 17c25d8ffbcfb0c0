import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { sendJsonArray } from '../../src/api/json-array.js';

let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

async function serve(items: () => Iterable<string>): Promise<string> {
  server = createServer((_req, res) => void sendJsonArray(res, 200, items()));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('sendJsonArray', () => {
  it('sends a short array whole, with its length', async () => {
    const url = await serve(() => ['{"a":1}', '"b"']);
    const res = await request(url);
    expect(res.headers['content-length']).toBe('14');
    expect(await res.body.text()).toBe('[{"a":1},"b"]\n');
    const empty = await request(await serve(() => []));
    expect(await empty.body.text()).toBe('[]\n');
  });

  it('streams a long one in chunks, the same text as JSON.stringify', async () => {
    const values = Array.from({ length: 20_000 }, (_, i) => ({
      Id: `c${i}`,
      Labels: { n: 'ü'.repeat(i % 7) },
    }));
    const url = await serve(() => values.map((v) => JSON.stringify(v)));
    const res = await request(url);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await res.body.text()).toBe(JSON.stringify(values) + '\n');
  });
});
