/**
 * Lambda function names and ARNs, as the Invoke API and Task states write them: a name
 * (`my-function`), a partial ARN (`123456789012:function:my-function`) or a full ARN, each with an
 * optional qualifier (`:prod`, `:$LATEST`, `:3`).
 */

/** A full Lambda function ARN: region, account, name and optional qualifier as groups 1-4. */
export const LAMBDA_ARN = /^arn:[^:]+:lambda:([^:]*):([^:]*):function:([^:]+)(?::([^:]+))?$/;

const PARTIAL_ARN = /^(?:\d{12}:)?function:([^:]+)(?::([^:]+))?$/;

/** Lambda's rule for function names (1-64 letters, digits, hyphens, underscores). */
export const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A function name from a name, a partial ARN or a full ARN (qualifier dropped).
 *
 * @example
 * functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:report:prod'); // 'report'
 * functionNameOf('report:prod'); // 'report'
 */
export function functionNameOf(nameOrArn: string): string {
  return parseFunctionRef(nameOrArn).name;
}

/** The name and qualifier (version or alias) a function reference carries. */
export function parseFunctionRef(nameOrArn: string): { name: string; qualifier?: string } {
  const full = LAMBDA_ARN.exec(nameOrArn);
  if (full) return full[4] === undefined ? { name: full[3] } : { name: full[3], qualifier: full[4] };
  const partial = PARTIAL_ARN.exec(nameOrArn);
  if (partial) return partial[2] === undefined ? { name: partial[1] } : { name: partial[1], qualifier: partial[2] };
  const [name, qualifier] = nameOrArn.split(':');
  return qualifier === undefined ? { name } : { name, qualifier };
}

/**
 * The ARN of a function in a region and account, with a qualifier when one is given.
 *
 * @example
 * functionArn('report', 'us-east-1', '123456789012'); // 'arn:aws:lambda:us-east-1:123456789012:function:report'
 */
export function functionArn(name: string, region: string, accountId: string, qualifier?: string): string {
  const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}
