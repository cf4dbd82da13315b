import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';

const MAX_CHARS = 10000;

/** `States.Base64Encode(text)`: Base64 of the UTF-8 bytes; the text may hold 10,000 characters. */
export const base64Encode: IntrinsicSpec = {
  name: IntrinsicName.Base64Encode,
  params: [ArgType.String],
  required: 1,
  evaluate({ values }) {
    const text = values[0] as string;
    if (text.length > MAX_CHARS) throw invalidArguments(IntrinsicName.Base64Encode);
    return Buffer.from(text, 'utf8').toString('base64');
  },
};
