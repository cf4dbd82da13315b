export const handler = async () => ({ sent: true });
