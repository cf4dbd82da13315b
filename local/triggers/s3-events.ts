/**
 * S3 "Object Created" events in the shape EventBridge delivers them (S3's EventBridge
 * notifications), built from the local services' object-created announcements.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../engine/json.ts';
import type { ObjectCreated } from '../services/local-services.ts';

/** An EventBridge event: the envelope every source shares. */
export interface EventBridgeEvent extends JsonObject {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

/** EventBridge writes times to the second: `2024-01-01T12:00:00Z`. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A UUID-shaped id derived from `seed`: the same event built twice gets the same id. */
export function eventId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The EventBridge event S3 sends for a created object.
 *
 * @example
 * objectCreatedEvent(created, { account: '123456789012', region: 'us-east-1', timeMs: Date.now() })
 * // { version: '0', 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name }, object: { key, size, etag, sequencer }, ... } }
 */
export function objectCreatedEvent(o: ObjectCreated, at: { account: string; region: string; timeMs: number }): EventBridgeEvent {
  return {
    version: '0',
    id: eventId(`s3:${o.bucket}:${o.key}:${o.sequencer}`),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: at.account,
    time: eventTime(at.timeMs),
    region: at.region,
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket },
      object: { key: o.key, size: o.size, etag: o.etag, sequencer: o.sequencer },
      'request-id': o.requestId,
      requester: at.account,
      'source-ip-address': '127.0.0.1',
      reason: o.reason,
    },
  };
}
