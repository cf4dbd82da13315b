export { startCallbackReceiver, type CallbackReceiver, type CallbackReceiverOptions } from './receiver.ts';
export { signWebhook, verifyWebhook, signedTarget, callbackToken, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS } from './signature.ts';
export { localWebhookSecret, WEBHOOK_SECRET_FILE } from './webhook-secret.ts';
export { AcceptedWebhooks, ACCEPTED_WEBHOOKS_FILE } from './accepted-webhooks.ts';
export { engineTaskSender, type TaskSender } from './task-sender.ts';
export { WebhookType, WEBHOOK_TYPES, BiError, type WebhookEvent } from './events.ts';
export * from './errors.ts';
