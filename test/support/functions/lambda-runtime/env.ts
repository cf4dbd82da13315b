/** Answers with the environment variables it was asked for (`null` for unset ones). */
export const handler = async (event: { names: string[] }) =>
  Object.fromEntries(event.names.map((name) => [name, process.env[name] ?? null]));
