// The built-in strategies by --strategy name. A user's own module is loaded by src/placement/strategy-module.ts.
import type { Strategy } from '../src/scheduler/types.js';
import { binpack } from './binpack.js';
import { random } from './random.js';
import { spread } from './spread.js';

const BUILTIN: Record<string, Strategy> = { spread, binpack, binpacking: binpack, random };

export const STRATEGY_NAMES = ['spread', 'binpack', 'random'];

export class StrategyError extends Error {
  override name = 'StrategyError';
}

/** The built-in strategy of that name (`binpacking` is classic's alias for binpack), if there is one. */
export function builtinStrategy(name: string): Strategy | undefined {
  return Object.hasOwn(BUILTIN, name) ? BUILTIN[name] : undefined;
}
