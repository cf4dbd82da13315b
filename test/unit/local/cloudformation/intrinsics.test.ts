/** CloudFormation's intrinsic functions, resolved to local values. */
import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import { Intrinsics, TemplateError, type CfnTemplate, type TemplateHooks } from '../../../../local/cloudformation/intrinsics.ts';

const TEMPLATE: CfnTemplate = {
  Parameters: {
    Stage: { Type: 'String', Default: 'dev' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a,b' },
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': ['1', 1] }] },
    Either: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Both' }] },
  },
  Mappings: { Sizes: { dev: { Memory: 256 } } },
  Resources: { Jobs: { Type: 'AWS::SQS::Queue' }, Fn: { Type: 'AWS::Lambda::Function' } },
};

const HOOKS: TemplateHooks = {
  stackName: 'orders',
  region: 'us-east-1',
  accountId: '123456789012',
  ref: (id) => (id === 'Jobs' ? '{{queue:jobs}}' : 'fn-name'),
  getAtt: (id, attr) => `${id}:${attr}`,
  importValue: (name) => (name === 'shared-table' ? 'shared' : (() => { throw new TemplateError(`no export ${name}`); })()),
};

const resolver = (parameters?: Record<string, string>) => new Intrinsics(TEMPLATE, { ...HOOKS, parameters });

describe('Intrinsics', () => {
  it.each<[string, JsonValue, JsonValue]>([
    ['a pseudo parameter', { Ref: 'AWS::Region' }, 'us-east-1'],
    ['the stack name', { Ref: 'AWS::StackName' }, 'orders'],
    ['a parameter default', { Ref: 'Stage' }, 'dev'],
    ['a list parameter', { Ref: 'Zones' }, ['a', 'b']],
    ['an SSM parameter as its name', { Ref: 'BootstrapVersion' }, '/cdk-bootstrap/hnb659fds/version'],
    ['a resource Ref', { Ref: 'Jobs' }, '{{queue:jobs}}'],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Fn', 'Arn'] }, 'Fn:Arn'],
    ['Fn::GetAtt as a string', { 'Fn::GetAtt': 'Fn.Arn' }, 'Fn:Arn'],
    ['Fn::Sub with pseudo parameters, Refs, attributes and an escape', { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::AccountId}:${Jobs}/${Fn.Arn}/${!Literal}' }, 'arn:aws:x:123456789012:{{queue:jobs}}/Fn:Arn/${Literal}'],
    ['Fn::Sub with variables', { 'Fn::Sub': ['${Greeting}, ${Stage}', { Greeting: { 'Fn::Join': ['', ['he', 'llo']] } }] }, 'hello, dev'],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Stage' }, 3]] }, 'a-dev-3'],
    ['Fn::Select over Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b'],
    ['Fn::If on a false condition', { 'Fn::If': ['IsProd', 'big', 'small'] }, 'small'],
    ['Fn::If on Fn::Not, Fn::And and Fn::Or', { 'Fn::If': ['Either', 'yes', 'no'] }, 'yes'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] }, 256],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }, ['us-east-1a', 'us-east-1b', 'us-east-1c']],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'shared-table' }, 'shared'],
    ['AWS::NoValue dropped from objects and lists', { a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }, 2] }, { b: [1, 2] }],
  ])('resolves %s', (_what, value, expected) => {
    // Act
    const resolved = resolver().resolve(value);
    // Assess
    expect(resolved).toEqual(expected);
  });

  it('takes a given parameter value over the default, and conditions follow it', () => {
    const r = resolver({ Stage: 'prod' });
    expect(r.resolve({ 'Fn::If': ['IsProd', 'big', 'small'] })).toBe('big');
  });

  it.each<[string, JsonValue]>([
    ['a Ref to nothing', { Ref: 'Missing' }],
    ['an unknown condition', { 'Fn::If': ['Nope', 1, 2] }],
    ['an unknown function', { 'Fn::Cidr': ['10.0.0.0/16', 1, 8] }],
    ['a missing export', { 'Fn::ImportValue': 'nope' }],
    ['Fn::Select out of range', { 'Fn::Select': [5, ['a']] }],
  ])('refuses %s with a TemplateError', (_what, value) => {
    expect(() => resolver().resolve(value)).toThrow(TemplateError);
  });
});
