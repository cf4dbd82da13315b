import { asRecord, invalid, optionalString, requiredString } from '../shared/input.ts';

/** One object version that landed in S3: what identifies the report and its execution. */
export interface S3ObjectCreated {
  bucket: string;
  key: string;
  versionId?: string;
  /** S3's per-key ordering token; tells apart two writes of an unversioned key. */
  sequencer?: string;
}

/** The report-etl execution's input. */
export interface ReportEtlInput {
  bucket: string;
  key: string;
  versionId?: string;
}

export interface StartFromS3Output {
  executionArn: string;
  name: string;
  /** False when this event was a duplicate and the execution already existed. */
  started: boolean;
}

/**
 * Reads an EventBridge "Object Created" event, an S3 notification (`{ Records: [...] }`, first
 * record) or one notification record. Notification keys arrive URL-encoded with `+` for spaces;
 * EventBridge keys arrive as they are.
 *
 * On AWS the EventBridge event arrives inside an SQS message (rule -> queue -> this function, so
 * a failed start is retried and then dead-lettered): an SQS event of exactly one record is read
 * as the event in its body. More records are refused rather than all but one dropped: the event
 * source mapping is set to batch size 1.
 */
export function parseS3ObjectCreated(event: unknown): S3ObjectCreated {
  const e = asRecord(event, 's3 event');
  if (Array.isArray(e.Records) && e.Records.some((r) => asRecord(r, 'Records[]').eventSource === 'aws:sqs')) {
    if (e.Records.length !== 1) throw invalid(`expected one SQS record per invocation (batch size 1), got ${e.Records.length}`);
    const body = requiredString(asRecord(e.Records[0], 'Records[0]'), 'body');
    let inner: unknown;
    try {
      inner = JSON.parse(body);
    } catch {
      throw invalid('the SQS message body is not JSON');
    }
    return parseS3ObjectCreated(inner);
  }
  if (e['detail-type'] !== undefined || e.detail !== undefined) {
    const detail = asRecord(e.detail, 'detail');
    const object = asRecord(detail.object, 'detail.object');
    return compact({
      bucket: requiredString(asRecord(detail.bucket, 'detail.bucket'), 'name'),
      key: requiredString(object, 'key'),
      versionId: optionalString(object, 'version-id'),
      sequencer: optionalString(object, 'sequencer'),
    });
  }
  const record = Array.isArray(e.Records) ? asRecord(e.Records[0], 'Records[0]') : e;
  if (record.s3 === undefined) throw invalid('expected an EventBridge "Object Created" event or an S3 notification record');
  const s3 = asRecord(record.s3, 's3');
  const object = asRecord(s3.object, 's3.object');
  return compact({
    bucket: requiredString(asRecord(s3.bucket, 's3.bucket'), 'name'),
    key: decodeURIComponent(requiredString(object, 'key').replace(/\+/g, ' ')),
    versionId: optionalString(object, 'versionId'),
    sequencer: optionalString(object, 'sequencer'),
  });
}

function compact(o: S3ObjectCreated): S3ObjectCreated {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as S3ObjectCreated;
}
