/** DescribeExecution. */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';
import { executionDescription } from '../wire.ts';

export const describeExecution: Action = (req, { engine }) =>
  executionDescription(engine.describeExecution(executionArn(requiredString(req, 'executionArn', 256))));
