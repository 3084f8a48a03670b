import { textLength } from '#shared/text.js';
import type { Phase } from './types.js';

/** A site may allow shorter comments than the API's hard limit. */
export const bodyLength: Phase = ({ comment, settings }) => {
  const length = textLength(comment.body);
  if (length === 0) return { status: 'rejected', reasons: [{ rule: 'empty', detail: 'comment is empty' }] };
  if (length > settings.maxBodyLength) {
    return {
      status: 'rejected',
      reasons: [
        { rule: 'too_long', detail: `comment has ${length} characters; the site allows ${settings.maxBodyLength}` },
      ],
    };
  }
  return undefined;
};
