// The imports of a TypeScript file, found by a small scanner: loading the TypeScript compiler alone
// takes longer than checking the whole tree. test/lint/boundaries.test.ts holds it to the compiler's reading.
import { readFileSync } from 'node:fs';

// Keywords after which a `/` starts a regular expression rather than a division.
const BEFORE_REGEX = new Set(
  'return typeof instanceof in of new delete void throw case do else yield await extends'.split(' '),
);
const WORD = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*|[0-9][\w.]*/uy;

/**
 * The tokens of a TypeScript file that matter for finding imports: words, string literals and
 * punctuation, with comments, template text and regular expressions skipped.
 */
function tokenize(text) {
  const tokens = [];
  const templates = []; // open `${` braces per template nesting level
  let i = 0;
  const push = (kind, value, pos) => tokens.push({ kind, value, pos });
  const regexAllowed = () => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.kind === 'punct') return !')]}'.includes(prev.value);
    return prev.kind === 'word' && BEFORE_REGEX.has(prev.value);
  };
  const skipTemplate = () => {
    // from just after a backtick or a template's closing brace, to its end or its next `${`
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '`') return void i++;
      else if (c === '$' && text[i + 1] === '{') {
        templates.push(0);
        return void (i += 2);
      } else i++;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') i++;
    else if (c === '/' && text[i + 1] === '/')
      i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*')
      i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 2;
    else if (c === "'" || c === '"') {
      const start = i++;
      let value = '';
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') value += text[++i] ?? '';
        else value += text[i];
        i++;
      }
      i++;
      push('string', value, start);
    } else if (c === '`') {
      push('template', '', i++);
      skipTemplate();
    } else if (c === '/' && regexAllowed()) {
      const start = i++;
      let inClass = false;
      while (i < text.length && text[i] !== '\n' && (inClass || text[i] !== '/')) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(text[i] ?? '')) i++;
      push('regex', '', start);
    } else if (templates.length && (c === '{' || c === '}')) {
      if (c === '}' && templates[templates.length - 1] === 0) {
        templates.pop();
        i++;
        skipTemplate();
      } else {
        templates[templates.length - 1] += c === '{' ? 1 : -1;
        push('punct', c, i++);
      }
    } else {
      WORD.lastIndex = i;
      const word = WORD.exec(text);
      if (word) {
        push('word', word[0], i);
        i += word[0].length;
      } else push('punct', c, i++);
    }
  }
  return tokens;
}

/** Every import of a file: { spec, line, dynamic } for static, type-only, re-export and import() forms. */
export function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const tokens = tokenize(text);
  const newlines = [];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines.push(at);
  const lineOf = (pos) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const is = (k, kind, value) =>
    tokens[k]?.kind === kind && (value === undefined || tokens[k].value === value);
  // the first string literal from token k on, before the statement ends
  const specFrom = (k) => {
    for (; k < tokens.length && !is(k, 'punct', ';'); k++) if (is(k, 'string')) return tokens[k].value;
    return undefined;
  };
  const found = [];
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].kind !== 'word' || is(k - 1, 'punct', '.')) continue;
    const line = lineOf(tokens[k].pos);
    if (tokens[k].value === 'import' && !is(k + 1, 'punct', '.') && !is(k + 1, 'punct', ':')) {
      if (is(k + 1, 'punct', '(')) {
        const literal = is(k + 2, 'string') && (is(k + 3, 'punct', ')') || is(k + 3, 'punct', ','));
        // `typeof import('x')` and `: import('x').T` are types, not calls
        const typeOnly = is(k - 1, 'word', 'typeof') || is(k - 1, 'punct', ':');
        found.push({ spec: literal ? tokens[k + 2].value : undefined, line, dynamic: !typeOnly });
      } else {
        const spec = specFrom(k + 1);
        if (spec !== undefined) found.push({ spec, line, dynamic: false });
      }
    } else if (tokens[k].value === 'export') {
      let j = is(k + 1, 'word', 'type') ? k + 2 : k + 1;
      if (is(j, 'punct', '{')) {
        while (j < tokens.length && !is(j, 'punct', '}')) j++;
        if (is(j + 1, 'word', 'from') && is(j + 2, 'string')) {
          found.push({ spec: tokens[j + 2].value, line, dynamic: false });
        }
      } else if (is(j, 'punct', '*')) {
        const spec = specFrom(j);
        if (spec !== undefined) found.push({ spec, line, dynamic: false });
      }
    }
  }
  return found;
}
