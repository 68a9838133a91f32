import type { Logger } from 'pino';
import type { AccountPseudonyms } from './account-pseudonyms';
import type { AttemptKind } from './sign-in-guard';

export type SignInOutcome = 'success' | 'failure' | 'blocked';

export interface SignInLogEntry {
  tenantId: string;
  /** From clientIp(): the address counted, never a raw X-Forwarded-For. */
  ip: string;
  outcome: SignInOutcome;
  /** Why: e.g. 'unknown_user', 'bad_password', 'disabled', 'ip_blocked', 'invalid_client'; 'ok' on success. */
  reason: string;
  /** The username (or client id) as typed: logged only as its keyed hash. */
  account: string;
  /** @default 'sign_in' */
  kind?: AttemptKind;
  /** The user's opaque id when one was identified (it is the `sub` of their tokens anyway). */
  userId?: string;
  clientId?: string;
}

/**
 * Logs one sign-in attempt (issue 12 item 7): tenant, client IP, outcome, reason, and the account
 * only as a keyed hash. There is no parameter for a password, so it cannot reach the log from here.
 * Successes at info, failures and blocks at warn (what alerting watches).
 */
export function signInLog(logger: Pick<Logger, 'info' | 'warn'>, pseudonyms: AccountPseudonyms, entry: SignInLogEntry): void {
  const line = {
    event: entry.kind === 'client_authentication' ? 'client_authentication' : 'sign_in',
    tenant: entry.tenantId,
    client_ip: entry.ip,
    outcome: entry.outcome,
    reason: entry.reason,
    account: pseudonyms.of(entry.tenantId, entry.account),
    ...(entry.userId === undefined ? {} : { user_id: entry.userId }),
    ...(entry.clientId === undefined ? {} : { client_id: entry.clientId }),
  };
  if (entry.outcome === 'success') logger.info(line, 'sign-in succeeded');
  else logger.warn(line, entry.outcome === 'blocked' ? 'sign-in refused: client IP blocked' : 'sign-in failed');
}
