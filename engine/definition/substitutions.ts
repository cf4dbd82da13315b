/**
 * CDK's `definitionSubstitutions` as the local stack and the testing library apply them: every
 * `${Name}` placeholder of an ASL text replaced by its value.
 */

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
