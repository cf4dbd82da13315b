/**
 * The errors the engine answers API calls with, in AWS's shape (`__type` and `message`), and the
 * one rule for a direct store write that fails: 500 InternalFailure with the store's reason. Apart
 * from engine.ts so that the parts the Engine composes throw the same errors without importing it.
 */
import { StoreError } from './store/sqlite.ts';

/** An API-level error in AWS's shape: `__type` is the name, `message` the text. */
export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
  }
}

/** A direct store write (state machines, tags), its failure as an API error. */
export function writeOrFail(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof StoreError) throw new ApiError('InternalFailure', `The change could not be saved: ${err.message}`, 500);
    throw err;
  }
}
