// Matching an image reference ("busybox", "busybox:1", "sha256:ab…", "ab12…") against an image's IDs and tags.

export interface ImageLike {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
}

/** Docker's familiar form: "docker.io/library/busybox:latest" → "busybox:latest". */
export function familiar(ref: string): string {
  return ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/** Adds ":latest" when a name has neither tag nor digest. */
export function withDefaultTag(ref: string): string {
  const r = familiar(ref);
  if (r.includes('@')) return r;
  const slash = r.lastIndexOf('/');
  return r.slice(slash + 1).includes(':') ? r : `${r}:latest`;
}

export function matchesImage(img: ImageLike, ref: string): boolean {
  if (ref === '') return false;
  const id = img.Id;
  const bare = id.replace(/^sha256:/, '');
  if (ref === id || ref === bare) return true;
  const hex = ref.replace(/^sha256:/, '');
  if (
    /^[0-9a-f]{3,}$/.test(hex) &&
    bare.startsWith(hex) &&
    (ref.startsWith('sha256:') || !ref.includes(':'))
  ) {
    return true;
  }
  const tagged = withDefaultTag(ref);
  if ((img.RepoTags ?? []).some((t) => familiar(t) === tagged)) return true;
  return (img.RepoDigests ?? []).some((d) => familiar(d) === familiar(ref));
}

/** An image ID (`sha256:<64 hex>` or the 64 hex alone): it names one image and cannot be pulled. */
export function isImageId(ref: string): boolean {
  return /^(sha256:)?[0-9a-f]{64}$/.test(ref);
}
