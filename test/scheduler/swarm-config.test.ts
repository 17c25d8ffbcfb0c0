import { describe, expect, it } from 'vitest';
import { extractSwarmConfig, reschedulePolicyOf, SWARM_LABELS } from '../../src/scheduler/swarm-config.js';

const id = () => 'f'.repeat(64);

describe('swarm settings of a create body', () => {
  it('takes constraint:, affinity:, whitelist:, reschedule: out of the env and writes them to labels', () => {
    const body: Record<string, unknown> = {
      Env: [
        'A=1',
        'constraint:node==node-1',
        'affinity:container==web',
        'constraint:storage==~ssd',
        'reschedule:on-node-failure',
      ],
      Labels: { keep: 'me' },
    };
    const c = extractSwarmConfig(body, id);
    expect(body['Env']).toEqual(['A=1']);
    expect(c.constraints.map((e) => e.value)).toEqual(['node-1', 'ssd']);
    expect(c.constraints[1]?.soft).toBe(true);
    expect(c.affinities[0]).toMatchObject({ key: 'container', value: 'web' });
    expect(c.reschedule).toBe('on-node-failure');
    expect(body['Labels']).toEqual({
      keep: 'me',
      [SWARM_LABELS.id]: 'f'.repeat(64),
      [SWARM_LABELS.constraints]: '["node==node-1","storage==~ssd"]',
      [SWARM_LABELS.affinities]: '["container==web"]',
      [SWARM_LABELS.reschedule]: '["on-node-failure"]',
    });
  });

  it('merges expressions already in labels (a rescheduled or compose-made container) and keeps its swarm ID', () => {
    const body: Record<string, unknown> = {
      Env: ['constraint:zone==a'],
      Labels: { [SWARM_LABELS.constraints]: '["storage==ssd"]', [SWARM_LABELS.id]: 'abc' },
    };
    const c = extractSwarmConfig(body, id);
    expect(c.constraints.map((e) => `${e.key}${e.op}${e.value}`)).toEqual(['storage==ssd', 'zone==a']);
    expect(c.swarmId).toBe('abc');
  });

  it("refuses bad settings with classic's texts", () => {
    expect(() => extractSwarmConfig({ Env: ['reschedule:off', 'reschedule:on-node-failure'] }, id)).toThrow(
      'too many reschedule policies',
    );
    expect(() => extractSwarmConfig({ Env: ['reschedule:always'] }, id)).toThrow(
      'invalid reschedule policy: always',
    );
    expect(() => extractSwarmConfig({ Env: ['constraint:1node==a'] }, id)).toThrow(
      "error from constraint filter: Key '1node' is invalid",
    );
  });

  it('ignores a label that is not a JSON list, as classic did, and says so in a warning', () => {
    // As classic's own tests write it: a shell-escaped `\!` that is not valid JSON.
    const body = {
      Labels: { [SWARM_LABELS.affinities]: '["container\\!=c1"]', [SWARM_LABELS.constraints]: 'node==a' },
    };
    const c = extractSwarmConfig(body, id);
    expect(c.affinities).toEqual([]);
    expect(c.constraints).toEqual([]);
    expect(c.warnings).toEqual([
      `label ${SWARM_LABELS.constraints} was ignored: it must be a JSON array of strings, got "node==a"`,
      `label ${SWARM_LABELS.affinities} was ignored: it must be a JSON array of strings, got ${JSON.stringify(body.Labels[SWARM_LABELS.affinities])}`,
    ]);
  });

  it('reads the policy back from labels', () => {
    expect(reschedulePolicyOf({ [SWARM_LABELS.reschedule]: '["on-node-failure"]' })).toBe('on-node-failure');
    expect(reschedulePolicyOf({})).toBe('off');
  });
});
