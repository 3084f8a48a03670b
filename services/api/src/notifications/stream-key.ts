/** The key of a reader's notification stream in the process's stream hub ('@' is in no post id). */
export const userStreamKey = (userId: string): string => `@${userId}`;
