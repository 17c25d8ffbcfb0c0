// GET /images/json across the pool: one entry per image ID (tags and digests merged), Docker's filters
// and `node`, newest first.
import { FilterArgs, boolValue, invalidFilter } from '../docker/filters.js';
import { familiar, matchesImage } from '../docker/image-ref.js';
import { goRegExp } from '../docker/go-regexp.js';
import type { Engine } from '../engine/engine.js';
import type { ImageSummary } from '../engine/resource-lists.js';
import { ApiError } from '../errors.js';

const IMAGE_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'node'];

function tagsOf(img: ImageSummary): string[] {
  return (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
}

/** Docker's reference filter: a glob on the familiar name, with or without the tag. */
function referenceMatches(patterns: string[], tag: string): boolean {
  const f = familiar(tag);
  const colon = f.lastIndexOf(':');
  return patterns.some((pattern) => {
    const re = goRegExp(
      `^${pattern
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
    );
    return re !== undefined && (re.test(f) || (colon > f.lastIndexOf('/') && re.test(f.slice(0, colon))));
  });
}

function createdOfRef(engines: readonly Engine[], ref: string): number {
  for (const e of engines) {
    const img = e.lists.images.find((i) => matchesImage(i, ref));
    if (img) return img.Created;
  }
  throw ApiError.notFound(`No such image: ${ref}`);
}

export function listImages(engines: readonly Engine[], q: URLSearchParams): ImageSummary[] {
  const f = FilterArgs.parse(q.get('filters'));
  f.validate(IMAGE_FILTERS);
  // As the engine: exactly "true" or "false".
  const dangling = !f.has('dangling') ? undefined : f.exactMatch('dangling', 'true') || undefined;
  if (f.has('dangling') && !dangling && !f.values('dangling').includes('false'))
    throw invalidFilter('dangling', f.values('dangling'));
  const all = boolValue(q.get('all'));
  const before = f.values('before')[0];
  const since = f.values('since')[0];
  const beforeT = before !== undefined ? createdOfRef(engines, before) : undefined;
  const sinceT = since !== undefined ? createdOfRef(engines, since) : undefined;
  const merged = new Map<string, ImageSummary>();
  for (const e of engines) {
    if (f.has('node') && !f.match('node', e.name) && !f.exactMatch('node', e.id)) continue;
    const parents = new Set(e.lists.images.map((i) => i.ParentId).filter(Boolean));
    for (const img of e.lists.images) {
      const tags = tagsOf(img);
      if (!all && tags.length === 0 && parents.has(img.Id)) continue;
      if (f.has('dangling') && (dangling ?? false) !== (tags.length === 0)) continue;
      if (!f.matchKVList('label', img.Labels ?? {})) continue;
      let shown = img;
      if (f.has('reference')) {
        // As the engine does: only the tags that match are listed.
        const refs = f.values('reference');
        const matching = tags.filter((t) => referenceMatches(refs, t));
        if (matching.length === 0) continue;
        shown = { ...img, RepoTags: matching };
      }
      if (beforeT !== undefined && img.Created >= beforeT) continue;
      if (sinceT !== undefined && img.Created <= sinceT) continue;
      const prev = merged.get(img.Id);
      if (!prev) {
        merged.set(img.Id, {
          ...shown,
          RepoTags: shown.RepoTags ? [...shown.RepoTags] : shown.RepoTags,
          RepoDigests: shown.RepoDigests ? [...shown.RepoDigests] : shown.RepoDigests,
        });
        continue;
      }
      const union = (a: string[] | null, b: string[] | null) =>
        a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : null;
      prev.RepoTags = union(prev.RepoTags, shown.RepoTags);
      prev.RepoDigests = union(prev.RepoDigests, shown.RepoDigests);
    }
  }
  return [...merged.values()].sort((a, b) => b.Created - a.Created);
}
