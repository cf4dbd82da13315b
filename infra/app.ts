/** `npm run synth` / `cdk deploy`: the Longhaul CDK app (configuration: infra/config.ts, README.md "Deploying to AWS"). */
import { readConfig } from './config.ts';
import { addLonghaulStacks, longhaulApp } from './longhaul-app.ts';

const app = longhaulApp();
addLonghaulStacks(app, readConfig((key) => app.node.tryGetContext(key), process.env));
app.synth();
