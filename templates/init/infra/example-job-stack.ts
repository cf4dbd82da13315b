/**
 * Deploys asl/example-job.asl.json as it is, with its placeholders filled from typed
 * substitutions, and the check-job function it calls.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { SubstitutionName } from '../workflows/example-job.ts';

export class ExampleJobStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const checkJob = new NodejsFunction(this, 'CheckJob', {
      entry: new URL('../handlers/check-job/index.ts', import.meta.url).pathname,
      runtime: Runtime.NODEJS_22_X,
      timeout: Duration.seconds(30),
      environment: { JOB_SERVICE_URL: 'https://jobs.example.com' },
    });
    const substitutions: Record<SubstitutionName, string> = { CheckJobFunctionArn: checkJob.functionArn };
    const machine = new StateMachine(this, 'ExampleJob', {
      stateMachineName: 'example-job',
      definitionBody: DefinitionBody.fromFile(new URL('../asl/example-job.asl.json', import.meta.url).pathname),
      definitionSubstitutions: substitutions,
      timeout: Duration.days(7),
    });
    checkJob.grantInvoke(machine);
  }
}
