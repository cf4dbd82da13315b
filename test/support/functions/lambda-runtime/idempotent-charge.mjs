/**
 * Charges an order once, however often it is delivered: a repeated order id answers with the
 * first charge. The ledger and the delivery count are module state, so they hold within one warm
 * instance. A negative amount is refused.
 */
class InvalidAmount extends Error {
  constructor(amount) {
    super(`cannot charge ${amount}`);
    this.name = 'InvalidAmount';
  }
}

const ledger = new Map();
let deliveries = 0;

export const handler = async (event) => {
  deliveries += 1;
  if (event.amount < 0) throw new InvalidAmount(event.amount);
  if (!ledger.has(event.orderId)) ledger.set(event.orderId, { orderId: event.orderId, chargeId: `ch-${ledger.size + 1}` });
  return { ...ledger.get(event.orderId), deliveries };
};
