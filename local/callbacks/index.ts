export { startCallbackReceiver, type CallbackReceiver, type CallbackReceiverOptions } from './receiver.ts';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS } from './signature.ts';
export { engineTaskSender, type TaskSender } from './task-sender.ts';
export { WebhookType, WEBHOOK_TYPES, BiError, type WebhookEvent } from './events.ts';
export * from './errors.ts';
