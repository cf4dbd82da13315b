/**
 * How deep a JSON payload may nest, in one place for the API (which refuses deeper input when it
 * reads a request) and the engine (which may check what states produce).
 *
 * Why 512: V8's `JSON.stringify` and `structuredClone` recurse, and on Node 24's default stack
 * they overflow between 4,000 and 4,500 levels; every commit of an execution serializes its
 * input, and states may nest it further (ResultPath, Parameters, history events wrap it, Map and
 * Parallel add frames to the stack the serialization runs on). 512 leaves the engine a margin of
 * eight, and is far above any payload written by hand or generated from real data (documents,
 * ASTs and GeoJSON stay below a hundred levels). It is also below the 1,000 levels that Jackson
 * (the JSON parser of AWS's Java services) refuses by default since 2.15, so a payload accepted
 * locally is not refused for its depth because of that limit.
 */

/** The deepest nesting of arrays and objects a payload may have: `[[1]]` is 2 levels, `1` is 0. */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether JSON text nests arrays and objects deeper than `max` levels. Reads the text once
 * without parsing it or recursing, so it is safe on any input, valid JSON or not; brackets inside
 * strings do not count.
 *
 * @example
 * nestedDeeperThan('{"a":[1]}', 1); // true: 2 levels
 * nestedDeeperThan('"[[[["', 1);    // false: a string
 */
export function nestedDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
