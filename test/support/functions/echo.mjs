/** Returns its event unchanged. */
export const handler = async (event) => event;
