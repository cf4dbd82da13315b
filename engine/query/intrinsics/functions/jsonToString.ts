import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';

/** `States.JsonToString(value)`: compact JSON text of any value. */
export const jsonToString: IntrinsicSpec = {
  name: IntrinsicName.JsonToString,
  params: [ArgType.Any],
  required: 1,
  evaluate({ values }) {
    return JSON.stringify(values[0]);
  },
};
