/**
 * A Distributed Map's reads and writes in S3: the items an ItemReader names (an object's text
 * parsed as its ReaderConfig says, an S3 listing, an S3 inventory manifest's data files) and the
 * files a ResultWriter leaves (`<Prefix>/<mapRunId>/manifest.json` and the SUCCEEDED_n, FAILED_n,
 * PENDING_n files it lists). The engine knows no S3 client: `ItemSource` and `ResultSink` are
 * injected (local/ puts the local S3 behind them, tests an in-memory fake).
 */
import { gunzipSync } from 'node:zlib';
import type { JsonObject, JsonValue } from '../json.ts';
import { ExecutionError, ItemReaderFailed, ResultWriterFailed } from '../errors.ts';
import { parseItems, type ItemReaderRequest, type ResultWriterRequest } from '../states/index.ts';
import { manifestColumns, type InventoryManifest } from '../states/item-reader.ts';

/** One object of a ListObjectsV2 answer, as a Map item holds it. */
export interface ObjectSummary {
  Key: string;
  Etag: string;
  /** epoch seconds */
  LastModified: number;
  Size: number;
  StorageClass: string;
}

/**
 * Where a Distributed Map's ItemReader reads. Errors thrown end the Map with States.ItemReaderFailed.
 *
 * @example
 * const source: ItemSource = { getObject: async ({ bucket, key }) => files[`${bucket}/${key}`], listObjects: async () => [] };
 */
export interface ItemSource {
  /** the object's bytes (gzip-compressed inventory files stay compressed) */
  getObject(req: { bucket: string; key: string; versionId?: string }): Promise<Uint8Array>;
  /** every object under `prefix`, in key order */
  listObjects(req: { bucket: string; prefix?: string }): Promise<ObjectSummary[]>;
}

/** Where a Distributed Map's ResultWriter writes. Errors thrown end the Map with States.ResultWriterFailed. */
export interface ResultSink {
  putObject(req: { bucket: string; key: string; body: string }): Promise<void>;
}

/** Reads an ItemReader's items (before any ItemBatcher). */
export async function readItems(source: ItemSource | undefined, req: ItemReaderRequest): Promise<JsonValue[]> {
  if (!source) throw new ItemReaderFailed('This engine has no ItemSource: start it with one to read items from S3.');
  const p = req.parameters;
  const bucket = String(p.Bucket ?? '');
  try {
    if (req.action === 'listObjectsV2') {
      const listed = await source.listObjects({ bucket, prefix: typeof p.Prefix === 'string' ? p.Prefix : undefined });
      const max = req.config.maxItems ?? Number.POSITIVE_INFINITY;
      return (listed.length > max ? listed.slice(0, max) : listed) as unknown as JsonValue[];
    }
    const key = String(p.Key ?? '');
    const body = await source.getObject({ bucket, key, versionId: typeof p.VersionId === 'string' ? p.VersionId : undefined });
    if (req.config.inputType === 'MANIFEST') return await manifestItems(source, body, req);
    return parseItems(text(body), req.config);
  } catch (e) {
    if (e instanceof ExecutionError) throw e;
    throw new ItemReaderFailed(`The ItemReader could not read s3://${bucket}/${String(p.Key ?? p.Prefix ?? '')}: ${(e as Error).message}`, { cause: e });
  }
}

/** An S3 inventory: the manifest lists CSV data files (gzip) whose rows, keyed by fileSchema, are the items. */
async function manifestItems(source: ItemSource, body: Uint8Array, req: ItemReaderRequest): Promise<JsonValue[]> {
  const manifest = JSON.parse(text(body)) as InventoryManifest;
  if (manifest.fileFormat !== 'CSV') throw new ItemReaderFailed(`S3 inventory files in ${manifest.fileFormat} are not supported; only CSV.`);
  const headers = manifestColumns(manifest);
  const bucket = manifest.destinationBucket?.replace(/^arn:aws[\w-]*:s3:::/, '') ?? String(req.parameters.Bucket);
  const items: JsonValue[] = [];
  const max = req.config.maxItems ?? Number.POSITIVE_INFINITY;
  for (const f of manifest.files) {
    if (items.length >= max) break;
    const data = await source.getObject({ bucket, key: f.key });
    const csv = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
    items.push(...parseItems(text(csv), { inputType: 'CSV', headerLocation: 'GIVEN', headers, delimiter: ',', maxItems: max - items.length }));
  }
  return items;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A child execution's record in a result file, as AWS writes it. */
export type ResultRecord = JsonObject;

/**
 * What a finished child keeps until its record is written out: its input and output text (or
 * error and cause) and its times; the full record (ARN, name, redrive fields) is made as the file
 * is written. `[0, ...]` succeeded, `[1, ...]` failed.
 */
export type CompactRecord = (string | number | null)[];

/** A result file as the manifest lists it. */
export interface ResultFile {
  Key: string;
  Size: number;
}

export type ResultGroup = 'SUCCEEDED' | 'FAILED' | 'PENDING';
export type ResultFiles = Record<ResultGroup, ResultFile[]>;

/** The files under `<Prefix>/<mapRunId>/`. */
function resultBase(req: ResultWriterRequest, mapRunArn: string): string {
  const mapRunId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const prefix = req.prefix === '' || req.prefix.endsWith('/') ? req.prefix : `${req.prefix}/`;
  return `${prefix}${mapRunId}/`;
}

/** Writes `<group>_<n>.json` (a JSON array, or JSON Lines for OutputType JSONL); returns the manifest's entry for it. */
export async function writeResultFile(sink: ResultSink | undefined, req: ResultWriterRequest, mapRunArn: string, group: ResultGroup, n: number, records: JsonValue[]): Promise<ResultFile> {
  if (!sink) throw new ResultWriterFailed('This engine has no ResultSink: start it with one to write results to S3.');
  const key = `${resultBase(req, mapRunArn)}${group}_${n}.json`;
  const body = req.outputType === 'JSONL' ? records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '') : JSON.stringify(records);
  try {
    await sink.putObject({ bucket: req.bucket!, key, body });
  } catch (e) {
    throw new ResultWriterFailed(`The ResultWriter could not write s3://${req.bucket}/${key}: ${(e as Error).message}`, { cause: e });
  }
  return { Key: key, Size: Buffer.byteLength(body) };
}

/** Writes manifest.json over the files written; returns the Map's output. */
export async function writeManifest(sink: ResultSink | undefined, req: ResultWriterRequest, mapRunArn: string, files: ResultFiles): Promise<JsonObject> {
  if (!sink) throw new ResultWriterFailed('This engine has no ResultSink: start it with one to write results to S3.');
  const key = `${resultBase(req, mapRunArn)}manifest.json`;
  const manifest = { DestinationBucket: req.bucket!, MapRunArn: mapRunArn, ResultFiles: { FAILED: files.FAILED, PENDING: files.PENDING, SUCCEEDED: files.SUCCEEDED } };
  try {
    await sink.putObject({ bucket: req.bucket!, key, body: JSON.stringify(manifest) });
  } catch (e) {
    throw new ResultWriterFailed(`The ResultWriter could not write s3://${req.bucket}/${key}: ${(e as Error).message}`, { cause: e });
  }
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: req.bucket!, Key: key } };
}

/** Records per result file. */
export const RESULTS_PER_FILE = 10_000;

/**
 * Succeeded children's results as a Transformation shapes them: NONE keeps the records (output
 * and metadata), COMPACT takes each output, FLATTEN takes each output and spreads an array's
 * elements. (A failed child's record is never transformed.)
 *
 * @example
 * transformResults('FLATTEN', [{ Output: '[1,2]' }, { Output: '3' }]); // [1, 2, 3]
 */
export function transformResults(transformation: ResultWriterRequest['transformation'], records: ResultRecord[]): JsonValue[] {
  if (transformation === 'NONE') return records;
  const out: JsonValue[] = [];
  for (const r of records) {
    const output = JSON.parse(r.Output as string) as JsonValue;
    if (transformation === 'FLATTEN' && Array.isArray(output)) out.push(...output);
    else out.push(output);
  }
  return out;
}
