// The CDK app: `npx aws-cdk synth` / `deploy` (cdk.json runs it).
import { App } from 'aws-cdk-lib';
import { ExampleJobStack } from './example-job-stack.ts';

const app = new App();
new ExampleJobStack(app, 'ExampleJob');
