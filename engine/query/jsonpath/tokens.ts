/**
 * What the Jayway port (compile.ts) produces and throws: path tokens, filter expressions,
 * relational operators, and Jayway's two kinds of failure.
 */
/** Jayway's `InvalidPathException`. */
export class InvalidPathError extends Error {
  override name = 'InvalidPathException';
}

/** An unchecked Java exception (StringIndexOutOfBounds, NumberFormat) inside Jayway's compiler. */
export class JavaFailure extends Error {}

export type PathToken =
  | { kind: 'property'; names: string[] }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; from: number | null; to: number | null }
  | { kind: 'wildcard' }
  | { kind: 'scan' }
  | { kind: 'filter'; predicate: FilterExpression }
  | { kind: 'function'; name: string; params: FunctionParameter[] };

export type FunctionParameter = { kind: 'path'; path: CompiledJsonPath } | { kind: 'json'; text: string };

export interface CompiledJsonPath {
  /** `$` (the document) or `@` (the item a filter is looking at) */
  root: '$' | '@';
  tokens: PathToken[];
}

export const RelationalOperator = {
  GTE: '>=',
  LTE: '<=',
  EQ: '==',
  TSEQ: '===',
  NE: '!=',
  TSNE: '!==',
  LT: '<',
  GT: '>',
  REGEX: '=~',
  NIN: 'NIN',
  IN: 'IN',
  CONTAINS: 'CONTAINS',
  ALL: 'ALL',
  SIZE: 'SIZE',
  EXISTS: 'EXISTS',
  TYPE: 'TYPE',
  MATCHES: 'MATCHES',
  EMPTY: 'EMPTY',
  SUBSETOF: 'SUBSETOF',
  ANYOF: 'ANYOF',
  NONEOF: 'NONEOF',
} as const;
export type RelationalOperator = (typeof RelationalOperator)[keyof typeof RelationalOperator];
export const OPERATORS = new Set<string>(Object.values(RelationalOperator));

export type FilterValue =
  | { kind: 'path'; path: CompiledJsonPath; existsCheck: boolean; shouldExist: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'json'; text: string }
  | { kind: 'pattern'; source: string; flags: string };

export type FilterExpression =
  | { kind: 'or'; operands: FilterExpression[] }
  | { kind: 'and'; operands: FilterExpression[] }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'relation'; left: FilterValue; operator: RelationalOperator; right: FilterValue };
