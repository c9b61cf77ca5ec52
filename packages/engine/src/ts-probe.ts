// Imported by worker-entry.mjs to learn whether this thread can load TypeScript yet.
export const probe = true as const;
