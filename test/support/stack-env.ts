/**
 * The whole local stack for a test, as `npm start` and `longhaul serve` run it — the project's
 * longhaul.config.json (report-etl and queue-drain from asl/, the real handlers in the Lambda
 * runtime, S3/SQS, SES, the BI simulator and the callback receiver) — on a virtual clock, so a
 * 40-minute ETL job ends in about a second of real time.
 *
 * Clients are the real AWS SDK clients pointed at the stack's endpoints.
 */
import { afterAll } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { VirtualScheduler } from '../../engine/runtime/clock.ts';
import { collectEngine } from '../../engine/coverage/collect.ts';
import type { HistoryEvent } from '../../engine/history/events.ts';
import type { ExecutionOutcome } from '../../engine/runtime/interpreter.ts';
import { readStackConfig, startLocalStack, type LocalStack, type StackConfig, type StackOptions } from '../../local/stack.ts';
import { LocalClients, localClientConfig } from '../../local/services/clients.ts';
import type { ObjectCreated } from '../../local/services/local-services.ts';
import { START_MS } from './engine-env.ts';

export const PROJECT_CONFIG = fileURLToPath(new URL('../../longhaul.config.json', import.meta.url));

/** A 40-minute job: upload processed after a minute, heartbeats every minute. */
export const FORTY_MINUTES = { uploadSeconds: 60, jobSeconds: 40 * 60, heartbeatSeconds: 60 } as const;

export interface StackEnv {
  stack: LocalStack;
  scheduler: VirtualScheduler;
  sfn: SFNClient;
  s3: S3Client;
  sqs: SQSClient;
  /** virtual milliseconds since the environment started */
  elapsedMs(): number;
  /**
   * Puts an object into the reports bucket and answers the execution the upload started (through
   * the S3 event → rule → start-from-s3 path), with the object-created announcement.
   */
  upload(key: string, body?: string): Promise<{ executionArn: string; created: ObjectCreated }>;
  /** Waits for an execution's end; answers its outcome and history. */
  finish(executionArn: string): Promise<{ outcome: ExecutionOutcome; history: HistoryEvent[] }>;
  /**
   * Runs `act` once, the first time the stack is idle (everything waits on the clock) and `when`
   * holds; the clock does not move while `act` runs.
   */
  onceIdle(when: () => boolean, act: () => Promise<void> | void): Promise<void>;
  /** the e-mails in the outbox whose subject mentions `text` */
  emails(text: string): { subject: string; text: string; to: string[] }[];
}

/**
 * Whole-stack environments, stopped after the test file.
 *
 * @example
 * const stacks = localStacks();
 * it('...', async () => { const env = await stacks({ bi: { timings: FORTY_MINUTES } }); ... });
 */
export function localStacks(): (opts?: Omit<StackOptions, 'config' | 'configDir' | 'scheduler'> & { config?: (c: StackConfig) => StackConfig }) => Promise<StackEnv> {
  const open: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of open.splice(0)) await stop();
  });
  return async (opts = {}) => {
    const { config: base, configDir } = readStackConfig(PROJECT_CONFIG);
    let config = opts.config ? opts.config(base) : base;
    // as Step Functions Local, a mock file may come from SFN_MOCK_CONFIG
    if (process.env.SFN_MOCK_CONFIG && !config.mockConfig) config = { ...config, mockConfig: resolve(process.env.SFN_MOCK_CONFIG) };
    const scheduler = new VirtualScheduler(START_MS);
    // the handlers' logs are noise in a passing run (process.env.LONGHAUL_TEST_LOGS shows them)
    const onLambdaLog = process.env.LONGHAUL_TEST_LOGS ? undefined : () => {};
    const stack = await startLocalStack({ onLambdaLog, ...opts, config, configDir, scheduler });
    const clients = new LocalClients(stack.services.endpoint);
    const s3 = clients.s3(stack.engine.region);
    const sqs = clients.sqs(stack.engine.region);
    const sfn = new SFNClient(localClientConfig(stack.api.url, stack.engine.region));
    open.push(async () => {
      scheduler.onIdle = undefined;
      // the project's own workflows: their coverage is reported at the end of the run
      collectEngine(stack.engine);
      sfn.destroy();
      clients.destroy();
      await stack.stop();
    });
    const reportEtl = stack.stateMachines['report-etl'];
    return {
      stack, scheduler, sfn, s3, sqs,
      elapsedMs: () => scheduler.now() - START_MS,
      async upload(key, body = 'region,revenue\nemea,100\n') {
        let created: ObjectCreated | undefined;
        const stop = stack.services.onObjectCreated((o) => {
          if (o.key === key) created = o;
        });
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: key, Body: body }));
        } finally {
          stop();
        }
        await stack.rules.settled();
        const started = stack.engine.listExecutions({ stateMachineArn: reportEtl }).filter((e) => (JSON.parse(e.input) as { key?: string }).key === key);
        if (started.length !== 1 || !created) throw new Error(`the upload of ${key} started ${started.length} executions`);
        return { executionArn: started[0].arn, created };
      },
      async finish(executionArn) {
        const outcome = await stack.engine.waitFor(executionArn);
        return { outcome, history: stack.engine.history(executionArn) };
      },
      onceIdle(when, act) {
        return new Promise<void>((resolve, reject) => {
          const previous = scheduler.onIdle;
          scheduler.onIdle = () => {
            if (previous?.()) return true;
            if (!when()) return false;
            scheduler.onIdle = previous;
            const done = scheduler.beginWork();
            Promise.resolve()
              .then(act)
              .then(resolve, reject)
              .finally(done);
            return true;
          };
        });
      },
      emails(text) {
        return stack.outbox
          .list({ channel: 'email' })
          .map((e) => {
            const m = e.message as { Content: { Simple: { Subject: { Data: string }; Body: { Text: { Data: string } } } }; Destination: { ToAddresses: string[] } };
            return { subject: m.Content.Simple.Subject.Data, text: m.Content.Simple.Body.Text.Data, to: m.Destination.ToAddresses };
          })
          .filter((m) => m.subject.includes(text));
      },
    };
  };
}
