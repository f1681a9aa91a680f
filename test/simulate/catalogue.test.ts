/** The simulated organisation: a fixed, consistent contact centre. */
import { describe, expect, it } from 'vitest';
import { SIMULATED_MEDIA, simulationCatalogue } from '../../src/simulate/index.js';

describe('simulationCatalogue', () => {
  const c = simulationCatalogue();

  it('is a small realistic org: 2 divisions, 8 queues per media, 60 agents, flows, wrap-up codes, campaigns', () => {
    expect(c.divisions.map((d) => d.name)).toEqual(['Home', 'Premier Services']);
    expect(c.queues).toHaveLength(8 * SIMULATED_MEDIA.length);
    for (const media of SIMULATED_MEDIA) expect(c.queuesByMedia[media]).toHaveLength(8);
    expect(c.agents).toHaveLength(60);
    expect(c.flows.length).toBeGreaterThanOrEqual(8);
    expect(c.wrapupCodes.length).toBeGreaterThanOrEqual(8);
    expect(c.campaigns.length).toBeGreaterThan(0);
    const ids = [...c.divisions, ...c.queues, ...c.agents, ...c.flows, ...c.wrapupCodes, ...c.campaigns].map(
      (x) => x.id,
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('staffs every queue with agents of its division, and gives every agent a queue', () => {
    for (const queue of c.queues) {
      expect(queue.agentIds.length).toBeGreaterThanOrEqual(5);
      for (const id of queue.agentIds) {
        const agent = c.agentById.get(id)!;
        expect(agent.divisionId).toBe(queue.divisionId);
        expect(agent.queueIds).toContain(queue.id);
      }
    }
    for (const agent of c.agents) expect(agent.queueIds.length).toBeGreaterThan(0);
  });

  it('is the same object and the same ids every time', () => {
    expect(simulationCatalogue()).toBe(c);
    expect(Object.isFrozen(c.queues[0])).toBe(true);
  });
});
