// The pure core of src/services imports only its own files and Docker's formats (and the error kinds they
// throw): no node: modules, no engine, no store, no clock in disguise. The loop lives in src/services/run/.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../src/services/', import.meta.url);
/** Files of src/services that do I/O: none at the top; the loop and the API's side live in run/. */
const LOOP_FILES = new Set<string>([]);
/** The core may use its own files, Docker's formats, the error kinds and the pure scheduler (constraint grammar). */
const ALLOWED = [
  /^\.\/[\w-]+\.js$/,
  /^\.\.\/docker\/[\w-]+\.js$/,
  /^\.\.\/errors\.js$/,
  /^\.\.\/scheduler\/[\w-]+\.js$/,
];

function importsOf(text: string): string[] {
  const specs = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
  if (/\bimport\s*\(/.test(text)) specs.push('import()');
  return specs;
}

describe('services core', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !LOOP_FILES.has(f));

  it.each(files)('%s imports only the core, docker/ and errors', (file) => {
    const specs = importsOf(readFileSync(new URL(file, DIR), 'utf8'));
    expect(specs.filter((s) => !ALLOWED.some((re) => re.test(s)))).toEqual([]);
  });

  it('reads no clock and draws no random numbers', () => {
    for (const file of files) {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      expect(text, file).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|performance\.now|process\./);
    }
  });
});
