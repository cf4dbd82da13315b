import { describe, it, expect } from '@jest/globals';
import { passingOf, readPassing, runConformance, runnerAvailable } from './conformance-report.ts';

const available = runnerAvailable();
if (!available) {
  console.warn('conformance guard skipped: ../shared/conformance/run.py or python3 is absent (a user clone has no ../shared)');
}

(available ? describe : describe.skip)('conformance with AWS recordings', () => {
  it('keeps passing every corpus case listed in test/conformance/passing.json', () => {
    // Prepare
    const recorded = readPassing();

    // Act
    const now = passingOf(runConformance());

    // Assess: a case that passed before and fails now is a regression
    expect(recorded.results.filter((id) => !now.results.includes(id))).toEqual([]);
    expect(recorded.histories.filter((id) => !now.histories.includes(id))).toEqual([]);
    expect(recorded.validations.filter((id) => !now.validations.includes(id))).toEqual([]);
  }, 600_000);
});
