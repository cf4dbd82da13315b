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

export { substitute, placeholdersIn } from '../engine/definition/substitutions.ts';
