/** What a rule hands its target: the event, a constant Input, an InputPath's part, or an InputTransformer's template. */
import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import { targetInput, type TargetInputSpec } from '../../../../local/triggers/target-input.ts';

const EVENT = { id: 'e-1', time: '2026-01-01T00:00:00Z', source: 'aws.s3', detail: { bucket: { name: 'inbox' }, object: { key: 'a "quoted" key', size: 42 }, tags: ['x', 'y'] } };
const RULE = { ruleName: 'on-upload', ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/on-upload' };

describe('targetInput', () => {
  it.each<[string, TargetInputSpec, JsonValue]>([
    ['the event itself', {}, EVENT],
    ['a constant Input', { input: { fixed: true } }, { fixed: true }],
    ['an InputPath', { inputPath: '$.detail.bucket' }, { name: 'inbox' }],
    ['an InputPath with an index', { inputPath: '$.detail.tags[1]' }, 'y'],
    ['a template with values inside and outside strings', {
      inputTransformer: { InputPathsMap: { key: '$.detail.object.key', size: '$.detail.object.size', bucket: '$.detail.bucket' }, InputTemplate: '{"file": "s3://<key>", "size": <size>, "bucket": <bucket>}' },
    }, { file: 's3://a "quoted" key', size: 42, bucket: { name: 'inbox' } }],
    ['the predefined rule name and event', { inputTransformer: { InputTemplate: '{"rule": "<aws.events.rule-name>", "event": <aws.events.event>}' } }, { rule: 'on-upload', event: EVENT }],
    ['a template that is not JSON, as a string', { inputTransformer: { InputPathsMap: { b: '$.detail.bucket.name' }, InputTemplate: 'uploaded to <b>' } }, 'uploaded to "inbox"'],
    ['a missing path as null', { inputTransformer: { InputPathsMap: { m: '$.detail.missing' }, InputTemplate: '{"m": <m>}' } }, { m: null }],
  ])('hands %s', (_what, spec, expected) => {
    expect(targetInput(EVENT, spec, RULE)).toEqual(expected);
  });
});
