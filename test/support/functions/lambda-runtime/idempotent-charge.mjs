/**
 * Charges an order once, however often it is delivered: a repeated order id answers with the
 * first charge. The ledger is module state, so it holds within one warm instance.
 */
const ledger = new Map();
let deliveries = 0;

export const handler = async (event) => {
  deliveries += 1;
  if (!ledger.has(event.orderId)) ledger.set(event.orderId, { orderId: event.orderId, chargeId: `ch-${ledger.size + 1}` });
  return { ...ledger.get(event.orderId), deliveries };
};
