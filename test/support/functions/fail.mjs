/** Always fails with a named error, as a Lambda function's uncaught exception. */
class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ValidationError';
  }
}
export const handler = async () => {
  throw new ValidationError('order 42 has no lines');
};
