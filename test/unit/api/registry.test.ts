/** The action registry: every action it answers is one the SDK sends, spelled as the SDK spells it. */
import { describe, it, expect } from '@jest/globals';
import * as sfn from '@aws-sdk/client-sfn';
import { actions, findAction } from '../../../engine/api/actions/index.ts';

describe('the action registry', () => {
  it.each(Object.keys(actions))('answers %s, an action the SDK has a command for', (name) => {
    expect(Object.keys(sfn)).toContain(`${name}Command`);
  });

  it.each(['LaunchRockets', 'toString', '__proto__', 'constructor'])('has no action %s', (name) => {
    expect(findAction(name)).toBeUndefined();
  });
});
