/**
 * Why the callback receiver turns a webhook away: one class per kind, each carrying the HTTP
 * status it answers with and the `error` code of the answer's body.
 */
import { SIGNATURE_MISMATCH_MESSAGE } from './webhook-contract.ts';

/** A webhook the receiver refused; `status` and `code` are what the sender hears. */
export class WebhookRejected extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = code;
    this.status = status;
    this.code = code;
  }
}

/** No `X-BI-Signature` header, or one that cannot be read. */
export class SignatureMissing extends WebhookRejected {
  constructor(message = 'the X-BI-Signature header is missing or malformed') {
    super(401, 'SignatureMissing', message);
  }
}

/**
 * The signature does not match the request's path and query (which carry the task token) and its
 * body under the shared secret: forged, or signed for another callback URL.
 */
export class SignatureMismatch extends WebhookRejected {
  constructor(message = SIGNATURE_MISMATCH_MESSAGE) {
    super(401, 'SignatureMismatch', message);
  }
}

/** The signed timestamp is further from the receiver's clock than the tolerance. */
export class TimestampOutOfTolerance extends WebhookRejected {
  constructor(skewSeconds: number, toleranceSeconds: number) {
    super(401, 'TimestampOutOfTolerance', `the signature's timestamp is ${skewSeconds} s from the receiver's clock (tolerance ${toleranceSeconds} s)`);
  }
}

/** An event id the receiver has already accepted. */
export class EventReplayed extends WebhookRejected {
  constructor(id: string) {
    super(409, 'EventReplayed', `event ${id} was already accepted`);
  }
}

/** A body that is not a webhook event: not JSON, no id, or a type the contract does not name. */
export class InvalidEvent extends WebhookRejected {
  constructor(message: string) {
    super(400, 'InvalidEvent', message);
  }
}

/** The request has no task token, or Step Functions says the token is not one it issued. */
export class InvalidCallbackToken extends WebhookRejected {
  constructor(message: string, options?: ErrorOptions) {
    super(400, 'InvalidToken', message, options);
  }
}

/** The token's task has ended (it timed out, or was answered) or its execution is gone. */
export class TaskGone extends WebhookRejected {
  constructor(message: string, options?: ErrorOptions) {
    super(410, 'TaskGone', message, options);
  }
}

/** Step Functions could not be told (unreachable, or an unexpected error): the sender may retry. */
export class TaskSenderUnavailable extends WebhookRejected {
  constructor(message: string, options?: ErrorOptions) {
    super(502, 'TaskSenderUnavailable', message, options);
  }
}
