import { RuntimeError } from './runtime-error';
import type { RuntimeErrorOptions } from './runtime-error';

/**
 * A sealed personal field that does not open: moved to another row, tampered with, or under a
 * data key that is not this user's. The description names the field, never its content.
 */
export class PersonalDataUnreadable extends RuntimeError {
  readonly code = 'personal_data_unreadable';
  readonly status = 500;
  constructor(readonly field: string, why: string, options?: RuntimeErrorOptions) {
    super(`personal field "${field}" ${why}`, options);
  }
}

/**
 * The tenant's personal data cannot be read or written now: its customer key is disabled, not
 * usable, or not reachable (KeyUnavailable underneath). Answered 503 with this description, so an
 * operator sees which tenant and why; never garbage, never a crash.
 */
export class PersonalDataKeyUnavailable extends RuntimeError {
  readonly code = 'personal_data_unavailable';
  readonly status = 503;
}

/** A tenant bound to no customer cannot hold personal data under a customer key (production). */
export class TenantWithoutCustomer extends RuntimeError {
  readonly code = 'tenant_without_customer';
  readonly status = 409;
  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" is bound to no customer, so its users' personal data has no customer key; set its customer first`);
  }
}
