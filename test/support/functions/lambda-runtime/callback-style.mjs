/** A callback-style handler, which the nodejs24.x runtime refuses. */
export const handler = (event, context, callback) => callback(null, event);
