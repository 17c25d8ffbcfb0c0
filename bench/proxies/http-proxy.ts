// A minimal passthrough proxy on http-proxy with a keep-alive agent: for the comparison.
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';

const [port = '0', target = ''] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: `http://${target}`, agent });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res) res.writeHead(502).end();
  else res.destroy();
});
const server = createServer((req, res) => proxy.web(req, res));
// Upgrades go to http-proxy's own upgrade path, as its documentation says.
server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
server.listen(Number(port), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
