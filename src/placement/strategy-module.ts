// --strategy: a built-in by name, or a user's module by path, loaded the same way.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinStrategy, StrategyError } from '../../strategies/index.js';
import type { Strategy } from '../scheduler/types.js';

function isPath(s: string): boolean {
  return s.includes('/') || /\.(m?js|ts)$/.test(s);
}

/** A built-in strategy, or the default (or `strategy`) export of the module at that path. */
export async function loadStrategy(nameOrPath: string): Promise<Strategy> {
  const builtin = builtinStrategy(nameOrPath);
  if (builtin) return builtin;
  if (!isPath(nameOrPath)) throw new StrategyError('strategy not supported');
  const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(process.cwd(), nameOrPath);
  let mod: { default?: unknown; strategy?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown; strategy?: unknown };
  } catch (err) {
    throw new StrategyError(`cannot load strategy module ${file}: ${(err as Error).message}`);
  }
  const s = (mod.default ?? mod.strategy) as Partial<Strategy> | undefined;
  if (!s || typeof s.name !== 'string' || typeof s.rank !== 'function') {
    throw new StrategyError(
      `strategy module ${file} must export { name: string, rank(nodes, request, ctx) }`,
    );
  }
  return s as Strategy;
}
