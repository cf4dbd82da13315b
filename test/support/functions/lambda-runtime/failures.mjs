/**
 * Fails in the way the event asks for: each `mode` is one way a Lambda function can go wrong.
 * `ok` answers normally, with the pid of its instance.
 */
class ReportNotReady extends Error {
  constructor(message) {
    super(message);
    this.name = 'ReportNotReady';
  }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = async (event) => {
  switch (event.mode) {
    case 'throw':
      throw new ReportNotReady(`report ${event.report} is not ready`);
    case 'throw-string':
      throw 'plain text';
    case 'hang':
      await wait(60_000);
      return 'too late';
    case 'exit':
      process.exit(3);
      break;
    case 'unhandled-rejection':
      Promise.reject(new Error('nobody awaited me'));
      await wait(5_000);
      return 'unreachable';
    case 'uncaught-exception':
      setTimeout(() => {
        throw new TypeError('thrown from a timer');
      }, 0);
      await wait(5_000);
      return 'unreachable';
    default:
      return { pid: process.pid };
  }
};
