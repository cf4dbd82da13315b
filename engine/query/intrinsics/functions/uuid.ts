import { IntrinsicName, type IntrinsicSpec } from '../spec.ts';

/** `States.UUID()`: a version 4 UUID, taken from the injected `env.uuid`. */
export const uuid: IntrinsicSpec = {
  name: IntrinsicName.UUID,
  params: [],
  required: 0,
  evaluate({ env }) {
    return env.uuid();
  },
};
