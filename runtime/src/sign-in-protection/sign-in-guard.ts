/**
 * Brute-force protection of sign-in and client authentication, per tenant:
 * consecutive failures from one client IP block that IP for a while (doubling on
 * repeats, up to a cap), and failures against one account slow that account down
 * progressively (never lock it, so an attacker elsewhere cannot lock a victim out).
 */

export type AttemptKind = 'sign_in' | 'client_authentication';

export interface AttemptSubject {
  tenantId: string;
  /** The client IP, derived only through trusted proxies (sign-in-protection/client-ip.ts). */
  ip: string;
  /** A keyed hash of the account tried (username or client id); never the name itself. */
  accountKey: string;
  kind: AttemptKind;
}

export type BlockDecision = { blocked: false } | { blocked: true; retryAfterSeconds: number; until: Date };

export interface SignInGuard {
  /** Whether the IP is blocked for the tenant now. Fast path: cached briefly in front of the store. */
  check(tenantId: string, ip: string, at: Date): Promise<BlockDecision>;
  /** Milliseconds to wait before answering an attempt against this account (progressive delay). */
  accountDelayMs(tenantId: string, accountKey: string, at: Date): Promise<number>;
  /** Counts a failure; may start a block (and then emits one security event). Returns the decision after it. */
  recordFailure(subject: AttemptSubject, at: Date): Promise<BlockDecision>;
  /** A success resets the IP's consecutive-failure counter and the account's delay. */
  recordSuccess(subject: AttemptSubject, at: Date): Promise<void>;
}
