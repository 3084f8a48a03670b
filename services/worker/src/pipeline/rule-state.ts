import type { ClaimQuery, ModerationMemory } from '../rules/memory.js';

/** Thrown inside a phase when an answer given ahead of Redis turns out wrong; the runner goes back. */
const WRONG_GUESS = Symbol('rule state: the repeat claim was lost');

export const isWrongGuess = (err: unknown): boolean => err === WRONG_GUESS;

/** The rule state of one comment as its pipeline run sees it (see `ruleSession`). */
export interface RuleSession {
  /** What the phases use as `services.memory`. */
  memory: ModerationMemory;
  /** Whether a claim was answered ahead of Redis and not yet sent. */
  guessing(): boolean;
  /** Sends a claim answered ahead of Redis (alone); false when it was lost, i.e. the guess was wrong. */
  settle(): Promise<boolean>;
}

/**
 * One round trip for both rules' state. The repeat rule runs before scoring and the campaign
 * rule after it, and the campaign rule must record nothing for a comment the pipeline stops
 * before it. So the repeat claim is answered ahead of Redis with what it almost always is (this
 * comment claims the text first) and sent with the campaign step in one script once the pipeline
 * reaches the campaign rule, or alone (`settle`) when it stops earlier or reaches a phase that
 * reaches out (a remote scorer: a repeat is never sent out). If the claim was lost after all, the
 * script records nothing more, and the runner runs again from the repeat rule, which now gets the
 * real answer: the decision is the one the rules in order would have made.
 */
export function ruleSession(memory: ModerationMemory): RuleSession {
  let claim: { q: ClaimQuery; first?: string } | null = null;
  const unsent = () => (claim && claim.first === undefined ? claim : null);

  return {
    memory: {
      ...memory,
      async claimText(q) {
        if (claim?.first !== undefined) return claim.first;
        claim = { q };
        return q.commentId;
      },
      async nearDuplicates(q) {
        const pending = unsent();
        const { first, matches } = await memory.ruleState({ claim: pending?.q, nearDuplicates: q });
        if (pending) {
          pending.first = first ?? pending.q.commentId;
          if (pending.first !== pending.q.commentId) throw WRONG_GUESS;
        }
        return matches ?? [];
      },
    },
    guessing: () => unsent() !== null,
    async settle() {
      const pending = unsent();
      if (!pending) return true;
      pending.first = (await memory.ruleState({ claim: pending.q })).first ?? pending.q.commentId;
      return pending.first === pending.q.commentId;
    },
  };
}
