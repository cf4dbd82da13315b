/** Charges an order on every delivery, and refuses a second charge: not idempotent. */
class AlreadyCharged extends Error {
  constructor(orderId) {
    super(`order ${orderId} was charged already`);
    this.name = 'AlreadyCharged';
  }
}

const charged = new Set();

export const handler = async (event) => {
  if (charged.has(event.orderId)) throw new AlreadyCharged(event.orderId);
  charged.add(event.orderId);
  return { orderId: event.orderId, charged: true };
};
