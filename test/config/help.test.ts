// Help texts: every command has one (`shoal help <command>`), options show their value placeholder, lines
// fit 100 columns, and manage's ends with examples.
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/config/help.js';
import { wrap } from '../../src/config/flags.js';

describe('help', () => {
  it('has a text for each command, within 100 columns', () => {
    for (const cmd of ['manage', 'join', 'list', 'demo']) {
      const text = commandHelp(cmd) ?? '';
      expect(text, cmd).toMatch(/^Usage: shoal /);
      for (const line of text.split('\n')) expect(line.length, `${cmd}: ${line}`).toBeLessThanOrEqual(100);
    }
    expect(commandHelp('nope')).toBeUndefined();
  });

  it('shows manage options with placeholders and ends with examples', () => {
    const text = commandHelp('manage') ?? '';
    expect(text).toMatch(/^ {2}-H, --host \[tcp:\/\/\]host:port\|unix:\/\/\/path/m);
    expect(text).toMatch(/^ {6}--heartbeat duration +period between each heartbeat \(default 60s\)$/m);
    expect(text).toMatch(/^ {6}--replication +enable/m);
    expect(text.trimEnd().split('\n').slice(-5)[0]).toMatch(/^ {2}shoal manage /);
    expect(text).toContain('\nExamples:\n');
  });

  it('wraps words at the width, indenting the rest', () => {
    expect(wrap('aaa bbb ccc ddd', 8, 2)).toBe('aaa bbb\n  ccc\n  ddd');
  });
});
