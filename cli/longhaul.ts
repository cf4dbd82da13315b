#!/usr/bin/env node
/**
 * The `longhaul` command. Run it through npm so that Node 24 is used:
 *   npm run longhaul -- exec definition.asl.json --input '{"a":1}'
 *   npm run --silent longhaul -- exec --batch requests.jsonl
 */
import { Command } from 'commander';
import { runBatch } from './exec-batch.ts';
import { runOne, type RunOneOptions } from './exec-one.ts';
import { serve, type ServeOptions } from './serve.ts';
import { demo, type DemoOptions } from './demo.ts';
import { listOutbox, type OutboxChannel } from '../local/integrations/outbox.ts';
import { init, type InitOptions } from './init.ts';
import { CliError, list, readEndpoints, redrive, rerun, show, start, upload } from './remote.ts';

const program = new Command();
program.name('longhaul').description('Long jobs on AWS Step Functions, run locally by a durable, time-skipping engine.');

program
  .command('exec')
  .description('run a state machine definition once (or a batch of conformance requests) on a virtual clock')
  .argument('[definition]', 'ASL definition file (JSON)')
  .option('--input <json>', 'execution input (JSON text)', '{}')
  .option('--input-file <file>', 'execution input from a file')
  .option('--batch <file>', 'JSON Lines request file (see ../shared/conformance/README.md); one result line per request')
  .option('--real-clock', 'wait in real time instead of skipping time')
  .option('--lambda <name=module...>', 'a Lambda function as an ES module exporting handler', [])
  .option('--stand-in <pattern=module...>', 'a stand-in for a service that does not run locally (glue:startJobRun.sync=standins/glue-job.mjs)', [])
  .option('--mock-config <file>', 'a Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG)')
  .option('--test-case <name>', "run the mock config's test case (as StartExecution on stateMachineArn#TestCase)")
  .option('--state-machine <name>', "the state machine's name, as the mock config names it (default: the file's name)")
  .action(async (definition: string | undefined, opts: RunOneOptions & { batch?: string }) => {
    if (opts.batch) {
      await runBatch(opts.batch);
      return;
    }
    if (!definition) return program.error('exec needs a DEFINITION file or --batch FILE');
    process.exitCode = await runOne(definition, opts);
  });

program
  .command('demo')
  .description('the main job end to end (npm start): boot the local stack, upload a sample report, follow report-etl to its end')
  .option('--data <dir>', 'where the stack keeps its state (a stack `serve` runs there is used instead)', '.longhaul')
  .option('--config <file>', 'the stack config', 'longhaul.config.json')
  .option('--virtual', 'a 40-minute ETL job on the virtual clock, kept in memory')
  .option('--file <file>', 'the report to upload (default: a sample)')
  .option('--fail-job', 'the BI service fails the ETL job: see the failure path (exit code 1)')
  .action((opts: DemoOptions) => run(async () => {
    process.exitCode = await demo(opts);
  }));

program
  .command('serve')
  .description('run the local stack (Step Functions API, S3/SQS/SNS, Lambda runtime) on 127.0.0.1 until Ctrl-C')
  .option('--port <port>', 'the Step Functions API port', '8083')
  .option('--data <dir>', 'where the stack keeps its state', '.longhaul')
  .option('--services-port <port>', 'the S3/SQS/SNS port (default: a free one)')
  .option('--config <file>', 'the stack config: functions, buckets, queues, state machines, rules, mock config; with --app, only its overlay, stand-ins and mock config (default longhaul.config.json when there is one)')
  .option('--duplicate-delivery', 'invoke every Lambda task twice, to prove handlers idempotent')
  .option('--mock-config <file>', 'a Step Functions Local MockConfigFile, for executions started on stateMachineArn#TestCase (default: $SFN_MOCK_CONFIG, then the config\'s mockConfig)')
  .option('--quarantine <execution-arn...>', 'open the data folder without resuming these executions (they stay RUNNING: read, stop or redrive them)')
  .option('--app <cdk.out>', 'run a synthesized CDK app (its cloud assembly folder) instead of a stack config')
  .option('--template <file>', 'run a plain CloudFormation template (JSON) instead of a stack config')
  .option('--parameter <Name=value...>', "a value for a template parameter (over its default)")
  .action((opts: ServeOptions) => run(() => serve(opts)));

program
  .command('outbox')
  .description('list the e-mails, SNS messages and SQS messages the local stack sent, oldest first')
  .option('--data <dir>', 'the data folder of `longhaul serve`', '.longhaul')
  .option('--channel <channel>', 'only email, sns or sqs')
  .option('--json', 'one JSON object per line')
  .action((opts: { data: string; channel?: OutboxChannel; json?: boolean }) => {
    const entries = listOutbox(opts.data, { channel: opts.channel });
    for (const e of entries) {
      if (opts.json) console.log(JSON.stringify(e));
      else console.log(`${e.time}  ${e.channel.padEnd(5)}  ${e.stateName}  ${summary(e.message)}`);
    }
    if (!opts.json) console.log(`${entries.length} message(s) in ${opts.data}`);
  });

interface StackOptions {
  data: string;
  endpoint?: string;
}

/** The commands that talk to a running `longhaul serve`. */
function stackCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--data <dir>', 'the data folder of the running `longhaul serve`', '.longhaul')
    .option('--endpoint <url>', 'the Step Functions API (default: the one `serve` recorded)');
}

/** Errors whose message is the whole story: printed as they are, without their name. */
const ONE_LINE_ERRORS = new Set(['DataFolderLocked', 'DataFolderUnusable', 'PortInUse', 'StoreError']);

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    const err = e as { name?: string; message?: string };
    console.error(e instanceof CliError || ONE_LINE_ERRORS.has(err.name ?? '') ? err.message : `${err.name}: ${err.message}`);
    process.exitCode = 1;
  }
}

stackCommand('upload', 'upload a report to the local S3; the upload rule starts its execution')
  .argument('<file>')
  .option('--bucket <bucket>', "the bucket (default: the one the served stack's upload rule watches, else reports)")
  .option('--key <key>', 'the object key (default reports/<file name>)')
  .option('--follow', 'follow the execution the upload starts to its end (exit code 1 when it fails)')
  .action((file: string, opts: StackOptions & { bucket?: string; key?: string; follow?: boolean }) => run(() => upload(readEndpoints(opts), file, opts)));

stackCommand('start', 'start an execution with JSON input')
  .argument('<state-machine>', 'name or ARN')
  .option('--input <json>', 'the input (JSON text)')
  .option('--input-file <file>', 'the input from a file')
  .option('--name <name>', 'the execution name')
  .option('--follow', 'follow the execution to its end (exit code 1 when it fails)')
  .action((machine: string, opts: StackOptions & { input?: string; inputFile?: string; name?: string; follow?: boolean }) => run(() => start(readEndpoints(opts), machine, opts)));

stackCommand('rerun', 'start a new execution with the input of a past one')
  .argument('<execution-arn>')
  .option('--name <name>', 'the new execution name')
  .action((arn: string, opts: StackOptions & { name?: string }) => run(() => rerun(readEndpoints(opts), arn, opts)));

stackCommand('redrive', 'continue a failed, aborted or timed-out execution from the states that failed')
  .argument('<execution-arn>')
  .action((arn: string, opts: StackOptions) => run(() => redrive(readEndpoints(opts), arn)));

stackCommand('list', 'list executions, newest first')
  .argument('[state-machine]', 'name or ARN (default: all)')
  .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE')
  .action((machine: string | undefined, opts: StackOptions & { status?: string }) => run(() => list(readEndpoints(opts), machine, opts)));

stackCommand('show', 'show an execution: status, input, output or error, and its history')
  .argument('<execution-arn>')
  .action((arn: string, opts: StackOptions) => run(() => show(readEndpoints(opts), arn)));

program
  .command('init')
  .description('scaffold a new long-job project: workflows/, asl/, handlers/, infra/ (CDK), test/ (jest on longhaul/testing)')
  .argument('[dir]', 'the project folder (created; must be empty)', '.')
  .option('--force', 'write into a folder that is not empty, overwriting what the scaffold has')
  .option('--longhaul <spec>', "the longhaul dependency (default: ^ this longhaul's version; a path or file: tarball works)")
  .option('--no-infra', 'leave out infra/ and its CDK dependencies')
  .action((dir: string, opts: InitOptions) => run(async () => {
    const written = init(dir, opts);
    console.log(`${written.length} files written to ${dir}:\n  ${written.join('\n  ')}\nNext: cd ${dir} && npm install && npm test`);
  }));

function summary(message: Record<string, unknown>): string {
  const content = message.Content as { Simple?: { Subject?: { Data?: string } } } | undefined;
  const to = (message.Destination as { ToAddresses?: string[] } | undefined)?.ToAddresses?.join(', ');
  if (content?.Simple?.Subject?.Data) return `to ${to ?? '?'}: ${content.Simple.Subject.Data}`;
  const text = String(message.Message ?? message.MessageBody ?? JSON.stringify(message));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

await program.parseAsync(process.argv);
