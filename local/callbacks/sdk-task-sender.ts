/** A TaskSender over `@aws-sdk/client-sfn`: the receiver in front of real Step Functions (or the local API). */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskSender } from './task-sender.ts';

/**
 * @example
 * const sfn = new SFNClient({ endpoint: stack.api.url, region: 'us-east-1' });
 * const receiver = await startCallbackReceiver({ secret, sfn: sdkTaskSender(sfn), clock: Date.now });
 */
export function sdkTaskSender(client: SFNClient): TaskSender {
  return {
    async sendTaskSuccess(taskToken, output) {
      await client.send(new SendTaskSuccessCommand({ taskToken, output }));
    },
    async sendTaskFailure(taskToken, error, cause) {
      // AWS caps error at 256 and cause at 32,768 characters
      await client.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32768) }));
    },
    async sendTaskHeartbeat(taskToken) {
      await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    },
  };
}
