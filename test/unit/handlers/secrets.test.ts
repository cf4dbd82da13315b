import { describe, expect, it } from '@jest/globals';
import { callbackReceiverDependencies } from '../../../handlers/callback-receiver/callback-receiver.ts';
import type { Fetch } from '../../../handlers/shared/bi-client.ts';
import { readSecret } from '../../../handlers/shared/secrets.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf';

/** An in-memory Parameters and Secrets extension: answers GET /secretsmanager/get like the real one. */
function fakeExtension(secrets: Record<string, string>, status = 200) {
  const requests: { url: string; token: string | null }[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    requests.push({ url: String(url), token: new Headers(init?.headers).get('X-Aws-Parameters-Secrets-Token') });
    const id = u.searchParams.get('secretId') ?? '';
    if (status !== 200) return new Response('{"message":"boom"}', { status });
    if (!(id in secrets)) return new Response('{"message":"not found"}', { status: 400 });
    return new Response(JSON.stringify({ ARN: id, Name: 'webhook', SecretString: secrets[id] }), { status: 200 });
  }) as Fetch;
  return { fetchFn, requests };
}

describe('readSecret', () => {
  it('takes the value from the environment when it is there (the local stack)', async () => {
    const { fetchFn, requests } = fakeExtension({});

    const secret = await readSecret({ BI_WEBHOOK_SECRET: 'local-s3cret', BI_WEBHOOK_SECRET_ARN: ARN }, 'BI_WEBHOOK_SECRET', fetchFn);

    expect(secret).toBe('local-s3cret');
    expect(requests).toEqual([]);
  });

  it('fetches the value by ARN through the extension, authenticated by the session token (AWS)', async () => {
    const { fetchFn, requests } = fakeExtension({ [ARN]: 'aws-s3cret' });

    const secret = await readSecret({ BI_WEBHOOK_SECRET_ARN: ARN, AWS_SESSION_TOKEN: 'session-1', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2999' }, 'BI_WEBHOOK_SECRET', fetchFn);

    expect(secret).toBe('aws-s3cret');
    expect(requests).toEqual([{ url: `http://localhost:2999/secretsmanager/get?secretId=${encodeURIComponent(ARN)}`, token: 'session-1' }]);
  });

  it.each([
    ['neither the value nor the ARN is set', {}, fakeExtension({})],
    ['the extension refuses', { BI_WEBHOOK_SECRET_ARN: ARN }, fakeExtension({}, 500)],
    ['the secret does not exist', { BI_WEBHOOK_SECRET_ARN: ARN }, fakeExtension({})],
  ])('fails as Handler.Configuration when %s', async (_what, env, extension) => {
    await expect(readSecret(env, 'BI_WEBHOOK_SECRET', extension.fetchFn)).rejects.toMatchObject({ name: 'Handler.Configuration' });
  });
});

describe('callback-receiver dependencies', () => {
  it('get the webhook secret from Secrets Manager by BI_WEBHOOK_SECRET_ARN, as deployed', async () => {
    const { fetchFn } = fakeExtension({ [ARN]: 'aws-s3cret' });

    const deps = await callbackReceiverDependencies({ BI_WEBHOOK_SECRET_ARN: ARN, AWS_SESSION_TOKEN: 't' }, fetchFn);
    deps.release?.();

    expect(deps.secret).toBe('aws-s3cret');
  });
});
