/**
 * EventBridge event patterns, matched as EventBridge matches them.
 */
import { describe, it, expect } from '@jest/globals';
import { InvalidEventPattern, checkEventPattern, matchesEventPattern, type EventPattern } from '../../../../local/triggers/event-pattern.ts';

const EVENT = {
  version: '0',
  source: 'aws.s3',
  'detail-type': 'Object Created',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::inbox'],
  detail: {
    bucket: { name: 'inbox' },
    object: { key: 'reports/2024/q3.CSV', size: 2048 },
    reason: 'PutObject',
  },
};

describe('matchesEventPattern', () => {
  it.each<[string, EventPattern, boolean]>([
    ['equal values', { source: ['aws.s3'] }, true],
    ['one of several values', { source: ['aws.ec2', 'aws.s3'] }, true],
    ['an unequal value', { source: ['aws.ec2'] }, false],
    ['nested fields', { detail: { bucket: { name: ['inbox'] } } }, true],
    ['a nested field of another bucket', { detail: { bucket: { name: ['outbox'] } } }, false],
    ['a key prefix', { detail: { object: { key: [{ prefix: 'reports/' }] } } }, true],
    ['a key prefix that differs', { detail: { object: { key: [{ prefix: 'exports/' }] } } }, false],
    ['a key suffix', { detail: { object: { key: [{ suffix: '.CSV' }] } } }, true],
    ['a suffix in another case', { detail: { object: { key: [{ suffix: '.csv' }] } } }, false],
    ['a suffix ignoring case', { detail: { object: { key: [{ suffix: { 'equals-ignore-case': '.csv' } }] } } }, true],
    ['prefix or suffix (either matcher)', { detail: { object: { key: [{ prefix: 'x/' }, { suffix: '.CSV' }] } } }, true],
    ['anything but a value', { detail: { reason: [{ 'anything-but': 'CopyObject' }] } }, true],
    ['anything but the value it has', { detail: { reason: [{ 'anything-but': ['PutObject', 'CopyObject'] }] } }, false],
    ['anything but a prefix', { detail: { object: { key: [{ 'anything-but': { prefix: 'tmp/' } }] } } }, true],
    ['a numeric range', { detail: { object: { size: [{ numeric: ['>', 1024, '<=', 4096] }] } } }, true],
    ['a numeric range it is outside', { detail: { object: { size: [{ numeric: ['<', 1024] }] } } }, false],
    ['a field that exists', { detail: { reason: [{ exists: true }] } }, true],
    ['a field that must not exist', { detail: { 'version-id': [{ exists: false }] } }, true],
    ['a field that must exist but does not', { detail: { object: { 'version-id': [{ exists: true }] } } }, false],
    ['equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'object created' }] }, true],
    ['a wildcard', { detail: { object: { key: [{ wildcard: 'reports/*/q?.CSV' }] } } }, false],
    ['a wildcard with stars only', { detail: { object: { key: [{ wildcard: 'reports/*.CSV' }] } } }, true],
    ['any element of a list in the event', { resources: ['arn:aws:s3:::inbox'] }, true],
    ['$or of two patterns, one matching', { $or: [{ source: ['aws.ec2'] }, { detail: { reason: ['PutObject'] } }] }, true],
    ['$or of two patterns, none matching', { $or: [{ source: ['aws.ec2'] }, { detail: { reason: ['CopyObject'] } }] }, false],
    ['all fields together, one failing', { source: ['aws.s3'], detail: { bucket: { name: ['outbox'] } } }, false],
  ])('matches %s: %j → %s', (_, pattern, expected) => {
    expect(matchesEventPattern(pattern, EVENT)).toBe(expected);
  });
});

describe('wildcard matching', () => {
  it('answers at once for a many-star pattern on a long key, where a backtracking regex would stall', () => {
    // Prepare
    const event = { ...EVENT, detail: { object: { key: 'a'.repeat(80) } } };
    const pattern: EventPattern = { detail: { object: { key: [{ wildcard: `${'*a'.repeat(12)}*b` }] } } };

    // Act
    const matched = matchesEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });
});

describe('checkEventPattern', () => {
  it.each<[string, EventPattern]>([
    ['a bare value instead of a list', { source: 'aws.s3' }],
    ['an empty list', { source: [] }],
    ['an unknown operator', { source: [{ contains: 's3' }] }],
    ['a lone $or branch', { $or: [{ source: ['aws.s3'] }] }],
  ])('refuses %s, as PutRule does', (_, pattern) => {
    expect(() => checkEventPattern(pattern)).toThrow(InvalidEventPattern);
  });

  it('accepts the S3 Object Created pattern from the EventBridge docs', () => {
    expect(() => checkEventPattern({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['inbox'] }, object: { key: [{ prefix: 'in/' }] } } })).not.toThrow();
  });
});
