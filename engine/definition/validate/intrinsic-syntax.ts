/**
 * The syntax of intrinsic function calls (`States.Format('{}', $.x)`), checked at creation.
 *
 * The grammar is the intrinsics parser's (engine/query/intrinsics/): a known function name,
 * arguments that are string literals, numbers, booleans, null, paths or nested calls, and in a
 * string literal only the escapes `\'`, `\{`, `\}` and `\\` (AWS refuses `\"`, which is what
 * the `test_illegal_escapes` recordings pin). On top of it, each path argument must be a path
 * AWS can compile.
 */
import { IntrinsicSyntaxError, parseIntrinsic, type IntrinsicCall } from '../../query/intrinsics/index.ts';
import { isValidPath } from './jsonpath-syntax.ts';

/** Why `text` is not a valid intrinsic call, or `null` when it is one. */
export function intrinsicSyntaxError(text: string): string | null {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(text);
  } catch (e) {
    if (e instanceof IntrinsicSyntaxError) return e.message;
    throw e;
  }
  return badPath(call);
}

function badPath(call: IntrinsicCall): string | null {
  for (const arg of call.args) {
    if (arg.kind === 'path' && !isValidPath(arg.path)) return `invalid path '${arg.path}' in ${call.name}`;
    if (arg.kind === 'call') {
      const nested = badPath(arg.call);
      if (nested !== null) return nested;
    }
  }
  return null;
}
