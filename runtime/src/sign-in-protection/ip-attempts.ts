import type { SignInPolicy } from './sign-in-policy';

/** What the shared store keeps per (tenant, client IP). */
export interface IpAttempts {
  /** Consecutive failures since the window started (0 after a success or a block). */
  failures: number;
  windowStartedAt: Date | null;
  /** Keyed hashes of the accounts tried in this run, capped at {@link MAX_TRACKED_ACCOUNTS}. */
  accountKeys: string[];
  /** The end of the current or last block. */
  blockedUntil: Date | null;
  /** Blocks in the current run of repeats: the next block lasts blockSeconds × 2^blocks (capped). */
  blocks: number;
}

/** Bounds the row size; the event then says "at least" this many accounts. */
export const MAX_TRACKED_ACCOUNTS = 100;

export const NO_ATTEMPTS: Readonly<IpAttempts> = Object.freeze({ failures: 0, windowStartedAt: null, accountKeys: [], blockedUntil: null, blocks: 0 });

export interface BlockStarted {
  failures: number;
  blockSeconds: number;
  distinctAccounts: number;
}

/**
 * The state after one failed attempt, and the block it starts, if any. Pure, so both stores apply
 * exactly the same rule inside their atomic read-modify-write.
 */
export function afterFailure(state: IpAttempts, accountKey: string, at: Date, policy: SignInPolicy): { state: IpAttempts; started?: BlockStarted } {
  const now = at.getTime();
  // Attempts during a block are refused before they are tried; one that raced past counts for nothing.
  if (state.blockedUntil && state.blockedUntil.getTime() > now) return { state };
  const windowOpen = state.windowStartedAt !== null && now - state.windowStartedAt.getTime() <= policy.failureWindowSeconds * 1000;
  const failures = (windowOpen ? state.failures : 0) + 1;
  const previous = windowOpen ? state.accountKeys : [];
  const accountKeys = previous.includes(accountKey) || previous.length >= MAX_TRACKED_ACCOUNTS ? previous : [...previous, accountKey];
  const windowStartedAt = windowOpen ? state.windowStartedAt : at;
  if (failures < policy.maxConsecutiveFailures) return { state: { ...state, failures, windowStartedAt, accountKeys } };

  const repeat = state.blockedUntil !== null && now - state.blockedUntil.getTime() <= policy.repeatWindowSeconds * 1000;
  const blocks = repeat ? state.blocks + 1 : 1;
  const blockSeconds = Math.min(policy.blockSeconds * 2 ** Math.min(blocks - 1, 30), policy.maxBlockSeconds);
  return {
    state: { failures: 0, windowStartedAt: null, accountKeys: [], blockedUntil: new Date(now + blockSeconds * 1000), blocks },
    started: { failures, blockSeconds, distinctAccounts: accountKeys.length },
  };
}
