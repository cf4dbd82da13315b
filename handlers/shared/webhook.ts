/**
 * The BI service's webhook contract (event types, signature), for the deployed callback-receiver
 * handler. It is defined once, beside the local BI simulator and callback receiver that share it
 * (local/callbacks/webhook-contract.ts), so that the local stack, which ships in the package, does
 * not reach into the kit's handlers.
 */
export * from '../../local/callbacks/webhook-contract.ts';
