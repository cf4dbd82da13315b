import { describe, expect, it } from '@jest/globals';
import { emptyCoverage, type DefinitionCoverage } from '../../../engine/coverage/compute.ts';
import { htmlReport, jsonReport, lcovReport, stateLines, textReport, type CoverageSource } from '../../../engine/coverage/reports.ts';
import type { StateMachineDefinition } from '../../../engine/definition/types.ts';

const definition: StateMachineDefinition = {
  StartAt: 'Pick',
  States: {
    Pick: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Call' }], Default: 'Done' },
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      Retry: [{ ErrorEquals: ['Throttled'] }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};
const text = JSON.stringify(definition, null, 2);

/** Pick went to Call (rule 0), which succeeded first time: Default, the retrier and the catcher never ran. */
function partly(): DefinitionCoverage {
  const cov = emptyCoverage('orders', 'abcdef0123456789', definition);
  cov.executions = 3;
  for (const s of cov.states) s.hits = 3;
  cov.choices[0].hits = 3;
  return cov;
}
const sources = new Map<string, CoverageSource>([['abcdef0123456789', { definition, file: 'asl/orders.asl.json', text }]]);

describe('coverage reports', () => {
  it('summarizes each kind as covered/total and names what is uncovered', () => {
    // Act
    const out = textReport([partly()]);

    // Assess
    expect(out.split('\n')[0]).toBe('orders abcdef01  3 executions  57% (4/7)');
    expect(out).toMatch(/states\s+3\/3\s+100%\n/);
    expect(out).toMatch(/choices\s+1\/2\s+50%\s+uncovered: Pick\.Default → Done/);
    expect(out).toMatch(/retriers\s+0\/1\s+0%\s+uncovered: Call\.Retry\[0\] \(Throttled\)/);
    expect(out).toMatch(/catchers\s+0\/1\s+0%\s+uncovered: Call\.Catch\[0\] \(States\.ALL\) → Done/);
  });

  it('shortens long ErrorEquals lists in the names of uncovered clauses', () => {
    // Prepare
    const cov = partly();
    cov.retriers[0].errors = ['Lambda.ServiceException', 'Lambda.SdkClientException', 'BI.Unavailable', 'Busy'];

    // Assess
    expect(textReport([cov])).toContain('uncovered: Call.Retry[0] (Lambda.ServiceException, Lambda.SdkClientException, +2)\n');
  });

  it('writes JSON with each item, a summary and the uncovered names', () => {
    // Act
    const parsed = JSON.parse(jsonReport([partly()])) as { definitions: (DefinitionCoverage & { summary: { percent: number }; uncovered: Record<string, string[]> })[] };

    // Assess
    const [d] = parsed.definitions;
    expect(d).toMatchObject({ name: 'orders', hash: 'abcdef0123456789', executions: 3 });
    expect(d.summary.percent).toBeCloseTo(57.14, 1);
    expect(d.uncovered.retriers).toEqual(['Call.Retry[0] (Throttled)']);
    expect(d.states.map((s) => s.name)).toEqual(['Pick', 'Call', 'Done']);
  });

  it('finds the line that declares each state', () => {
    // Assess: pretty-printed, "States" is on line 3 and Pick on line 4
    const lines = stateLines(text, ['Pick', 'Call', 'Done', 'Missing']);
    expect(text.split('\n')[lines.get('Call')! - 1]).toContain('"Call": {');
    expect([lines.get('Pick'), lines.get('Missing')]).toEqual([4, 1]);
  });

  it('writes an lcov record with states as functions and lines, and rules, retriers and catchers as branches', () => {
    // Act
    const out = lcovReport([partly()], sources).split('\n');

    // Assess
    const callLine = stateLines(text, ['Call']).get('Call');
    expect(out.slice(0, 2)).toEqual(['TN:orders_abcdef01', 'SF:asl/orders.asl.json']);
    expect(out).toContain(`FN:${callLine},Call`);
    expect(out).toContain('FNDA:3,Call');
    expect(out).toContain(`BRDA:${callLine},1,0,-`); // the retrier, never fired
    expect(out).toContain('BRF:4');
    expect(out).toContain('BRH:1');
    expect(out).toContain(`DA:${callLine},3`);
    expect(out.at(-2)).toBe('end_of_record');
  });

  it('draws each state of the graph coloured by whether it was entered', () => {
    // Prepare: Done never entered
    const cov = partly();
    cov.states[2].hits = 0;

    // Act
    const html = htmlReport([cov], sources);

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<section data-definition="orders">');
    expect(html).toMatch(/<g class="state covered" data-state="Pick">/);
    expect(html).toMatch(/<g class="state uncovered" data-state="Done">/);
    expect(html.match(/<path class="edge uncovered catch"/g)).toHaveLength(1);
    expect(html).toContain('Task · 3× · retry 0/1 · catch 0/1');
    expect(html).not.toMatch(/<script/);
  });
});
