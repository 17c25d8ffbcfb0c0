// The view's page: static files written by hand (src/view/assets/, copied beside the built module by
// `npm run build`), read once. Only the files listed here are ever served.
import { readFileSync } from 'node:fs';

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
const cache = new Map<string, Buffer>();

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** A file of the page by name (`index.html`), or undefined for any other name. */
export function viewAsset(name: string): Asset | undefined {
  const contentType = FILES[name];
  if (contentType === undefined) return undefined;
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(new URL(`./assets/${name}`, import.meta.url))));
  return { body, contentType };
}
