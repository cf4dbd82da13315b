/**
 * The port of Jayway's compiler against Jayway's own compiler tests (json-path/JsonPath 3.0.0,
 * PathCompilerTest.java and FilterCompilerTest.java; the filters are compiled inside `$...`, as
 * a path carries them): what they compile compiles here, what they refuse is refused here.
 */
import { describe, it, expect } from '@jest/globals';
import { compileJsonPath, InvalidPathError } from '../../../engine/query/jsonpath/compile.ts';

describe('compileJsonPath compiles what Jayway compiles', () => {
  it.each<string>([
    // PathCompilerTest
    '$',
    '@',
    'x',
    '$.prop',
    '$.1prop',
    '$.@prop',
    "$['prop']",
    "$['1prop']",
    "$['@prop']",
    "$[  '@prop'  ]",
    '$["prop"]',
    "$['prop0', 'prop1']",
    "$[  'prop0'  , 'prop1'  ]",
    '$.aaa.bbb.ccc',
    '$.*',
    '$[*]',
    '$[ * ]',
    '$.prop[*]',
    "$['prop'][*]",
    '$[1]',
    '$[1,2,3]',
    '$[ 1 , 2 , 3 ]',
    '$[-1:]',
    '$[1:2]',
    '$[:2]',
    "$[?(@.foo == 'bar')]",
    '$[?(@.foo == "bar")]',
    "$..['prop']..[*]",
    "$.logs[?(@.message == 'it\\\\')].message",
    '$.logs[?(@.message =~ /\\(it/)].message',
    '$.logs[?(@.message =~ /&&|it/)].message',
    "$.logs[?(@.message == '&& it')].message",
    '$.logs[?(@.message && (@.id == 1 || @.id == 2))].id',
    '$.logs[?((@.id == 2 || @.id == 1) && @.message)].id',
    '$.logs[?(@.x && @.y || @.id)]',
    '$.logs[?(@.message == \'"it"\')].message',
    '$.logs[?(@.message == "\'it\'")].message',
    "$.logs[?(@.message == '\\'it\\'')].message",
    "$.logs[?(@.message == '] it')].message",
    '$.aaa.foo()',
    '$.aaa.foo(5)',
    '$.aaa.foo($.bar)',
    '$.aaa.foo(5,10,15)',
    // FilterCompilerTest
    '$[?(@)]',
    '$[?(@.firstname)]',
    '$[?($.firstname)]',
    "$[?(@['firstname'])]",
    "$[?($['firstname'].lastname)]",
    "$[?($['firstname']['lastname'].*)]",
    "$[?($['firstname']['num_eq'] == 1)]",
    "$[?($['firstname']['num_gt'] > 1.1)]",
    "$[?($['firstname']['num_lt'] < 11.11)]",
    "$[?($['firstname']['str_eq'] == 'hej')]",
    "$[?($['firstname']['str_eq'] == '')]",
    "$[?($['firstname']['str_eq'] == null)]",
    "$[?($['firstname']['str_eq'] == true)]",
    "$[?($['firstname']['str_eq'] == false)]",
    '$[?(@.firstname && @.lastname)]',
    '$[?((@.firstname || @.lastname) && @.and)]',
    '$[?((@.a || @.b || @.c) && @.x)]',
    '$[?((@.a && @.b && @.c) || @.x)]',
    '$[?((@.a && @.b || @.c) || @.x)]',
    '$[?((@.a && @.b) || (@.c && @.d))]',
    '$[?(@.a IN [1,2,3])]',
    "$[?(@.a IN {'foo':'bar'})]",
    "$[?(@.value<'7')]",
    "$[?(@.message == 'it\\\\')]",
    '$[?(@.message.min() > 10)]',
    '$[?(@.message.min()==10)]',
    '$[?(10 == @.message.min())]',
    '$[?(((@)))]',
    '$[?(@.name =~ /.*?/i)]',
    '$[?(@.name =~ /.*?/)]',
    '$[?($["firstname"]["lastname"])]',
    '$[?($["firstname"].lastname)]',
    '$[?($["firstname", "lastname"])]',
    '$[?(((@.a && @.b || @.c)) || @.x)]',
  ])('%s', (path) => {
    // Act
    const compile = (): unknown => compileJsonPath(path);

    // Assess
    expect(compile).not.toThrow();
  });
});

describe('compileJsonPath refuses what Jayway refuses', () => {
  it.each<string>([
    // PathCompilerTest
    '$X',
    '$.',
    '$.prop.',
    '$..',
    '$.prop..',
    '$.foo bar',
    '$[0, 1, 2 4]',
    "$['1','2',]",
    "$['1', ,'3']",
    "$['aaa'}'bbb']",
    '$.[',
    // FilterCompilerTest
    '$[?(@))]',
    '$[?(@ FOO 1)]',
    '$[?(@ || )]',
    "$[?(@ == 'foo )]",
    "$[?(@ == 1' )]",
    '$[?(@.foo bar == 1)]',
    '$[?(@.i == 5 @.i == 8)]',
    '$[?(!5)]',
    "$[?(!'foo')]",
  ])('%s', (path) => {
    // Act
    const compile = (): unknown => compileJsonPath(path);

    // Assess
    expect(compile).toThrow(InvalidPathError);
  });
});
