/**
 * The `${Name}` placeholders the workflows leave in asl/ for infrastructure to fill: infra/ passes
 * them as CDK `definitionSubstitutions`, the local stack from its config. Typed so that a missing
 * or misspelt one is a compile error there, not a broken ARN at run time.
 */
export const SUBSTITUTION_NAMES = [
  'UploadReportFunctionArn',
  'StartEtlJobFunctionArn',
  'CheckEtlJobFunctionArn',
  'NotifyFunctionArn',
  /** where the BI service's webhooks go: the callback receiver's base URL (it appends /callbacks?token=...) */
  'CallbackBaseUrl',
  'ProcessBatchFunctionArn',
  'DrainQueueUrl',
  /** nightly-export: the bucket whose results it exports and where the export goes */
  'ReportsBucketName',
] as const;

export type SubstitutionName = (typeof SUBSTITUTION_NAMES)[number];

/** Values for every placeholder, as infra and the local stack supply them. */
export type Substitutions = Record<SubstitutionName, string>;

/**
 * The placeholder text for a substitution.
 *
 * @example
 * placeholder('NotifyFunctionArn'); // '${NotifyFunctionArn}'
 */
export function placeholder(name: SubstitutionName): string {
  return `\${${name}}`;
}

/**
 * Replaces every `${Name}` in an ASL text; throws on a placeholder it has no value for, as
 * CloudFormation would leave it in and the state machine would fail at run time. Typed callers
 * pass `Substitutions`; the local stack passes the names its config gives.
 *
 * @example
 * substitute('{"FunctionName":"${NotifyFunctionArn}"}', values);
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`no value for the substitution \${${name}}`);
    return values[name];
  });
}

/** The placeholders an ASL text uses, sorted. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}
