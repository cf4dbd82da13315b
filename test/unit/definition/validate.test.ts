import { describe, it, expect } from '@jest/globals';
import { InvalidDefinition } from '../../../engine/errors.ts';
import { definitionProblems, parseDefinitionText, validateDefinition, type ValidateOptions } from '../../../engine/definition/validate.ts';

/** The InvalidDefinition message AWS would answer CreateStateMachine with. */
function rejection(definition: unknown, options?: ValidateOptions): string {
  let error: unknown;
  try {
    validateDefinition(definition, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidDefinition);
  return (error as InvalidDefinition).message;
}

function textRejection(text: string): string {
  let error: unknown;
  try {
    parseDefinitionText(text);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidDefinition);
  return (error as InvalidDefinition).message;
}

type Def = Record<string, unknown>;
/** One state `A` of `type` with `fields`, ending the machine unless the fields say otherwise. */
function one(type: string, fields: Def = {}, top: Def = {}): Def {
  const transition = type === 'Choice' || type === 'Succeed' || type === 'Fail' ? {} : { End: true };
  return { ...top, StartAt: 'A', States: { A: { Type: type, ...transition, ...fields } } };
}
const jsonata = { QueryLanguage: 'JSONata' };
const pass = (fields: Def = {}, top: Def = {}): Def => one('Pass', fields, top);
const task = (fields: Def = {}, top: Def = {}): Def => one('Task', { Resource: 'arn:aws:states:::lambda:invoke', ...fields }, top);
const processor = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const done = { Type: 'Succeed' };

describe('validateDefinition accepts what AWS accepts', () => {
  it.each<[string, Def, ValidateOptions?]>([
    ['a single Pass state', pass()],
    ['JSONPath fields and intrinsics', pass({ InputPath: '$.a', Parameters: { 'x.$': "States.Format('{} \\'q\\'', $.b)", 'y.$': '$$.Execution.Id', n: { 'z.$': '$v.w' } }, ResultPath: null, OutputPath: '$' })],
    ['a relative TimestampPath, as Jayway reads it', one('Wait', { TimestampPath: 'timestamp' })],
    ['JSONata expressions reading $states and variables', pass({ Output: { a: '{% $states.input.items[price > 3].name %}', b: '{% $x + 1 %}' } }, jsonata)],
    ['a JSONata state in a JSONPath machine', pass({ QueryLanguage: 'JSONata', Output: '{% $states.input %}' })],
    ['a catcher reading $states.errorOutput', task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'B', Output: '{% $states.errorOutput %}' }] }, jsonata)],
    ['Retry and Catch with States.ALL last', task({ Retry: [{ ErrorEquals: ['X'] }, { ErrorEquals: ['States.ALL'], BackoffRate: 1.5, JitterStrategy: 'FULL' }] })],
    ['an EXPRESS request-response integration', task({ Resource: 'arn:aws:states:::sqs:sendMessage' }), { type: 'EXPRESS' }],
    ['a Lambda function ARN', task({ Resource: 'arn:aws:lambda:us-east-1:111111111111:function:fn:$LATEST' })],
    ['an aws-sdk integration', task({ Resource: 'arn:aws:states:::aws-sdk:dynamodb:query' })],
    ['a distributed Map with a label', one('Map', { Label: 'my-map_1', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, ...processor } })],
    ['a legacy Map with Iterator and Parameters', one('Map', { Iterator: processor, Parameters: { 'v.$': '$$.Map.Item.Value' } })],
    ['Choice rules with And/Not', one('Choice', { Choices: [{ And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', StringMatches: 'x*' } }], Next: 'B' }], Default: 'B' })],
    ['a JSONata Choice with a literal condition', one('Choice', { Choices: [{ Condition: true, Next: 'B' }] }, jsonata)],
  // A default keeps the arity at 2: jest reads an extra declared parameter as a `done` callback.
  ])('accepts %s', (_name, definition, options = {}) => {
    const states = definition.States as Def;
    if (!('B' in states) && JSON.stringify(definition).includes('"B"')) states.B = done;
    expect(definitionProblems(definition, options)).toEqual([]);
  });
});

describe('validateDefinition refuses what AWS refuses, in AWS words', () => {
  it.each<[string, unknown, string, ValidateOptions?]>([
    // recorded in the conformance corpus
    ['no States', { Comment: 'x', StartAt: 'A' }, "'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'"],
    ['no StartAt nor States', {}, 'These fields are required: [States, StartAt] at /'],
    ['Credentials without RoleArn', task({ Arguments: '{% $states.input %}', Credentials: { InvalidField: 'x' } }, jsonata), "The field 'RoleArn' is required but was missing at /States/A/Credentials'"],
    ['an illegal escape in an intrinsic string', pass({ Parameters: { 'parsed.$': "States.StringToJson('{\"t\":\"a \\\"q\\\"\"}')" } }), "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters"],
    ['dynamodb:query as an optimized integration', task({ Resource: 'arn:aws:states:::dynamodb:query' }), 'The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/A/Resource'],
    ['.sync in an EXPRESS machine', task({ Resource: 'arn:aws:states:::states:startExecution.sync' }), "Express state machine does not support '.sync' service integration at /States/A/Resource", { type: 'EXPRESS' }],
    ['.waitForTaskToken in an EXPRESS machine', task({ Resource: 'arn:aws:states:::sns:publish.waitForTaskToken' }), "Express state machine does not support '.waitForTaskToken' service integration  at /States/A/Resource", { type: 'EXPRESS' }],
    // graph
    ['a dangling Next and an unreachable state', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope' }, C: done } }, "'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next, MISSING_TRANSITION_TARGET: State \"C\" is not reachable. at /States/C'"],
    ['a dangling catcher Next', task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Nope' }] }), "Missing 'Next' target: Nope at /States/A/Catch[0]/Next"],
    ['a dangling Choice Default', one('Choice', { Choices: [{ Variable: '$.a', IsNull: true, Next: 'A' }], Default: 'Nope' }), "Missing 'Next' target: Nope at /States/A/Default"],
    ['a loop with no terminal state', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } }, "'MISSING_END_STATE: Workflow has no terminal state at null'"],
    ['a StartAt naming no state', { StartAt: 'X', States: { A: done } }, "Missing 'Next' target: X at /StartAt"],
    ['a state name used twice', one('Map', { ItemProcessor: { StartAt: 'A', States: { A: done } } }), 'DUPLICATE_STATE_NAME: Duplicate State name: A at /States/A/ItemProcessor/States/A'],
    ['an unreachable state inside a branch', one('Parallel', { Branches: [{ StartAt: 'P', States: { P: done, Q: done } }] }), 'State "Q" is not reachable. at /States/A/Branches[0]/States/Q'],
    // state shape
    ['an unknown field', pass({ Foo: 1 }), "Field 'Foo' is not supported at /States/A"],
    ['TimeoutSeconds on a Pass state', pass({ TimeoutSeconds: 3 }), "Field 'TimeoutSeconds' is not supported at /States/A"],
    ['Catch on a Wait state', one('Wait', { Seconds: 1, Catch: [] }), "Field 'Catch' is not supported at /States/A"],
    ['a missing Type', { StartAt: 'A', States: { A: { End: true } } }, 'These fields are required: [Type] at /States/A'],
    ['an unknown Type', { StartAt: 'A', States: { A: { Type: 'Sleep' } } }, "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/A/Type"],
    ['neither Next nor End', { StartAt: 'A', States: { A: { Type: 'Pass' } } }, 'Exactly one of these fields is required: [Next, End] at /States/A'],
    ['both Next and End', pass({ Next: 'A' }), 'Only one of these fields can be specified: [Next, End] at /States/A'],
    ['a non-boolean End', { StartAt: 'A', States: { A: { Type: 'Pass', End: 'yes' } } }, 'Expected value of type [BOOLEAN] at /States/A/End'],
    ['a Task without Resource', { StartAt: 'A', States: { A: { Type: 'Task', End: true } } }, 'These fields are required: [Resource] at /States/A'],
    ['a resource that is no ARN', task({ Resource: 'createToken' }), 'The resource provided createToken is not recognized'],
    ['an activity in an EXPRESS machine', task({ Resource: 'arn:aws:states:us-east-1:111111111111:activity:a' }), 'Express state machine does not support Activities', { type: 'EXPRESS' }],
    // query languages
    ['Output in a JSONPath state', pass({ Output: {} }), "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/A"],
    ['Parameters in a JSONata state', pass({ Parameters: {} }, jsonata), "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage at /States/A"],
    ['ResultSelector in a JSONata Task', task({ ResultSelector: {} }, jsonata), "field 'ResultSelector' is only supported for the 'JSONPath' QueryLanguage"],
    ['Arguments in a JSONPath Task', task({ Arguments: {} }), "field 'Arguments' is only supported for the 'JSONata' QueryLanguage"],
    ['a JSONPath state under a JSONata machine', pass({ QueryLanguage: 'JSONPath' }, jsonata), "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/A"],
    ['an unknown QueryLanguage', pass({}, { QueryLanguage: 'jsonata' }), 'Value should be one of the following: [JSONPath, JSONata] at /QueryLanguage'],
    ['QueryLanguage on an ItemProcessor', one('Map', { ItemProcessor: { QueryLanguage: 'JSONata', ...processor } }), "Field 'QueryLanguage' is not supported at /States/A/ItemProcessor"],
    // JSONata expressions
    ['a JSONata syntax error', pass({ Output: '{% a[1,2) %}' }, jsonata), 'INVALID_JSONATA_EXPRESSION: Expected "]", got "," at /States/A/Output'],
    ['a top-level JSONata reference', pass({ Output: { v: '{% phone %}' } }, jsonata), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported. at /States/A/Output/v"],
    ['$$ in JSONata', pass({ Output: '{% $$.a %}' }, jsonata), "Reference to '$$' is not supported."],
    ['$states.errorOutput outside a catcher', pass({ Output: '{% $states.errorOutput %}' }, jsonata), "Field '$states.errorOutput' does not exist. at /States/A/Output"],
    ['a bad JSONata Condition', one('Choice', { Choices: [{ Condition: '{% x = %}', Next: 'A' }] }, jsonata), 'INVALID_JSONATA_EXPRESSION'],
    // paths and intrinsics
    ['an unbalanced InputPath', pass({ InputPath: '$.a[0' }), "The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath"],
    ['a trailing dot in OutputPath', pass({ OutputPath: '$.a.' }), "The value for the field 'OutputPath' must be a valid JSONPath at /States/A/OutputPath"],
    ['a wildcard ResultPath', pass({ ResultPath: '$.a[*]' }), "The value for the field 'ResultPath' must be a valid JSONPath reference path at /States/A/ResultPath"],
    ['a context ResultPath', pass({ ResultPath: '$$.Execution' }), "'ResultPath' must be a valid JSONPath reference path"],
    ['a .$ value that is neither', pass({ Parameters: { nested: { 'x.$': 'hello' } } }), "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters/nested"],
    ['an unknown intrinsic', pass({ Parameters: { 'x.$': 'States.Nope($.a)' } }), "The value for the field 'x.$'"],
    ['an unclosed intrinsic', pass({ Parameters: { 'x.$': 'States.Array($.a' } }), "The value for the field 'x.$'"],
    ['a bad ErrorPath', one('Fail', { ErrorPath: 'oops' }), "The value for the field 'ErrorPath' must be a valid JSONPath or a valid intrinsic function call at /States/A/ErrorPath"],
    // variables
    ['a variable name starting with a digit', pass({ Assign: { '1x': 1 } }), "The variable name '1x' is invalid"],
    ['a variable name starting with $', pass({ Assign: { $x: 1 } }, jsonata), "The variable name '$x' is invalid"],
    ['the reserved variable name states', pass({ Assign: { states: 1 } }, jsonata), "The variable name 'states' is reserved at /States/A/Assign"],
    ['Assign on a Succeed state', one('Succeed', { Assign: { x: 1 } }), "Field 'Assign' is not supported at /States/A"],
    // numbers
    ['TimeoutSeconds of 0', task({ TimeoutSeconds: 0 }), "The field 'TimeoutSeconds' must be an integer between 1 and 99999999 at /States/A/TimeoutSeconds"],
    ['HeartbeatSeconds not below TimeoutSeconds', task({ TimeoutSeconds: 5, HeartbeatSeconds: 5 }), "The field 'HeartbeatSeconds' must be smaller than the field 'TimeoutSeconds' at /States/A/HeartbeatSeconds"],
    ['TimeoutSeconds and TimeoutSecondsPath', task({ TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }), 'Only one of these fields can be specified: [TimeoutSeconds, TimeoutSecondsPath] at /States/A'],
    ['a fractional TimeoutSeconds', task({ TimeoutSeconds: 1.5 }), 'Expected value of type [INTEGER] at /States/A/TimeoutSeconds'],
    ['a string TimeoutSeconds in JSONata', task({ TimeoutSeconds: '5' }, jsonata), "The field 'TimeoutSeconds' must be an integer or a JSONata expression"],
    ['a negative MaxConcurrency', one('Map', { MaxConcurrency: -1, ItemProcessor: processor }), "The field 'MaxConcurrency' must be an integer between 0 and 99999999 at /States/A/MaxConcurrency"],
    ['ToleratedFailurePercentage above 100', one('Map', { ToleratedFailurePercentage: 101, ItemProcessor: processor }), "The field 'ToleratedFailurePercentage' must be a number between 0 and 100"],
    ['a BackoffRate below 1', task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] }), "The field 'BackoffRate' must be a number greater than or equal to 1 at /States/A/Retry[0]/BackoffRate"],
    // Wait
    ['a Wait with two durations', one('Wait', { Seconds: 1, SecondsPath: '$.s' }), 'Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath] at /States/A'],
    ['a Wait with none', one('Wait'), 'Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath] at /States/A'],
    ['a Wait with a lowercase t timestamp', one('Wait', { Timestamp: '2016-03-14t01:59:00Z' }), "The value for the field 'Timestamp' must be a valid ISO-8601 timestamp at /States/A/Timestamp"],
    ['SecondsPath in a JSONata Wait', one('Wait', { SecondsPath: '$.s' }, jsonata), "field 'SecondsPath' is only supported for the 'JSONPath' QueryLanguage"],
    // Fail
    ['Error and ErrorPath together', one('Fail', { Error: 'E', ErrorPath: '$.e' }), 'Only one of these fields can be specified: [Error, ErrorPath] at /States/A'],
    // Retry / Catch
    ['States.ALL next to another error', task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] }), "'States.ALL' must appear alone in the field 'ErrorEquals' at /States/A/Retry[0]/ErrorEquals"],
    ['States.ALL in a retrier before the last', task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] }), "The retrier with 'States.ALL' in 'ErrorEquals' must be the last one in the field 'Retry' at /States/A/Retry[0]"],
    ['States.ALL in a catcher before the last', task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'A' }, { ErrorEquals: ['X'], Next: 'A' }] }), "The catcher with 'States.ALL' in 'ErrorEquals' must be the last one in the field 'Catch' at /States/A/Catch[0]"],
    ['a retrier without ErrorEquals', task({ Retry: [{ MaxAttempts: 1 }] }), 'These fields are required: [ErrorEquals] at /States/A/Retry[0]'],
    ['a catcher without Next', task({ Catch: [{ ErrorEquals: ['X'] }] }), 'These fields are required: [Next] at /States/A/Catch[0]'],
    ['an unknown JitterStrategy', task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'SOME' }] }), "The field 'JitterStrategy' should have one of these values: [FULL, NONE]"],
    // Choice
    ['a Choice without Choices', one('Choice'), 'These fields are required: [Choices] at /States/A'],
    ['an empty Choices', one('Choice', { Choices: [] }), "The field 'Choices' must contain at least one element at /States/A/Choices"],
    ['a rule with two operators', one('Choice', { Choices: [{ Variable: '$.a', IsNull: true, IsString: true, Next: 'A' }] }), 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not], found [IsNull, IsString] at /States/A/Choices[0]'],
    ['a rule with no operator', one('Choice', { Choices: [{ Variable: '$.a', Next: 'A' }] }), 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not] at /States/A/Choices[0]'],
    ['a comparison without Variable', one('Choice', { Choices: [{ StringEquals: 'x', Next: 'A' }] }), 'These fields are required: [Variable] at /States/A/Choices[0]'],
    ['a top-level rule without Next', one('Choice', { Choices: [{ Variable: '$.a', IsNull: true }] }), 'These fields are required: [Next] at /States/A/Choices[0]'],
    ['Next in a nested rule', one('Choice', { Choices: [{ Not: { Variable: '$.a', IsNull: true, Next: 'A' }, Next: 'A' }] }), "Field 'Next' is not supported at /States/A/Choices[0]/Not"],
    ['a string compared numerically', one('Choice', { Choices: [{ Variable: '$.a', NumericEquals: '1', Next: 'A' }] }), 'Expected value of type [NUMBER] at /States/A/Choices[0]/NumericEquals'],
    ['a malformed timestamp operand', one('Choice', { Choices: [{ Variable: '$.a', TimestampEquals: '2020-01-01', Next: 'A' }] }), "The value for the field 'TimestampEquals' must be a valid ISO-8601 timestamp"],
    ['a JSONPath rule in a JSONata Choice', one('Choice', { Choices: [{ Variable: '$.a', IsNull: true, Next: 'A' }] }, jsonata), "The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage at /States/A/Choices[0]"],
    ['Condition in a JSONPath Choice', one('Choice', { Choices: [{ Condition: true, Next: 'A' }] }), "field 'Condition' is only supported for the 'JSONata' QueryLanguage"],
    // Parallel and Map
    ['a Parallel without Branches', one('Parallel'), 'These fields are required: [Branches] at /States/A'],
    ['a branch without StartAt', one('Parallel', { Branches: [{ States: { P: done } }] }), 'These fields are required: [StartAt] at /States/A/Branches[0]'],
    ['a Map without ItemProcessor', one('Map'), 'These fields are required: [ItemProcessor] at /States/A'],
    ['ItemProcessor and Iterator together', one('Map', { ItemProcessor: processor, Iterator: processor }), 'Only one of these fields can be specified: [ItemProcessor, Iterator] at /States/A'],
    ['an unknown processor Mode', one('Map', { ItemProcessor: { ProcessorConfig: { Mode: 'FAST' }, ...processor } }), "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED] at /States/A/ItemProcessor/ProcessorConfig/Mode"],
    ['a Map label with a forbidden character', one('Map', { Label: 'label_[', ItemProcessor: processor }), "INVALID_LABEL_NAME: The field 'Label' contains an invalid character: '[' at /States/A/Label"],
    ['a Map label with a control character', one('Map', { Label: 'label_\u0085', ItemProcessor: processor }), 'INVALID_LABEL_NAME'],
    ['a Map label over 40 characters', one('Map', { Label: 'x'.repeat(41), ItemProcessor: processor }), "The field 'Label' must be at most 40 characters"],
    ['ItemsPath with a filter', one('Map', { ItemsPath: '$.a[?(@.b)]', ItemProcessor: processor }), "'ItemsPath' must be a valid JSONPath reference path"],
    // not an object
    ['a definition that is an array', [], "'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object at null'"],
    ['a state that is a string', { StartAt: 'A', States: { A: 'Pass' } }, 'Expected value of type [OBJECT] at /States/A'],
  ])('refuses %s', (_name, definition, fragment, options = {}) => {
    const message = rejection(definition, options);
    expect(message.startsWith("Invalid State Machine Definition: '")).toBe(true);
    expect(message).toContain(fragment);
  });

  it('lists every problem of a definition, joined as AWS joins them', () => {
    const message = rejection(pass({ Foo: 1, Bar: 2, InputPath: '$[' }));
    expect(message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A, " +
        "SCHEMA_VALIDATION_FAILED: Field 'Bar' is not supported at /States/A, " +
        "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath'",
    );
  });

  it('checks the graph only once the shape is sound, as AWS does', () => {
    const problems = definitionProblems({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope', Foo: 1 } } });
    expect(problems.map((p) => p.code)).toEqual(['SCHEMA_VALIDATION_FAILED']);
  });

  it('reports a missing target next to a missing end state, in AWS order', () => {
    const problems = definitionProblems({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope' } } });
    expect(problems).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: Nope", location: '/States/A/Next' },
      { code: 'MISSING_END_STATE', message: 'Workflow has no terminal state', location: null },
    ]);
  });
});

describe('parseDefinitionText', () => {
  it('returns the parsed definition', () => {
    expect(parseDefinitionText('{"StartAt": "A", "States": {}}')).toEqual({ StartAt: 'A', States: {} });
  });

  it.each<[string, string]>([
    ['{"StartAt": "A",}', "INVALID_JSON_DESCRIPTION: Unexpected character ('}' (code 125)): was expecting double-quote to start field name\n at [Source: (String)\"{\"StartAt\": \"A\",}\"; line: 1, column: 18]"],
    ['not a definition', "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]"],
    ['{"a" 1}', "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"],
    ['{"a": 1', 'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a": 1"; line: 1, column: 1])'],
    ['[1 2]', "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"],
    ['{\n  "a": tru\n}', "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"{\n  \"a\": tru\n}\"; line: 2, column: 11]"],
    ['{"a": "x\ny"}', 'Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value'],
    ['// comment\n{}', "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)"],
    ['', 'No content to map due to end-of-input'],
  ])('refuses %j with Jackson\'s words', (text, fragment) => {
    const message = textRejection(text);
    expect(message.startsWith("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ")).toBe(true);
    expect(message).toContain(fragment);
  });

  it('cuts the quoted source at 500 characters, as Jackson does', () => {
    const text = `{"a": [${'1,'.repeat(400)}}`;
    expect(textRejection(text)).toContain(`"[truncated ${text.length - 500} chars]`);
  });
});
