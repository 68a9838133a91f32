import type { Logger } from 'pino';
import type { SecurityNotifier } from '../security-events/security-notifier';
import type { Clock } from '../support/clock';
import type { SignInAttemptStore } from './sign-in-attempt-store';
import { policyFor as defaultPolicies } from './sign-in-policy';
import type { SignInPolicy } from './sign-in-policy';
import { StoredSignInGuard } from './stored-sign-in-guard';

export interface SignInProtectionOptions {
  /** From attemptStoreFor(identityStore) (store/sign-in-attempts/attempt-store-for.ts). */
  store: SignInAttemptStore;
  clock: Clock;
  /** From createSecurityNotifier (security-events/create-security-notifier.ts). */
  notifier: SecurityNotifier;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** @default the defaults for every tenant (signInPolicies() builds one with overrides) */
  policy?: (tenantId: string) => SignInPolicy | Promise<SignInPolicy>;
  /** Bound on how late other replicas enforce a block. @default 2 */
  cacheSeconds?: number;
}

/** The SignInGuard the app uses: per-IP blocks and per-account delays over the shared store. */
export function createSignInProtection(options: SignInProtectionOptions): StoredSignInGuard {
  return new StoredSignInGuard({
    store: options.store,
    clock: options.clock,
    notifier: options.notifier,
    logger: options.logger,
    policyFor: options.policy ?? defaultPolicies,
    cacheSeconds: options.cacheSeconds,
  });
}
