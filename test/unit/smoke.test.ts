import { describe, it, expect } from '@jest/globals';
describe('toolchain', () => {
  it('runs on Node 24 with node:sqlite', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(':memory:');
    expect(db.prepare('select 1 as x').get()).toEqual({ x: 1 });
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
