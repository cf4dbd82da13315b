/** The BI simulator's error answers (docs/bi-service.md): one class per code, each with its HTTP status. */

export class BiApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
  }
}

export class NotFound extends BiApiError {
  constructor(message: string) {
    super(404, 'NotFound', message);
  }
}

export class BadRequest extends BiApiError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

/** A job was asked for on an upload that is still processing or failed. */
export class UploadNotProcessed extends BiApiError {
  constructor(uploadId: string, status: string) {
    super(409, 'UploadNotProcessed', `upload ${uploadId} is ${status}, not PROCESSED`);
  }
}
