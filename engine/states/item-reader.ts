/**
 * A Distributed Map's ItemReader and ResultWriter as plain data: what to read (the S3 action, its
 * evaluated Parameters or Arguments, the ReaderConfig), how a read object's text becomes items
 * (JSON array, JSON Lines, CSV), and where the results go. Pure: the runner fetches and writes
 * through the engine's injected ItemSource and ResultSink.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { MapState } from '../definition/types.ts';
import { ItemReaderFailed, ResultWriterFailed } from '../errors.ts';
import { resolvePath } from '../query/jsonpath/index.ts';
import { applyTemplate, evaluateField, isStatesError, pathRoots, type Flow } from '../dataflow/index.ts';
import type { StateContext } from './outcome.ts';

export const InputType = { JSON: 'JSON', JSONL: 'JSONL', CSV: 'CSV', MANIFEST: 'MANIFEST' } as const;
export type InputType = (typeof InputType)[keyof typeof InputType];

/** The delimiters CSVDelimiter names. */
const DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

export interface ReaderConfig {
  inputType?: InputType;
  headerLocation: 'FIRST_ROW' | 'GIVEN';
  headers?: string[];
  delimiter: string;
  maxItems?: number;
}

/** What the runner reads: `action` is the S3 API action of the reader's Resource. */
export interface ItemReaderRequest {
  action: 'getObject' | 'listObjectsV2';
  parameters: JsonObject;
  config: ReaderConfig;
}

/**
 * A ResultWriter: where it writes (`<Prefix>/<mapRunId>/...` in `bucket`; no bucket when it has
 * only a WriterConfig, which shapes the Map's output instead) and its WriterConfig.
 */
export interface ResultWriterRequest {
  bucket?: string;
  prefix: string;
  /** NONE: each child's output with its execution's metadata; COMPACT: the outputs; FLATTEN: the outputs, arrays flattened */
  transformation: 'NONE' | 'COMPACT' | 'FLATTEN';
  /** JSON: a file is a JSON array; JSONL: JSON Lines */
  outputType: 'JSON' | 'JSONL';
}

/** The reader's request, with its Parameters (JSONPath, over the effective input) or Arguments (JSONata) evaluated. */
export async function itemReaderRequest(state: MapState, input: JsonValue, ctx: StateContext): Promise<Flow<ItemReaderRequest>> {
  const reader = state.ItemReader!;
  const resource = String(reader.Resource ?? '');
  const action = resource.replace(/^arn:aws[\w-]*:states:::s3:/, '');
  if (action !== 'getObject' && action !== 'listObjectsV2') return new ItemReaderFailed(`The ItemReader resource '${resource}' is not supported.`);
  const parameters = await evaluated(reader, input, ctx, 'ItemReader');
  if (isStatesError(parameters)) return parameters;
  const raw = (reader.ReaderConfig ?? {}) as JsonObject;
  let maxItems: JsonValue | undefined = raw.MaxItems;
  if (ctx.queryLanguage === 'JSONata' && typeof maxItems === 'string') {
    const v = await evaluateField(maxItems, { input }, ctx, 'MaxItems');
    if (isStatesError(v)) return v;
    maxItems = v;
  } else if (typeof raw.MaxItemsPath === 'string') {
    const r = resolvePath(raw.MaxItemsPath, pathRoots(input, ctx));
    maxItems = r.found ? r.value : null;
  }
  if (maxItems !== undefined && (typeof maxItems !== 'number' || !Number.isInteger(maxItems) || maxItems < 0)) {
    return new ItemReaderFailed(`MaxItems must be a non-negative integer, but was: ${JSON.stringify(maxItems)}`);
  }
  const delimiter = raw.CSVDelimiter === undefined ? ',' : DELIMITERS[String(raw.CSVDelimiter)];
  if (delimiter === undefined) return new ItemReaderFailed(`CSVDelimiter '${String(raw.CSVDelimiter)}' is not supported.`);
  const config: ReaderConfig = {
    inputType: raw.InputType as InputType | undefined,
    headerLocation: raw.CSVHeaderLocation === 'GIVEN' ? 'GIVEN' : 'FIRST_ROW',
    headers: Array.isArray(raw.CSVHeaders) ? raw.CSVHeaders.map(String) : undefined,
    delimiter,
    // 0 reads every item, as AWS has it
    maxItems: maxItems === undefined || maxItems === 0 ? undefined : maxItems,
  };
  if (action === 'getObject' && config.inputType === undefined) return new ItemReaderFailed('ReaderConfig.InputType is required to read an object.');
  return { action, parameters, config };
}

/**
 * The writer's bucket, prefix and WriterConfig; undefined when there is nothing to do beyond the
 * Map's usual output (no ResultWriter, or only a WriterConfig asking for COMPACT JSON).
 */
export async function resultWriterRequest(state: MapState, input: JsonValue, ctx: StateContext): Promise<Flow<ResultWriterRequest | undefined>> {
  const writer = state.ResultWriter;
  if (!writer) return undefined;
  const config = (writer.WriterConfig ?? {}) as JsonObject;
  const exported = writer.Resource !== undefined;
  // NONE is the default when results are exported, COMPACT when they are not
  const transformation = (config.Transformation ?? (exported ? 'NONE' : 'COMPACT')) as ResultWriterRequest['transformation'];
  const outputType = (config.OutputType ?? 'JSON') as ResultWriterRequest['outputType'];
  if (!exported) return transformation === 'COMPACT' ? undefined : { prefix: '', transformation, outputType };
  const parameters = await evaluated(writer, input, ctx, 'ResultWriter');
  if (isStatesError(parameters)) return parameters;
  if (typeof parameters.Bucket !== 'string') return new ResultWriterFailed('ResultWriter Parameters must give a Bucket.');
  const prefix = typeof parameters.Prefix === 'string' ? parameters.Prefix : '';
  return { bucket: parameters.Bucket, prefix, transformation, outputType };
}

async function evaluated(field: JsonObject, input: JsonValue, ctx: StateContext, name: string): Promise<Flow<JsonObject>> {
  let v: Flow<JsonValue>;
  if (ctx.queryLanguage === 'JSONata') v = field.Arguments === undefined ? {} : await evaluateField(field.Arguments, { input }, ctx, `${name}.Arguments`);
  else v = field.Parameters === undefined ? {} : applyTemplate(field.Parameters, input, ctx, `${name}.Parameters`);
  if (isStatesError(v)) return v;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return new ItemReaderFailed(`The ${name} parameters must be an object.`);
  return v;
}

/**
 * The items of an object's text, as `config.inputType` reads it; at most `maxItems`. CSV values
 * stay strings, keyed by the header row (or the given headers); a short row fills with "".
 *
 * @example
 * parseItems('id,name\n1,a\n', { inputType: 'CSV', headerLocation: 'FIRST_ROW', delimiter: ',' }); // [{ id: '1', name: 'a' }]
 */
export function parseItems(text: string, config: ReaderConfig): JsonValue[] {
  const max = config.maxItems ?? Number.POSITIVE_INFINITY;
  switch (config.inputType) {
    case 'JSON': {
      let v: JsonValue;
      try {
        v = JSON.parse(text) as JsonValue;
      } catch (e) {
        throw new ItemReaderFailed('Attempting to map over non-iterable node.', { cause: e });
      }
      if (!Array.isArray(v)) throw new ItemReaderFailed('Attempting to map over non-iterable node.');
      return v.length > max ? v.slice(0, max) : v;
    }
    case 'JSONL': {
      const out: JsonValue[] = [];
      for (const line of text.split(/\r?\n/)) {
        if (out.length >= max) break;
        if (line.trim() === '') continue;
        try {
          out.push(JSON.parse(line) as JsonValue);
        } catch (e) {
          throw new ItemReaderFailed(`The JSON Lines object holds a line that is not JSON: ${line.slice(0, 100)}`, { cause: e });
        }
      }
      return out;
    }
    case 'CSV':
      return csvItems(text, config, max);
    default:
      throw new ItemReaderFailed(`InputType ${String(config.inputType)} cannot be parsed here.`);
  }
}

function csvItems(text: string, config: ReaderConfig, max: number): JsonValue[] {
  const rows = csvRows(text, config.delimiter);
  let headers: string[] | undefined;
  if (config.headerLocation === 'GIVEN') headers = config.headers;
  else {
    const first = rows.next();
    headers = first.done ? [] : first.value;
  }
  if (!headers) throw new ItemReaderFailed('CSVHeaders are required when CSVHeaderLocation is GIVEN.');
  if (new Set(headers).size < headers.length) throw new ItemReaderFailed('CSV headers cannot contain duplicates.');
  const out: JsonValue[] = [];
  for (const row of rows) {
    if (out.length >= max) break;
    if (row.length === 1 && row[0] === '') continue;
    const item: JsonObject = {};
    for (let i = 0; i < headers.length; i++) item[headers[i]] = row[i] ?? '';
    out.push(item);
  }
  return out;
}

/** RFC 4180 rows: quoted fields may hold the delimiter, newlines and doubled quotes. */
function* csvRows(text: string, delimiter: string): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      yield row;
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}

/** An S3 inventory manifest.json: the data files to read and their columns. */
export interface InventoryManifest {
  files: { key: string }[];
  fileFormat: string;
  fileSchema: string;
  destinationBucket?: string;
}

/** A manifest's columns (its fileSchema), as the keys of each inventory item. */
export function manifestColumns(manifest: InventoryManifest): string[] {
  return manifest.fileSchema.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
