/**
 * CloudFormation's intrinsic functions, resolved to local values: Ref, Fn::GetAtt, Fn::Sub (both
 * forms), Fn::Join, Fn::Select, Fn::Split, Fn::If and the condition functions (Fn::Equals, Fn::And,
 * Fn::Or, Fn::Not, Condition), Fn::FindInMap, Fn::GetAZs, Fn::Base64, Fn::ImportValue, Parameters
 * and the pseudo parameters.
 *
 * What a resource's Ref or attribute is comes from the caller (`TemplateHooks`): the resolver
 * knows templates, not resources. Resolution is lazy — only the properties the mapper reads are
 * resolved — so a reference in a property nothing local uses (a log group's ARN in a logging
 * setting) never has to mean anything.
 */
import { Buffer } from 'node:buffer';
import type { JsonValue } from '../../engine/json.ts';

/** A template, as far as the resolver reads it. */
export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: JsonValue }>;
  Conditions?: Record<string, JsonValue>;
  Mappings?: Record<string, Record<string, Record<string, JsonValue>>>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: JsonValue; Export?: { Name: JsonValue }; Condition?: string }>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, JsonValue>;
  Condition?: string;
  Metadata?: Record<string, JsonValue>;
}

/** What the resolver asks its caller. */
export interface TemplateHooks {
  stackName: string;
  region: string;
  accountId: string;
  /** values given for parameters (over their defaults) */
  parameters?: Record<string, string>;
  /** a resource's `Ref` */
  ref(logicalId: string): JsonValue;
  /** a resource's `Fn::GetAtt` */
  getAtt(logicalId: string, attribute: string): JsonValue;
  /** an export of another stack of the app */
  importValue(name: string): JsonValue;
}

/** A template the resolver cannot read: what, and where in the template. */
export class TemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** `Ref: AWS::NoValue`: the property (or list item) is left out. */
const NO_VALUE = undefined;

const AZ_LETTERS = ['a', 'b', 'c'] as const;

/**
 * Resolves one template's intrinsics.
 *
 * Caveat: values not known before the stack runs (a queue's URL, a secret's ARN, an HTTP API's
 * endpoint) come back as the local stack's `{{kind:name}}` references, inside the strings that
 * hold them; the stack fills them at start.
 *
 * @example
 * const r = new Intrinsics(template, hooks);
 * r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' }); // 'arn:aws:s3:::my-bucket/*'
 */
export class Intrinsics {
  private readonly template: CfnTemplate;
  private readonly hooks: TemplateHooks;
  private readonly conditionValues = new Map<string, boolean>();

  constructor(template: CfnTemplate, hooks: TemplateHooks) {
    this.template = template;
    this.hooks = hooks;
  }

  /** A value with every intrinsic resolved; `undefined` for `Ref: AWS::NoValue`. */
  resolve(value: JsonValue | undefined): JsonValue | undefined {
    if (value === undefined || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE) as JsonValue[];
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) return this.intrinsic(keys[0], value[keys[0]]);
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** A value that must come out a string. */
  string(value: JsonValue | undefined, where: string): string {
    const r = this.resolve(value);
    if (typeof r === 'number' || typeof r === 'boolean') return String(r);
    if (typeof r !== 'string') throw new TemplateError(`${where}: expected a string, got ${JSON.stringify(r)}`);
    return r;
  }

  /** Whether a named condition of the template holds. */
  condition(name: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const expr = this.template.Conditions?.[name];
    if (expr === undefined) throw new TemplateError(`the condition ${name} is not in the template's Conditions`);
    const value = this.resolve(expr);
    if (typeof value !== 'boolean') throw new TemplateError(`the condition ${name} is not a boolean: ${JSON.stringify(value)}`);
    this.conditionValues.set(name, value);
    return value;
  }

  private intrinsic(fn: string, arg: JsonValue): JsonValue | undefined {
    switch (fn) {
      case 'Ref':
        return this.ref(this.argString(fn, arg));
      case 'Condition':
        return this.condition(this.argString(fn, arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : this.list(fn, arg, 2);
        const attr = this.string(attribute, fn);
        if (typeof id !== 'string') throw new TemplateError(`Fn::GetAtt needs a logical id, got ${JSON.stringify(id)}`);
        this.mustBeResource(id, 'Fn::GetAtt');
        return this.hooks.getAtt(id, attr);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Join': {
        const [sep, items] = this.list(fn, arg, 2);
        const list = this.resolve(items);
        if (!Array.isArray(list)) throw new TemplateError(`Fn::Join needs a list, got ${JSON.stringify(list)}`);
        return list.map((v) => this.string(v, 'Fn::Join')).join(this.string(sep, 'Fn::Join'));
      }
      case 'Fn::Select': {
        const [index, items] = this.list(fn, arg, 2);
        const list = this.resolve(items);
        const i = Number(this.resolve(index));
        if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) throw new TemplateError(`Fn::Select: index ${i} is out of ${JSON.stringify(list)}`);
        return list[i];
      }
      case 'Fn::Split': {
        const [sep, text] = this.list(fn, arg, 2);
        return this.string(text, 'Fn::Split').split(this.string(sep, 'Fn::Split'));
      }
      case 'Fn::If': {
        const [name, yes, no] = this.list(fn, arg, 3);
        return this.condition(this.string(name, 'Fn::If')) ? this.resolve(yes) : this.resolve(no);
      }
      case 'Fn::Equals': {
        const [a, b] = this.list(fn, arg, 2);
        // CloudFormation compares the values as written: "1" equals 1
        return JSON.stringify(this.resolve(a) ?? null).replace(/^"|"$/g, '') === JSON.stringify(this.resolve(b) ?? null).replace(/^"|"$/g, '');
      }
      case 'Fn::And':
        return this.list(fn, arg).every((c) => this.bool(c, fn));
      case 'Fn::Or':
        return this.list(fn, arg).some((c) => this.bool(c, fn));
      case 'Fn::Not':
        return !this.bool(this.list(fn, arg, 1)[0], fn);
      case 'Fn::FindInMap': {
        const [map, top, second] = this.list(fn, arg, 3).map((a) => this.string(a, fn));
        const value = this.template.Mappings?.[map]?.[top]?.[second];
        if (value === undefined) throw new TemplateError(`Fn::FindInMap: ${map}.${top}.${second} is not in the template's Mappings`);
        return this.resolve(value);
      }
      case 'Fn::GetAZs': {
        const region = this.resolve(arg);
        return AZ_LETTERS.map((l) => `${typeof region === 'string' && region !== '' ? region : this.hooks.region}${l}`);
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(arg, fn), 'utf8').toString('base64');
      case 'Fn::ImportValue':
        return this.hooks.importValue(this.string(arg, fn));
      default:
        throw new TemplateError(`${fn} is not an intrinsic function the local stack resolves`);
    }
  }

  private ref(name: string): JsonValue | undefined {
    switch (name) {
      case 'AWS::Region':
        return this.hooks.region;
      case 'AWS::AccountId':
        return this.hooks.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.hooks.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.hooks.region}:${this.hooks.accountId}:stack/${this.hooks.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameter(name, parameter);
    this.mustBeResource(name, 'Ref');
    return this.hooks.ref(name);
  }

  /**
   * A parameter's value: the one given, else its default. An SSM parameter (CDK's bootstrap
   * version among them) resolves to its parameter name, as nothing local stores SSM parameters.
   */
  private parameter(name: string, p: { Type?: string; Default?: JsonValue }): JsonValue {
    const given = this.hooks.parameters?.[name];
    const raw = given ?? p.Default;
    if (raw === undefined) throw new TemplateError(`the parameter ${name} has no default: give it a value`);
    const type = p.Type ?? 'String';
    if (type === 'CommaDelimitedList' || (type.startsWith('List<') && typeof raw === 'string')) return String(raw).split(',').map((s) => s.trim());
    if (type === 'Number' && typeof raw === 'string') return raw;
    return raw;
  }

  private sub(arg: JsonValue): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : this.list('Fn::Sub', arg, 2);
    if (typeof text !== 'string') throw new TemplateError(`Fn::Sub needs a string, got ${JSON.stringify(text)}`);
    const variables = (vars ?? {}) as Record<string, JsonValue>;
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_whole, bang: string, name: string) => {
      if (bang === '!') return `\${${name}}`;
      const key = name.trim();
      if (Object.prototype.hasOwnProperty.call(variables, key)) return this.string(variables[key], `Fn::Sub \${${key}}`);
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::')) return this.string({ 'Fn::GetAtt': [key.slice(0, dot), key.slice(dot + 1)] }, `Fn::Sub \${${key}}`);
      return this.string({ Ref: key }, `Fn::Sub \${${key}}`);
    });
  }

  private mustBeResource(id: string, fn: string): void {
    if (!this.template.Resources?.[id]) throw new TemplateError(`${fn} names ${id}, which is neither a parameter nor a resource of the template`);
  }

  private bool(value: JsonValue, fn: string): boolean {
    const r = this.resolve(value);
    if (typeof r !== 'boolean') throw new TemplateError(`${fn} needs conditions, got ${JSON.stringify(r)}`);
    return r;
  }

  private argString(fn: string, arg: JsonValue): string {
    if (typeof arg !== 'string') throw new TemplateError(`${fn} needs a name, got ${JSON.stringify(arg)}`);
    return arg;
  }

  private list(fn: string, arg: JsonValue, length?: number): JsonValue[] {
    if (!Array.isArray(arg) || (length !== undefined && arg.length !== length)) throw new TemplateError(`${fn} needs a list${length ? ` of ${length}` : ''}, got ${JSON.stringify(arg)}`);
    return arg;
  }
}

function splitOnce(text: string, sep: string): [string, string] {
  const i = text.indexOf(sep);
  if (i < 0) throw new TemplateError(`Fn::GetAtt needs logicalId.attribute, got ${text}`);
  return [text.slice(0, i), text.slice(i + 1)];
}
