/** Every workflow whose ASL is written to asl/, by file name. */
import type { Workflow } from './patterns/asl.ts';
import { nightlyExport } from './nightly-export.ts';
import { queueDrain } from './queue-drain.ts';
import { reportEtl } from './report-etl.ts';

/** The workflows as deployed: each built with its defaults. */
export function workflows(): Workflow[] {
  return [reportEtl(), queueDrain(), nightlyExport()];
}

/**
 * The text of asl/<name>.asl.json: pretty, two-space indented, with a trailing newline. Key order
 * is the builders' order, which is fixed, so the text is stable.
 *
 * @example
 * aslText(reportEtl()); // '{\n  "Comment": ...'
 */
export function aslText(workflow: Workflow): string {
  return `${JSON.stringify(workflow.definition, null, 2)}\n`;
}
