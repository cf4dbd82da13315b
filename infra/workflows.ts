/**
 * The deployed workflows and the `${...}` substitutions each one's asl/ text uses. The lists are
 * typed against workflows/substitutions.ts, so a misspelt name is a compile error, and a test
 * (test/infra/substitutions.test.ts) compares each list with the placeholders actually in the
 * asl/ file, so a missing one fails a test instead of a deploy.
 */
import { fileURLToPath } from 'node:url';
import type { SubstitutionName } from '../workflows/substitutions.ts';

export const WORKFLOW_SUBSTITUTIONS = {
  'report-etl': ['CallbackBaseUrl', 'CheckEtlJobFunctionArn', 'NotifyFunctionArn', 'StartEtlJobFunctionArn', 'UploadReportFunctionArn'],
  'queue-drain': ['DrainQueueUrl', 'ProcessBatchFunctionArn'],
  'nightly-export': ['NotifyFunctionArn', 'ReportsBucketName'],
} as const satisfies Record<string, readonly SubstitutionName[]>;

export type WorkflowName = keyof typeof WORKFLOW_SUBSTITUTIONS;

/** Exactly the values a workflow's ASL needs: `Record<SubstitutionName, string>` narrowed to that workflow. */
export type WorkflowSubstitutions<W extends WorkflowName> = Record<(typeof WORKFLOW_SUBSTITUTIONS)[W][number], string>;

/** The absolute path of asl/<workflow>.asl.json, what ran locally and what is deployed. */
export function aslPath(workflow: WorkflowName): string {
  return fileURLToPath(new URL(`../asl/${workflow}.asl.json`, import.meta.url));
}

/** The repository root: NodejsFunction's project root and where its lock file is. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
