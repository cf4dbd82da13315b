/**
 * The request guard's policy, case by case: which Host names are this machine's loopback, which
 * Origins are a server's own, and how deep JSON nests (without parsing it).
 */
import { describe, it, expect } from '@jest/globals';
import { foreignRequest, isLoopbackHost } from '../../../engine/api/request-guard.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../../../engine/json-limits.ts';

describe('isLoopbackHost', () => {
  it.each<[string | undefined, boolean]>([
    ['127.0.0.1:8083', true],
    ['127.0.0.1', true],
    ['localhost:4566', true],
    ['LOCALHOST:4566', true],
    ['[::1]:8083', true],
    ['inbox.localhost:4566', true],
    ['sqs.us-east-1.localhost:4566', true],
    [undefined, false],
    ['', false],
    ['attacker.example', false],
    ['rebind.attacker.example:8083', false],
    ['127.0.0.1.attacker.example', false],
    ['localhost.attacker.example:80', false],
    ['evil-localhost:80', false],
    ['192.168.1.10:8083', false],
    ['0.0.0.0:8083', false],
    ['[::ffff:127.0.0.1]:8083', false],
    ['127.0.0.1:8083@attacker.example', false],
  ])('takes %p as loopback: %p', (host, loopback) => {
    // Act
    const answer = isLoopbackHost(host);

    // Assess
    expect(answer).toBe(loopback);
  });
});

describe('foreignRequest', () => {
  it.each<[string, Record<string, string>]>([
    ['an SDK request (no Origin)', { host: '127.0.0.1:8083' }],
    ['the console, same origin', { host: '127.0.0.1:8083', origin: 'http://127.0.0.1:8083', 'sec-fetch-site': 'same-origin' }],
    ['the console opened as localhost', { host: 'localhost:8083', origin: 'http://localhost:8083' }],
    ['a page the user opened by its address', { host: '127.0.0.1:8083', 'sec-fetch-site': 'none' }],
  ])('accepts %s', (_case, headers) => {
    // Act
    const refusal = foreignRequest(headers);

    // Assess
    expect(refusal).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    ['no Host', {}, 'Host'],
    ['a rebinding Host', { host: 'rebind.attacker.example:8083' }, 'Host'],
    ['another site\'s Origin', { host: '127.0.0.1:8083', origin: 'https://attacker.example' }, 'Origin'],
    ['the same host over https', { host: '127.0.0.1:8083', origin: 'https://127.0.0.1:8083' }, 'Origin'],
    ['another local port', { host: '127.0.0.1:8083', origin: 'http://127.0.0.1:3000' }, 'Origin'],
    ['the other loopback name', { host: '127.0.0.1:8083', origin: 'http://localhost:8083' }, 'Origin'],
    ['an opaque Origin', { host: '127.0.0.1:8083', origin: 'null' }, 'Origin'],
    ['a cross-site subresource', { host: '127.0.0.1:8083', 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site'],
    ['a same-site page on another port', { host: 'localhost:8083', 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site'],
  ])('refuses %s, naming the header', (_case, headers, header) => {
    // Act
    const refusal = foreignRequest(headers);

    // Assess
    expect(refusal).toContain(header);
  });
});

describe('nestedDeeperThan', () => {
  it.each<[string, number, boolean]>([
    ['1', 0, false],
    ['[]', 0, true],
    ['[]', 1, false],
    ['{"a":[1]}', 1, true],
    ['{"a":[1]}', 2, false],
    ['"[[[[[["', 1, false],
    ['"\\\\"', 0, false],
    ['["\\"[[[", []]', 1, true],
    ['["\\"[[[", 1]', 1, false],
    ['[1],[2],[3]', 1, false],
    ['[[[[', 3, true],
  ])('reads %p as deeper than %p levels: %p', (text, max, deeper) => {
    // Act
    const answer = nestedDeeperThan(text, max);

    // Assess
    expect(answer).toBe(deeper);
  });

  it('reads the limit itself as acceptable and one level more as too deep', () => {
    // Prepare
    const at = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);

    // Act
    const verdicts = [nestedDeeperThan(at), nestedDeeperThan(`[${at}]`)];

    // Assess
    expect(verdicts).toEqual([false, true]);
  });
});
