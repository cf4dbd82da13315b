import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import type { JsonValue } from '../../../json.ts';

/** `States.StringToJson(text)`: parses JSON text. Blank text is `null`, as AWS returns it. */
export const stringToJson: IntrinsicSpec = {
  name: IntrinsicName.StringToJson,
  params: [ArgType.String],
  required: 1,
  evaluate({ values }) {
    const text = values[0] as string;
    if (text.trim() === '') return null;
    try {
      const v = JSON.parse(text) as JsonValue;
      return v === 0 ? 0 : v;
    } catch {
      throw invalidArguments(IntrinsicName.StringToJson);
    }
  },
};
