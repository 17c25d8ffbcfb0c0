// Go RE2 patterns in JavaScript: Docker's filters and Swarm's /regex/ expressions are written for Go.

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp | null>();

/**
 * Translates a Go regular expression to a JavaScript one, or returns undefined when Go would refuse it
 * (or JavaScript cannot express it). Leading flag groups like `(?i)` and `(?s)` become JS flags.
 */
export function goRegExp(pattern: string): RegExp | undefined {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  const re = translate(pattern);
  if (cache.size > 4096) cache.clear();
  cache.set(pattern, re ?? null);
  return re;
}

function translate(pattern: string): RegExp | undefined {
  let flags = '';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1] ?? '') {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 's' && !flags.includes('s')) flags += 's';
      if (f === 'm' && !flags.includes('m')) flags += 'm';
      if (f === 'U') return undefined;
    }
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) return whole;
      return neg ? `^${cls}` : cls;
    });
  try {
    return new RegExp(src, flags + 'u');
  } catch {
    try {
      return new RegExp(src, flags);
    } catch {
      return undefined;
    }
  }
}
