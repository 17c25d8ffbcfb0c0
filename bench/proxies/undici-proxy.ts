// A minimal passthrough proxy on undici's stream() (Shoal's passthrough path, without routing): for the comparison.
import { createServer } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const [port = '0', target = ''] = process.argv.slice(2);
const pool = new Pool(`http://${target}`, { connections: null, pipelining: 1, keepAliveTimeout: 30_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

const server = createServer({ noDelay: true }, (req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  pool
    .stream(
      {
        method: req.method as Dispatcher.HttpMethod,
        path: req.url ?? '/',
        headers,
        body: hasBody ? req : null,
      },
      ({ statusCode, headers: up }) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up)) if (v !== undefined && !HOP.has(k)) out[k] = v;
        res.writeHead(statusCode, out);
        return res;
      },
    )
    .catch(() => res.destroy());
});
server.listen(Number(port), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
