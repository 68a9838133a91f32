import { RuntimeError } from '../errors/runtime-error';

/**
 * A tenant's brute-force protection settings. The defaults are the issue's: 5 consecutive
 * failures within 15 minutes block the IP for 15 minutes, doubling on each repeat up to 24 hours;
 * per account, a progressive delay and never a lockout.
 *
 * Why a delay and no account lockout: NIST SP 800-63B rev. 4 §3.2.2 (rate limiting) lets a
 * verifier slow attempts down, and the OWASP Authentication Cheat Sheet ("Account Lockout")
 * warns that lockout lets an attacker deny service to a victim from anywhere
 * (https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#account-lockout);
 * Keycloak's per-user lockout was exactly that (CVE-2024-10270).
 */
export interface SignInPolicy {
  /** Consecutive failures from one IP that start a block. */
  maxConsecutiveFailures: number;
  /** The failures must fall within this many seconds of the first of them. */
  failureWindowSeconds: number;
  /** The first block's length. */
  blockSeconds: number;
  /** Each repeat block doubles, up to this. */
  maxBlockSeconds: number;
  /** A block that starts within this many seconds after the previous one ended counts as a repeat. */
  repeatWindowSeconds: number;
  /** Failures against one account answered without delay. */
  accountFreeFailures: number;
  /** The delay after the first failure beyond the free ones; doubles per further failure. */
  accountBaseDelayMs: number;
  accountMaxDelayMs: number;
  /** An account's failures are forgotten this long after the last one. */
  accountWindowSeconds: number;
}

export const DEFAULT_SIGN_IN_POLICY: Readonly<SignInPolicy> = Object.freeze({
  maxConsecutiveFailures: 5,
  failureWindowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
  maxBlockSeconds: 24 * 60 * 60,
  repeatWindowSeconds: 24 * 60 * 60,
  accountFreeFailures: 3,
  accountBaseDelayMs: 250,
  accountMaxDelayMs: 8_000,
  accountWindowSeconds: 15 * 60,
});

/**
 * The policy of each tenant: the defaults, with per-tenant overrides when given. (The admin
 * endpoint that sets a tenant's policy comes with issue 13.) Throws InvalidSignInPolicy at
 * construction time when an override is unusable, so a bad override never reaches a request.
 */
export function signInPolicies(overrides: ReadonlyMap<string, Partial<SignInPolicy>> = new Map()): (tenantId: string) => SignInPolicy {
  const resolved = new Map<string, SignInPolicy>();
  for (const [tenantId, override] of overrides) resolved.set(tenantId, checkedPolicy(tenantId, { ...DEFAULT_SIGN_IN_POLICY, ...override }));
  return (tenantId) => resolved.get(tenantId) ?? DEFAULT_SIGN_IN_POLICY;
}

/** The default policy for every tenant. */
export const policyFor: (tenantId: string) => SignInPolicy = signInPolicies();

function checkedPolicy(tenantId: string, policy: SignInPolicy): SignInPolicy {
  for (const [field, value] of Object.entries(policy)) {
    const floor = field === 'accountFreeFailures' || field === 'accountBaseDelayMs' ? 0 : 1;
    if (!Number.isInteger(value) || value < floor) {
      throw new InvalidSignInPolicy(`sign-in policy of tenant "${tenantId}": ${field} must be an integer of at least ${floor}, got ${String(value)}`);
    }
  }
  if (policy.maxBlockSeconds < policy.blockSeconds) {
    throw new InvalidSignInPolicy(`sign-in policy of tenant "${tenantId}": maxBlockSeconds must be at least blockSeconds (${policy.blockSeconds})`);
  }
  return Object.freeze(policy);
}

/** A per-tenant override is unusable; raised when the policies are built, before any request. */
export class InvalidSignInPolicy extends RuntimeError {
  readonly code = 'invalid_sign_in_policy';
  readonly status = 500;
}

/** The progressive delay before answering the next attempt against an account with `failures` recent failures. */
export function accountDelayFor(failures: number, policy: SignInPolicy): number {
  const beyond = failures - policy.accountFreeFailures;
  if (beyond <= 0) return 0;
  return Math.min(policy.accountBaseDelayMs * 2 ** Math.min(beyond - 1, 30), policy.accountMaxDelayMs);
}

/** The settings a tenant may override (PUT /admin/tenants/:tenant/sign-in-policy). */
export const SIGN_IN_POLICY_FIELDS = Object.keys(DEFAULT_SIGN_IN_POLICY) as (keyof SignInPolicy)[];

/** The defaults with a tenant's overrides, checked; throws InvalidSignInPolicy naming the field. */
export function resolvedSignInPolicy(tenantId: string, overrides: Partial<SignInPolicy>): SignInPolicy {
  return checkedPolicy(tenantId, { ...DEFAULT_SIGN_IN_POLICY, ...overrides });
}
