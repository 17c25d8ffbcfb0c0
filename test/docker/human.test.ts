import { describe, expect, it } from 'vitest';
import { bytesSize, humanDuration, stateString, statusText } from '../../src/docker/human.js';
import { compareVersions, clampVersion } from '../../src/docker/api-version.js';
import { matchesImage, withDefaultTag } from '../../src/docker/image-ref.js';

describe('human texts', () => {
  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [45_000, '45 seconds'],
    [61_000, 'About a minute'],
    [5 * 60_000, '5 minutes'],
    [3_600_000, 'About an hour'],
    [5 * 3_600_000, '5 hours'],
    [3 * 86_400_000, '3 days'],
    [20 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ])('humanDuration(%d) = %s', (ms, text) => expect(humanDuration(ms)).toBe(text));

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [20 * 1024 * 1024, '20 MiB'],
    [2.0531 * 1024 ** 3, '2.053 GiB'],
    [25276063744, '23.54 GiB'],
  ])('bytesSize(%d) = %s', (n, text) => expect(bytesSize(n)).toBe(text));

  it('computes the status column as the engine does', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const started = '2026-01-01T00:05:00Z';
    expect(statusText({ Running: true, StartedAt: started }, now)).toBe('Up 5 minutes');
    expect(statusText({ Running: true, Paused: true, StartedAt: started }, now)).toBe(
      'Up 5 minutes (Paused)',
    );
    expect(statusText({ Running: true, StartedAt: started, Health: { Status: 'starting' } }, now)).toBe(
      'Up 5 minutes (health: starting)',
    );
    expect(statusText({ Running: true, StartedAt: started, Health: { Status: 'healthy' } }, now)).toBe(
      'Up 5 minutes (healthy)',
    );
    expect(
      statusText(
        { Running: false, StartedAt: started, FinishedAt: '2026-01-01T00:09:57Z', ExitCode: 137 },
        now,
      ),
    ).toBe('Exited (137) 3 seconds ago');
    expect(statusText({ Running: false, StartedAt: '0001-01-01T00:00:00Z' }, now)).toBe('Created');
    expect(statusText({ Dead: true, StartedAt: started }, now)).toBe('Dead');
    expect(stateString({ Running: true, Paused: true })).toBe('paused');
    expect(stateString({ Running: false, StartedAt: '0001-01-01T00:00:00Z' })).toBe('created');
    expect(stateString({ Running: false, StartedAt: started })).toBe('exited');
  });
});

describe('API versions and image references', () => {
  it('compares and clamps versions numerically', () => {
    expect(compareVersions('1.9', '1.41')).toBe(-1);
    expect(clampVersion('1.41', '1.44', '1.52')).toBe('1.44');
    expect(clampVersion('1.50', '1.12', '1.41')).toBe('1.41');
  });

  it('matches IDs, prefixes, tags and the docker.io forms', () => {
    const img = { Id: 'sha256:abcdef0123', RepoTags: ['busybox:latest', 'me/app:1'], RepoDigests: [] };
    for (const ref of [
      'busybox',
      'busybox:latest',
      'docker.io/library/busybox',
      'abcdef',
      'sha256:abcdef0123',
      'me/app:1',
    ]) {
      expect(matchesImage(img, ref), ref).toBe(true);
    }
    for (const ref of ['busybox:1', 'me/app', 'ab', 'other']) expect(matchesImage(img, ref), ref).toBe(false);
    expect(withDefaultTag('registry:5000/x')).toBe('registry:5000/x:latest');
  });
});
