import type { UserStore } from '../../users/user-store';
import type { IdentityStore } from '../identity-store';
import { PostgresStore } from '../postgres/postgres-store';
import { MemoryUserStore } from './memory-user-store';
import { PostgresUserStore } from './postgres-user-store';

/** The user store that lives beside the identity store: the same PostgreSQL pool and schema, or memory. */
export function userStoreFor(store: IdentityStore): UserStore {
  return store instanceof PostgresStore ? new PostgresUserStore(store.pool, store.journal) : new MemoryUserStore(store);
}
