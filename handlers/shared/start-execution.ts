/**
 * Starting an execution under a name that says which event it is for (an object version, a
 * schedule's tick): a second start of the same name finds the first and starts nothing new, so a
 * delivery that comes twice is harmless.
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** What a named start answers: the execution, and whether this call started it. */
export interface NamedStart {
  executionArn: string;
  name: string;
  started: boolean;
}

/**
 * StartExecution under `name`; ExecutionAlreadyExists (the name ran before with other input, or
 * has closed) answers the existing execution with `started: false`.
 *
 * @example
 * await startNamedExecution(sfn, stateMachineArn, 'reports-q3.csv-v1-3f0a', { bucket: 'reports', key: 'q3.csv' });
 */
export async function startNamedExecution(sfn: SFNClient, stateMachineArn: string, name: string, input: unknown): Promise<NamedStart> {
  try {
    const answer = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionArn: answer.executionArn!, name, started: true };
  } catch (e) {
    if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') {
      return { executionArn: executionArnFor(stateMachineArn, name), name, started: false };
    }
    throw e;
  }
}

/** `arn:...:stateMachine:M` → `arn:...:execution:M:name`, the ARN AWS gives that execution. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
