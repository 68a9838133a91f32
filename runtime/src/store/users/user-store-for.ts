import { EncryptedUserStore } from '../../personal-data/encrypted-user-store';
import type { EncryptedUserStoreOptions } from '../../personal-data/encrypted-user-store';
import type { IdentityStore } from '../identity-store';
import { PostgresStore } from '../postgres/postgres-store';
import { MemorySealedUsers } from './memory-sealed-users';
import { PostgresSealedUsers } from './postgres-sealed-users';

/**
 * The user store beside the identity store (the same PostgreSQL pool, schema and journal, or
 * memory), with personal data sealed under the tenants' customer keys.
 */
export function userStoreFor(store: IdentityStore, personalData: Omit<EncryptedUserStoreOptions, 'records'>): EncryptedUserStore {
  const records = store instanceof PostgresStore ? new PostgresSealedUsers(store.pool, store.journal) : new MemorySealedUsers(store);
  return new EncryptedUserStore({ records, ...personalData });
}
