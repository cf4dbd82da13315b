/**
 * The input/output logger every handler uses, with task tokens and secrets masked.
 *
 * `@middy/input-output-logger` takes the paths to hide as `omitPaths` (rooted at `event` or
 * `response`) and the replacement text as `mask` (a string); without `mask` it deletes them.
 */
import inputOutputLogger from '@middy/input-output-logger';

/** What a masked value reads as in the logs. */
export const MASK = '***masked***';

/** Paths masked in every handler's logs: task tokens wherever a workflow passes them. */
export const ALWAYS_MASKED = ['event.taskToken', 'event.TaskToken', 'response.taskToken'] as const;

/**
 * The masked input/output logger.
 *
 * @example
 * middy(fn).use(maskedLogger(['event.headers.x-bi-signature']))
 */
export function maskedLogger(extraPaths: readonly string[] = [], logger?: (message: unknown) => void) {
  return inputOutputLogger({
    omitPaths: [...ALWAYS_MASKED, ...extraPaths],
    mask: MASK,
    ...(logger ? { logger } : {}),
  });
}
