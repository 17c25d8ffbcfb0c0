// Swarm mode's placement constraints (`--constraint node.labels.zone==a`): SwarmKit's grammar, error texts and
// matching (manager/constraint/constraint.go). Not classic's expressions: no globs, no regexps, no soft `~`.
import { isBuiltinEngineLabel } from '../docker/engine-labels.js';
import { compileGoRegExp } from '../docker/go-regexp.js';
import { equalFold, isAscii, trimSpace } from '../docker/go-strings.js';
import { ipEqual, netContains, parseCidr, parseIp } from './ip.js';
import type { NodeConstraint, NodeSnapshot } from './types.js';

export type { NodeConstraint };

/** A constraint SwarmKit refuses. `kind` is src/errors.ts's: the API answers it with 400. */
export class NodeConstraintError extends Error {
  override name = 'NodeConstraintError';
  readonly kind = 'invalid' as const;
}

// SwarmKit's patterns, run by Go's engine: `(?i)` folds as Go does and `\s` is Go's ASCII class.
const KEY = compileGoRegExp('^(?i)[a-z_][a-z0-9\\-_.]+$');
const VALUE = compileGoRegExp('^(?i)[a-z0-9:\\-_\\s\\.\\*\\(\\)\\?\\+\\[\\]\\\\\\^\\$\\|\\/]+$');
const OPERATORS = ['==', '!='] as const;

export const NODE_LABEL_PREFIX = 'node.labels.';
export const ENGINE_LABEL_PREFIX = 'engine.labels.';

/** Parses `key==value` / `key!=value` entries, or throws SwarmKit's text for the first bad one. */
export function parseNodeConstraints(list: readonly string[]): NodeConstraint[] {
  return list.map((text) => {
    // The first operator the text contains wins, as in SwarmKit: `a==b!=c` has the value `b!=c`.
    const op = OPERATORS.find((o) => text.includes(o));
    if (op === undefined) throw new NodeConstraintError('constraint expected one operator from ==, !=');
    const at = text.indexOf(op);
    const key = trimSpace(text.slice(0, at));
    if (!KEY.test(key)) throw new NodeConstraintError(`key '${key}' is invalid`);
    const value = trimSpace(text.slice(at + op.length));
    if (!VALUE.test(value)) throw new NodeConstraintError(`value '${value}' is invalid`);
    return { key, op, value };
  });
}

export function nodeConstraintText(c: NodeConstraint): string {
  return `${c.key}${c.op}${c.value}`;
}

/** Whether the node satisfies every constraint. */
export function nodeMatches(constraints: readonly NodeConstraint[], node: NodeSnapshot): boolean {
  return constraints.every((c) => compileNodeConstraint(c)(node));
}

/** One constraint as a test on a node, its key resolved once (a filter compiles once per decision). */
export function compileNodeConstraint(c: NodeConstraint): (node: NodeSnapshot) => boolean {
  if (equalFold(c.key, 'node.ip')) return ipTest(c);
  const read = nodeKeyReader(c.key);
  // A key SwarmKit does not know never matches, whatever the operator.
  if (read === undefined) return () => false;
  const eq = c.op === '==';
  return (node) => equalFold(c.value, read(node)) === eq;
}

/** The value a spread descriptor (`node.labels.x`, `engine.labels.x`) has on the node; undefined: not one. */
export function descriptorOf(descriptor: string): ((node: NodeSnapshot) => string) | undefined {
  return labelReader(descriptor);
}

/**
 * What a constraint key reads on a node; undefined for a key SwarmKit does not know. A missing field or label
 * reads as "" (so `!=` holds), as in SwarmKit.
 */
export function nodeKeyReader(key: string): ((node: NodeSnapshot) => string) | undefined {
  if (equalFold(key, 'node.id')) return (n) => n.nodeId;
  if (equalFold(key, 'node.ip')) return (n) => n.ip;
  if (equalFold(key, 'node.hostname')) return (n) => n.name;
  // Every engine is a worker: Shoal itself is the only manager, and it runs no tasks.
  if (equalFold(key, 'node.role')) return () => 'worker';
  if (equalFold(key, 'node.platform.os')) return (n) => n.platform.os;
  if (equalFold(key, 'node.platform.arch')) return (n) => n.platform.arch;
  return labelReader(key);
}

/** A label's value, "" when missing (own keys only: `node.labels.constructor` is a label name too). */
function label(labels: Readonly<Record<string, string>>, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}

function labelReader(key: string): ((node: NodeSnapshot) => string) | undefined {
  if (hasPrefixFold(key, NODE_LABEL_PREFIX)) {
    const name = key.slice(NODE_LABEL_PREFIX.length);
    return (n) => label(n.nodeLabels, name);
  }
  if (hasPrefixFold(key, ENGINE_LABEL_PREFIX)) {
    const name = key.slice(ENGINE_LABEL_PREFIX.length);
    // Classic's built-ins (ostype, …) are in the snapshot's labels but are not the engine's own.
    if (isBuiltinEngineLabel(name)) return () => '';
    return (n) => label(n.labels, name);
  }
  return undefined;
}

/** `node.ip==10.0.0.1` or `node.ip!=10.0.0.0/8`; a malformed address or network matches nothing. */
function ipTest(c: NodeConstraint): (node: NodeSnapshot) => boolean {
  const eq = c.op === '==';
  const ip = parseIp(c.value);
  if (ip) {
    return (node) => {
      const at = parseIp(node.ip);
      return (at !== undefined && ipEqual(ip, at)) === eq;
    };
  }
  const net = parseCidr(c.value);
  if (!net) return () => false;
  return (node) => {
    const at = parseIp(node.ip);
    return (at !== undefined && netContains(net, at)) === eq;
  };
}

/**
 * Go's `len(key) > len(prefix) && strings.EqualFold(key[:len(prefix)], prefix)` for an ASCII prefix: Go
 * slices bytes, so a non-ASCII character in the first bytes never folds to the prefix.
 */
function hasPrefixFold(key: string, prefix: string): boolean {
  if (key.length <= prefix.length) return false;
  const head = key.slice(0, prefix.length);
  return isAscii(head) && head.toLowerCase() === prefix;
}
