/** `longhaul exec FILE` runs any file: the state machine is named after it within AWS's rules. */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runOne, stateMachineNameFor } from '../../../cli/exec-one.ts';

const AWS_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('stateMachineNameFor', () => {
  it.each<[string, string, string]>([
    ['a plain file', 'flows/order.asl.json', 'order'],
    ['blanks and brackets', 'flows/Order intake (v2).json', 'Order-intake--v2-'],
    ['a long name, cut to 80 characters', `${'x'.repeat(120)}.json`, 'x'.repeat(80)],
    ['accented letters', 'commandé.json', 'command-'],
    ['nothing left', '.json', 'local'],
  ])('names %s', (_name, file, expected) => {
    // Act
    const name = stateMachineNameFor(file);

    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(AWS_NAME);
  });
});

describe('runOne', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'longhaul-exec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a definition whose file name is longer than a state machine name may be', async () => {
    // Prepare
    const file = path.join(dir, `${'a-very-long-definition-name-'.repeat(5)}.asl.json`);
    writeFileSync(file, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
    const log = console.log;
    console.log = () => {};

    // Act
    let code: number;
    try {
      code = await runOne(file, { input: '{}', lambda: [] });
    } finally {
      console.log = log;
    }

    // Assess
    expect(code).toBe(0);
  });
});
