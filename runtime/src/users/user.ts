/**
 * A tenant's end user. Usernames are unique per tenant, compared case-insensitively
 * (stored with their `usernameKey`, the lower-cased NFKC form). Personal fields are
 * plain here; issue 14 moves them under per-user envelope encryption.
 */
export type UserStatus = 'active' | 'disabled';

export interface User {
  tenantId: string;
  /** Opaque, random, never reused: the `sub` of the user's tokens. */
  id: string;
  /** As the user typed it at registration (display form). */
  username: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  status: UserStatus;
  /** Tenant-defined authority strings that appear in the user's access tokens. */
  authorities: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A stored password hash: a PHC string carries its algorithm and parameters (`$argon2id$v=19$m=…,t=…,p=…$…`). */
export interface StoredPassword {
  tenantId: string;
  userId: string;
  phc: string;
  changedAt: Date;
}
