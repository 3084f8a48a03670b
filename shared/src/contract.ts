/** Longest comment, in characters after normalisation; a site may set a lower limit. */
export const MAX_BODY_LENGTH = 5000;
