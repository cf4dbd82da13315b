import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';

const MAX_CHARS = 10000;

/**
 * `States.Base64Decode(base64)`: the decoded bytes as UTF-8 text; the input may hold 10,000
 * characters. Decoding is lenient (stray characters and missing padding are tolerated), as
 * observed on AWS.
 */
export const base64Decode: IntrinsicSpec = {
  name: IntrinsicName.Base64Decode,
  params: [ArgType.String],
  required: 1,
  evaluate({ values }) {
    const text = values[0] as string;
    if (text.length > MAX_CHARS) throw invalidArguments(IntrinsicName.Base64Decode);
    return Buffer.from(text, 'base64').toString('utf8');
  },
};
