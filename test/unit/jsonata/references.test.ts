import { describe, expect, it } from '@jest/globals';
import { jsonataSyntaxError, jsonataVariableReferences } from '../../../engine/query/jsonata/index.ts';

describe('jsonataVariableReferences', () => {
  it.each<[string, string[]]>([
    ['$doesNotExist', ['doesNotExist']],
    ['$sum($states.input.input_values) + $var_constant_1', ['var_constant_1']],
    ['$states.input', []],
    ['$order.items[0].price * $rate', ['order', 'rate']],
    ['$a + $b + $a', ['a', 'b']],
    ['($n := $count($items); $n * $rate)', ['items', 'rate']],
    ['($x := $x + 1; $x)', ['x']],
    ['$variable := 1', []],
    ['function($a){ $a + $b }', ['b']],
    ['$map($list, function($v, $i){ $v * $i * $k })', ['list', 'k']],
    ['$states.input.Order@$o#$i.Product[$o.x = $z]', ['z']],
    ['$partition($items, $size)', ['items', 'size']],
    ['$uuid() & $hash($s, "MD5")', ['s']],
    ['$contains("hello$world", /^hello\\$/)', []],
    ["'$notAVariable'", []],
    ['$exists($maybe) ? $maybe : $fallback', ['maybe', 'fallback']],
    ["{'k': $v, $key: 1}", ['v', 'key']],
    ['$x ~> $string()', ['x']],
    ['$ ~> $string()', []],
    ['$$.a', []],
    ['(', []],
  ])('finds the variables %j reads', (expression, expected) => {
    expect(jsonataVariableReferences(expression)).toEqual(expected);
  });
});

describe('jsonataSyntaxError', () => {
  it.each<[string, string | undefined]>([
    ['$states.input', undefined],
    ["{'foo': 'bar'}", undefined],
    ['(', 'S0203'],
    ['$states.input.', 'S0207'],
  ])('checks %j', (expression, code) => {
    expect(jsonataSyntaxError(expression)?.code).toBe(code);
  });

  it('says what and where', () => {
    expect(jsonataSyntaxError('(')).toEqual({ code: 'S0203', message: 'Expected ")" before end of expression', position: 1 });
  });
});
