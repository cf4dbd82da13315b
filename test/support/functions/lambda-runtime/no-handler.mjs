/** A module that exports no `handler`. */
export const something = () => 'not a handler';
