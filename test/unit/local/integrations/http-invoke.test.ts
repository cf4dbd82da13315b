/**
 * The HTTP Task (`arn:aws:states:::http:invoke`) against a server on 127.0.0.1.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { causeOf, localEngines, localServices } from '../local-env.ts';

const local = localServices();
const localEngine = localEngines(local);

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/missing')) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"no such report"}');
      } else if (req.url!.startsWith('/text')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('plain answer');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Report': 'q3' }).end(JSON.stringify({ ok: true, method: req.method }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function call(parameters: object): object {
  return {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: parameters, End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] },
      Caught: { Type: 'Pass', End: true },
    },
  };
}

describe('http:invoke', () => {
  it('answers ResponseBody parsed from JSON, StatusCode, StatusText and each header as a list', async () => {
    // Prepare
    const env = localEngine();

    // Act
    const { outcome } = await env.run(call({
      ApiEndpoint: `${base}/reports`, Method: 'GET', QueryParameters: { id: '42', tag: ['a', 'b'] }, Headers: { 'X-Trace': 't-1' },
      Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/api/1' },
    }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { ResponseBody: { ok: true, method: 'GET' }, StatusCode: 200, StatusText: 'OK', Headers: { 'x-report': ['q3'], 'content-type': ['application/json'] } },
    });
    const req = seen.at(-1)!;
    expect(req.url).toBe('/reports?id=42&tag=a&tag=b');
    expect(req.headers['x-trace']).toBe('t-1');
  });

  it('sends RequestBody as JSON, or form-encoded with Transform URL_ENCODED', async () => {
    const env = localEngine();

    await env.run(call({ ApiEndpoint: `${base}/json`, Method: 'POST', RequestBody: { name: 'q3', rows: [1, 2] } }));
    const json = seen.at(-1)!;
    await env.run(call({
      ApiEndpoint: `${base}/form`, Method: 'POST', RequestBody: { name: 'q3', rows: [1, 2] },
      Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } },
    }));
    const form = seen.at(-1)!;

    expect([json.body, json.headers['content-type']]).toEqual(['{"name":"q3","rows":[1,2]}', 'application/json; charset=UTF-8']);
    expect([form.body, form.headers['content-type']]).toEqual(['name=q3&rows%5B%5D=1&rows%5B%5D=2', 'application/x-www-form-urlencoded']);
  });

  it('keeps a body that is not JSON as text', async () => {
    const env = localEngine();

    const { outcome } = await env.run(call({ ApiEndpoint: `${base}/text`, Method: 'GET' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { ResponseBody: 'plain answer', StatusCode: 200 } });
  });

  it('fails a 404 with States.Http.StatusCode.404, the response as the cause', async () => {
    const env = localEngine();

    const { outcome } = await env.run(call({ ApiEndpoint: `${base}/missing`, Method: 'GET' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'States.Http.StatusCode.404' } });
    expect(JSON.parse(causeOf(outcome))).toMatchObject({ StatusCode: 404, ResponseBody: { message: 'no such report' } });
  });

  it('fails with States.Http.Socket when nothing listens', async () => {
    const env = localEngine();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const { outcome } = await env.run(call({ ApiEndpoint: `http://127.0.0.1:${port}/`, Method: 'GET' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'States.Http.Socket' } });
  });

  it.each([
    [{ Method: 'GET' }, "'ApiEndpoint'"],
    [{ ApiEndpoint: 'ftp://127.0.0.1/', Method: 'GET' }, "'ApiEndpoint'"],
    [{ ApiEndpoint: 'http://127.0.0.1/', Method: 'FETCH' }, "'Method'"],
    [{ ApiEndpoint: 'http://127.0.0.1/', Method: 'GET', Headers: { Authorization: 'x' } }, "'Authorization'"],
  ])('fails the execution on parameters Step Functions refuses (%j): States.Runtime, which no Catch takes', async (parameters, mention) => {
    const env = localEngine();

    const { outcome } = await env.run(call(parameters));

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(causeOf(outcome)).toContain(mention);
  });
});
