import type { SignInAttemptStore } from '../../sign-in-protection/sign-in-attempt-store';
import type { IdentityStore } from '../identity-store';
import { PostgresStore } from '../postgres/postgres-store';
import { MemorySignInAttemptStore } from './memory-sign-in-attempt-store';
import { PostgresSignInAttemptStore } from './postgres-sign-in-attempt-store';

/** The attempt store that lives beside the identity store: the same PostgreSQL pool and schema, or memory. */
export function attemptStoreFor(store: IdentityStore): SignInAttemptStore {
  return store instanceof PostgresStore ? new PostgresSignInAttemptStore(store.pool) : new MemorySignInAttemptStore();
}
