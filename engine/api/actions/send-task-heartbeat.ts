/** SendTaskHeartbeat: keeps a task with HeartbeatSeconds alive. */
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const sendTaskHeartbeat: Action = (req, { engine }) => {
  engine.sendTaskHeartbeat(requiredString(req, 'taskToken', 2048));
  return {};
};
