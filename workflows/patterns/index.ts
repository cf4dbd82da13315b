/** The reusable workflow patterns: builders that emit plain ASL (JSONata and variables). */
export * from './asl.ts';
export { awaitCallback, type AwaitCallbackOptions } from './await-callback.ts';
export { continueAsNew, continuationName, type ContinueAsNewOptions } from './continue-as-new.ts';
export { notify, type NotifyOptions } from './notify.ts';
export { pollUntil, type PollLoop, type PollUntilOptions } from './poll-until.ts';
