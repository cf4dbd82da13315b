/**
 * The optimized EventBridge integration: `arn:aws:states:::events:putEvents` and
 * `events:putEvents.waitForTaskToken`, which put events onto the local event bus, where the
 * stack's rules (local/triggers/rules.ts) match them and run their targets.
 *
 * As on AWS, the execution's and the state machine's ARNs are appended to each entry's
 * `Resources`, the result is `{ Entries: [{ EventId }], FailedEntryCount: 0 }` with the
 * `SdkHttpMetadata` and `SdkResponseMetadata` Step Functions adds, and a non-zero
 * `FailedEntryCount` fails the task with `EventBridge.FailedEntry`.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import { TaskFailure, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../../engine/runtime/integrations.ts';
import { eventTime, type EventBridgeEvent } from '../triggers/s3-events.ts';
import { asText, parametersOf, parseResource, sdkHttpMetadata, serviceFlavor } from './common.ts';
import { InvalidTaskParameters } from './errors.ts';

/** Where put events go: the local event bus (the stack's rules). */
export type EventBus = (event: EventBridgeEvent, busName: string) => void;

/** Some entries of a putEvents were refused. */
export class FailedEntry extends TaskFailure {
  constructor(cause: string) {
    super('EventBridge.FailedEntry', cause);
  }
}

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export interface EventsIntegrationOptions {
  scheduler: Scheduler;
  bus: EventBus;
  account: string;
}

/**
 * `events:putEvents`, request-response and `.waitForTaskToken`.
 *
 * Caveats: every bus name is taken (`default`, a name or an ARN) and all feed the same rules;
 * an entry missing `Source`, `DetailType` or `Detail` is refused as EventBridge refuses it
 * (`InvalidArgument`), failing the task with `EventBridge.FailedEntry`.
 *
 * @example
 * engine.integrations.register(new EventsIntegration({ scheduler, account, bus: (e) => rules.dispatch(e) }));
 * // "Resource": "arn:aws:states:::events:putEvents", "Parameters": { "Entries": [{ "Source": "my.app", "DetailType": "Done", "Detail": {} }] }
 */
export class EventsIntegration implements TaskIntegration {
  private readonly opts: EventsIntegrationOptions;

  constructor(opts: EventsIntegrationOptions) {
    this.opts = opts;
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || r.resourceType !== 'events' || r.action !== 'putEvents' || r.pattern === 'sync') return undefined;
    return serviceFlavor(r);
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const entries = parametersOf(req).Entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new InvalidTaskParameters("The field 'Entries' of events:putEvents must be a non-empty array");
    if (entries.length > MAX_ENTRIES) throw new InvalidTaskParameters(`events:putEvents takes at most ${MAX_ENTRIES} entries, not ${entries.length}`);
    const now = this.opts.scheduler.now();
    const results: JsonObject[] = [];
    const accepted: { event: EventBridgeEvent; bus: string }[] = [];
    for (const entry of entries) {
      const problem = refusal(entry);
      if (problem) {
        results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: problem });
        continue;
      }
      const put = busEvent(entry as JsonObject, { account: this.opts.account, region: req.region, now, resources: [req.executionArn, stateMachineArnOf(req.executionArn)] });
      accepted.push(put);
      results.push({ EventId: put.event.id });
    }
    const failed = results.filter((r) => r.ErrorCode !== undefined).length;
    if (failed > 0) {
      const first = results.find((r) => r.ErrorCode !== undefined)!;
      throw new FailedEntry(`${failed} of ${entries.length} entries failed: ${String(first.ErrorCode)}: ${String(first.ErrorMessage)}`);
    }
    for (const a of accepted) this.opts.bus(a.event, a.bus);
    const result: JsonObject = { Entries: results, FailedEntryCount: 0 };
    return {
      ...result,
      ...sdkHttpMetadata({
        requestId: randomUUID(), status: 200, contentType: 'application/x-amz-json-1.1',
        contentLength: Buffer.byteLength(JSON.stringify(result)), date: new Date(now),
      }),
    };
  }
}

/**
 * The event a PutEvents entry EventBridge took puts on a bus, with `resources` appended to its
 * own (Step Functions' optimized integration appends the execution's and state machine's ARNs).
 *
 * @example
 * busEvent({ Source: 'app', DetailType: 'Done', Detail: '{}' }, { account, region, now, resources: [] }).bus // 'default'
 */
export function busEvent(entry: JsonObject, at: { account: string; region: string; now: number; resources: string[] }): { event: EventBridgeEvent; bus: string } {
  const own = Array.isArray(entry.Resources) ? entry.Resources.map((r) => String(r)) : [];
  return {
    bus: typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
    event: {
      version: '0', id: randomUUID(), 'detail-type': String(entry.DetailType), source: String(entry.Source), account: at.account,
      time: typeof entry.Time === 'string' ? entry.Time : eventTime(at.now), region: at.region,
      resources: [...own, ...at.resources],
      detail: JSON.parse(asText(entry.Detail)) as JsonObject,
    },
  };
}

/** Why EventBridge would refuse an entry; undefined when it takes it. */
export function refusal(entry: JsonValue): string | undefined {
  if (!isJsonObject(entry)) return 'An entry must be an object';
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (entry[field] === undefined || entry[field] === null || entry[field] === '') return `Parameter ${field} is not valid. Reason: ${field} is a required argument.`;
  }
  let detail: unknown;
  try {
    detail = JSON.parse(asText(entry.Detail));
  } catch {
    return 'Detail is malformed.';
  }
  if (!isJsonObject(detail as JsonValue)) return 'Detail is malformed.';
  return undefined;
}

/** `arn:...:execution:Machine:name` → `arn:...:stateMachine:Machine` (Express ARNs too). */
function stateMachineArnOf(executionArn: string): string {
  const parts = executionArn.split(':');
  return [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
}
