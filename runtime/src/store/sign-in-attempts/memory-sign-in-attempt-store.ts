import { NO_ATTEMPTS } from '../../sign-in-protection/ip-attempts';
import type { IpAttempts } from '../../sign-in-protection/ip-attempts';
import type { SignInAttemptStore } from '../../sign-in-protection/sign-in-attempt-store';

/**
 * Attempt counters in this process (`npm start`): one replica, so "shared" is trivially true.
 * Every update runs synchronously between awaits, which makes it atomic in Node's event loop.
 */
export class MemorySignInAttemptStore implements SignInAttemptStore {
  readonly #ips = new Map<string, { state: IpAttempts; updatedAt: number }>();
  readonly #accounts = new Map<string, { failures: number; lastFailureAt: number }>();

  async updateIp<T>(tenantId: string, ip: string, at: Date, change: (state: IpAttempts) => { state: IpAttempts; result: T }): Promise<T> {
    const key = `${tenantId}\0${ip}`;
    const { state, result } = change(copy(this.#ips.get(key)?.state ?? NO_ATTEMPTS));
    this.#ips.set(key, { state: copy(state), updatedAt: at.getTime() });
    return result;
  }

  async findIpBlock(tenantId: string, ip: string): Promise<Date | null> {
    const until = this.#ips.get(`${tenantId}\0${ip}`)?.state.blockedUntil;
    return until ? new Date(until) : null;
  }

  async resetIpFailures(tenantId: string, ip: string, at: Date): Promise<void> {
    const entry = this.#ips.get(`${tenantId}\0${ip}`);
    if (entry && entry.state.failures > 0) {
      entry.state = { ...entry.state, failures: 0, windowStartedAt: null, accountKeys: [] };
      entry.updatedAt = at.getTime();
    }
  }

  async recordAccountFailure(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number> {
    const key = `${tenantId}\0${accountKey}`;
    const current = this.#accounts.get(key);
    const fresh = current !== undefined && current.lastFailureAt > at.getTime() - windowSeconds * 1000;
    const failures = (fresh ? current.failures : 0) + 1;
    this.#accounts.set(key, { failures, lastFailureAt: at.getTime() });
    return failures;
  }

  async accountFailures(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number> {
    const current = this.#accounts.get(`${tenantId}\0${accountKey}`);
    return current !== undefined && current.lastFailureAt > at.getTime() - windowSeconds * 1000 ? current.failures : 0;
  }

  async resetAccount(tenantId: string, accountKey: string): Promise<void> {
    this.#accounts.delete(`${tenantId}\0${accountKey}`);
  }

  async purge(now: Date, before: Date): Promise<void> {
    for (const [key, entry] of this.#ips) {
      const blocked = entry.state.blockedUntil !== null && entry.state.blockedUntil.getTime() > now.getTime();
      if (entry.updatedAt < before.getTime() && !blocked) this.#ips.delete(key);
    }
    for (const [key, entry] of this.#accounts) if (entry.lastFailureAt < before.getTime()) this.#accounts.delete(key);
  }
}

function copy(state: IpAttempts): IpAttempts {
  return { ...state, accountKeys: [...state.accountKeys] };
}
