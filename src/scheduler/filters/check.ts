// A filter's verdict on one node, with its reason: for explanations and tests (placement uses prepare()).
import type { Filter, NodeSnapshot, PlacementRequest } from '../types.js';

export function check(filter: Filter, node: NodeSnapshot, req: PlacementRequest): string | undefined {
  const test = filter.prepare(req);
  return test === undefined || test(node) ? undefined : filter.explain(node, req);
}
