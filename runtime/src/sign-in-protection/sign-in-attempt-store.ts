import type { IpAttempts } from './ip-attempts';

/**
 * Where attempt counters live: shared by every replica (PostgreSQL in production), so a block
 * one replica starts is enforced by all. Implemented in store/sign-in-attempts/.
 */
export interface SignInAttemptStore {
  /**
   * Applies `change` to one (tenant, IP) state atomically: concurrent failures from several
   * replicas serialise on the row, so none is lost. Returns what `change` returned.
   */
  updateIp<T>(tenantId: string, ip: string, at: Date, change: (state: IpAttempts) => { state: IpAttempts; result: T }): Promise<T>;
  /** The end of the IP's current or last block, or null. */
  findIpBlock(tenantId: string, ip: string): Promise<Date | null>;
  /** A success: the IP's consecutive failures start from zero (its block history stays). */
  resetIpFailures(tenantId: string, ip: string, at: Date): Promise<void>;
  /** Counts a failure against an account, atomically; failures older than `windowSeconds` before `at` start over. Returns the count. */
  recordAccountFailure(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number>;
  /** Recent failures against the account (0 when the last one is older than the window). */
  accountFailures(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number>;
  resetAccount(tenantId: string, accountKey: string): Promise<void>;
  /** Drops IP states untouched since `before` and not blocked at `now`, and account states older than `before`. */
  purge(now: Date, before: Date): Promise<void>;
}
