// Route table: method + path pattern ("/containers/{id}/json") → handler, with Docker's /vX.Y prefix.
import type { RequestContext } from './context.js';

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: Handler;
}

interface Compiled extends Route {
  readonly re: RegExp;
  readonly names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export const VERSION_PREFIX = /^\/v(\d+\.\d+)(?=\/|$)/;

/** Splits "/v1.41/containers/json" into ("1.41", "/containers/json"). */
export function splitVersion(path: string): { version: string; rest: string } {
  const m = VERSION_PREFIX.exec(path);
  if (!m) return { version: '', rest: path };
  return { version: m[1] ?? '', rest: path.slice(m[0].length) || '/' };
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const src = route.pattern.replace(/\{(\w+)(?::\.\*)?\}/g, (whole, name: string) => {
    names.push(name);
    return whole.includes(':.*') ? '(.+)' : '([^/]+)';
  });
  return { ...route, re: new RegExp(`^${src}$`), names };
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push(compile({ method, pattern, handler }));
    return this;
  }

  /** The route for this method and path; `methodMismatch` when only the method is wrong. */
  match(method: string, path: string): Match | { methodMismatch: boolean } {
    let mismatch = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET' && r.pattern !== '/_ping')) {
        mismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = safeDecode(m[i + 1] ?? '');
      });
      return { route: r, params };
    }
    return { methodMismatch: mismatch };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
