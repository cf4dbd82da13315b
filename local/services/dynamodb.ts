/**
 * DynamoDB for the local stack: dynalite (a pure-JavaScript DynamoDB on LevelDB) on 127.0.0.1.
 *
 * With a data folder, tables and items live in a LevelDB folder (`<dataDir>`), written before
 * each request is answered, so a restarted stack on the same folder finds them again. Without
 * one, everything is in memory.
 *
 * Like every local server, it answers only this machine's own clients: a non-loopback Host or a
 * foreign Origin is refused with 403 in DynamoDB's JSON error shape before the body is read.
 */
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, type KeySchemaElement, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { screenRequest } from '../http/read-body.ts';
import { localClientConfig } from './clients.ts';

/** dynalite is CommonJS without types: `dynalite(options)` answers an http.Server. */
type Dynalite = (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** A key attribute: its name and scalar type, as CDK's `partitionKey`/`sortKey` take it. */
export interface TableKey {
  name: string;
  /** `S` (default), `N` or `B` */
  type?: 'S' | 'N' | 'B';
}

/** A table the stack creates at start (if missing), on-demand billing as CDK's `PAY_PER_REQUEST`. */
export interface TableConfig {
  name: string;
  partitionKey: TableKey;
  sortKey?: TableKey;
}

export interface LocalDynamoDbOptions {
  /** LevelDB folder; without it, everything is in memory */
  dataDir?: string;
  /** port on 127.0.0.1; 0 or absent picks a free one */
  port?: number;
  region?: string;
}

export interface LocalDynamoDb {
  /** `http://127.0.0.1:PORT`: the endpoint for DynamoDB clients (`AWS_ENDPOINT_URL_DYNAMODB`) */
  readonly endpoint: string;
  readonly port: number;
  /** Creates each table that does not exist yet; an existing table is left as it is. */
  createTables(tables: readonly TableConfig[]): Promise<void>;
  /** Closes the server and the LevelDB folder. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB on 127.0.0.1.
 *
 * Caveats (dynalite's): no transactions (TransactWriteItems/TransactGetItems), no PartiQL, no
 * streams and no TTL expiry; tables are ACTIVE at once (no CREATING delay).
 *
 * @example
 * const ddb = await startLocalDynamoDb({ dataDir: '.longhaul/dynamodb' });
 * await ddb.createTables([{ name: 'jobs', partitionKey: { name: 'id' } }]);
 * const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1' });
 * await ddb.stop();
 */
export async function startLocalDynamoDb(opts: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const server = dynalite({ path: opts.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guard(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const region = opts.region ?? 'us-east-1';
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    async createTables(tables) {
      if (tables.length === 0) return;
      const client = new DynamoDBClient(localClientConfig(endpoint, region));
      try {
        for (const table of tables) {
          if (await exists(client, table.name)) continue;
          await client.send(new CreateTableCommand(createTableInput(table)));
        }
      } finally {
        client.destroy();
      }
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        // idle keep-alive connections of the handlers' clients must not hold the close up
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return stopped;
    },
  };
}

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return false;
    throw e;
  }
}

function createTableInput(table: TableConfig): ConstructorParameters<typeof CreateTableCommand>[0] {
  const keys: KeySchemaElement[] = [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }];
  const attributes: AttributeDefinition[] = [{ AttributeName: table.partitionKey.name, AttributeType: table.partitionKey.type ?? 'S' }];
  if (table.sortKey) {
    keys.push({ AttributeName: table.sortKey.name, KeyType: 'RANGE' });
    attributes.push({ AttributeName: table.sortKey.name, AttributeType: table.sortKey.type ?? 'S' });
  }
  return { TableName: table.name, KeySchema: keys, AttributeDefinitions: attributes, BillingMode: 'PAY_PER_REQUEST' };
}

/** Puts the loopback screen in front of dynalite's own request handler. */
function guard(server: Server): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const foreign = screenRequest(req, res);
    if (foreign === undefined) {
      for (const h of handlers) h(req, res);
      return;
    }
    res.writeHead(403, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message: `Refused: ${foreign}. The local DynamoDB answers only this machine's own clients.` }));
  });
}
