import type { FastifyRequest } from 'fastify';
import type { AuditStore } from '../audit/audit-store';
import type { AuditTrail } from '../audit/audit-trail';
import type { KeyRotation } from '../keys/key-rotation';
import type { CustomerMove } from '../customer-move/customer-move';
import type { IdentityStore } from '../store/identity-store';
import type { IssuerUrls } from '../tenants/issuer-urls';
import type { Provisioning } from '../tenants/provisioning';
import type { UserDirectory } from '../users/user-directory';
import type { AdminAuthenticator } from './admin-authenticator';
import type { AdminGuard } from './admin-guard';

/** What the admin routes work with. */
export interface AdminContext {
  guard: AdminGuard;
  provisioning: Provisioning;
  rotation: KeyRotation;
  store: IdentityStore;
  issuers: IssuerUrls;
  users: UserDirectory;
  /** Where the audit API reads: the chain of record (store.journal.trail), or MongoDB's read side in production. */
  auditReader: AuditStore | AuditTrail;
  /** Moves a tenant's personal data to another customer key, one resumable step per call. */
  customerMove: CustomerMove;
  /** After a tenant's policy or status changed here: drop this replica's cached profile. */
  onTenantChanged(tenantId: string): void;
}

/** What app.ts passes to the admin plugin. */
export interface AdminApiOptions extends Omit<AdminContext, 'guard'> {
  authenticator: AdminAuthenticator;
  clientIpOf: (request: FastifyRequest) => string;
}
