/** References in longhaul.config.json to what the local stack creates. */
import { describe, expect, it } from '@jest/globals';
import { resolveAll, resolveRefs, UnknownReference, type StackRefs } from '../../../local/config-refs.ts';

const REFS: StackRefs = {
  functions: { notify: 'arn:aws:lambda:us-east-1:123456789012:function:notify' },
  stateMachines: { 'report-etl': 'arn:aws:states:us-east-1:123456789012:stateMachine:report-etl' },
  queues: { work: 'http://127.0.0.1:4566/000000000000/work' },
  buckets: ['reports'],
  tables: ['jobs'],
  topics: { events: 'arn:aws:sns:us-east-1:000000000000:events' },
  secrets: { 'db-password': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbC123' },
  httpApis: { admin: 'http://127.0.0.1:9010' },
  urls: { callbacks: 'http://127.0.0.1:9001', bi: 'http://127.0.0.1:9002', api: 'http://127.0.0.1:8083', services: 'http://127.0.0.1:4566', dynamodb: 'http://127.0.0.1:4567' },
};

describe('resolveRefs', () => {
  it.each([
    ['{{function:notify}}', REFS.functions.notify],
    ['{{stateMachine:report-etl}}', REFS.stateMachines['report-etl']],
    ['{{queue:work}}', REFS.queues.work],
    ['{{bucket:reports}}', 'reports'],
    ['{{table:jobs}}', 'jobs'],
    ['{{dynamodb}}', 'http://127.0.0.1:4567'],
    ['{{topic:events}}', REFS.topics!.events],
    ['{{secret:db-password}}', REFS.secrets!['db-password']],
    ['{{httpApi:admin}}/orders', 'http://127.0.0.1:9010/orders'],
    ['{{callbacks}}/callbacks', 'http://127.0.0.1:9001/callbacks'],
    ['{{ bi }}', REFS.urls.bi],
    ['{{api}} and {{services}}', `${REFS.urls.api} and ${REFS.urls.services}`],
    ['no reference, and an ASL ${Placeholder} left alone', 'no reference, and an ASL ${Placeholder} left alone'],
  ])('resolves %s', (text, expected) => {
    expect(resolveRefs(text, REFS, 'x')).toBe(expected);
  });

  it.each([
    ['{{function:nope}}', 'where: {{function:nope}} names no function of this config (there are: notify)'],
    ['{{queue:nope}}', 'where: {{queue:nope}} names no queue of this config (there are: work)'],
    ['{{function}}', 'where: {{function}} needs a name (function:NAME)'],
    ['{{callbacks:x}}', 'where: {{callbacks:x}} takes no name'],
    ['{{table:t}}', 'where: {{table:t}} names no table of this config (there are: jobs)'],
    ['{{topic:t}}', 'where: {{topic:t}} names no topic of this config (there are: events)'],
    ['{{httpApi:shop}}', 'where: {{httpApi:shop}} names no HTTP API of this config (there are: admin)'],
    ['{{lambda:t}}', "where: {{lambda:t}} is not a reference the local stack knows (function, stateMachine, queue, bucket, table, topic, secret, httpApi, callbacks, bi, api, services, dynamodb)"],
  ])('refuses %s, naming the setting', (text, message) => {
    expect(() => resolveRefs(text, REFS, 'where')).toThrow(new UnknownReference(message));
  });

  it('resolves every value of a map, naming each key in errors', () => {
    expect(resolveAll({ A: '{{function:notify}}', B: 'plain' }, REFS, 'env')).toEqual({ A: REFS.functions.notify, B: 'plain' });
    expect(() => resolveAll({ A: '{{function:x}}' }, REFS, 'env')).toThrow('env.A: {{function:x}}');
  });
});
