import type { EncryptionContext } from '../key-providers/key-provider';

/** The encryption-context keys (the customer one is what BrandStack's key policy requires: lib/config/naming.ts). */
export const CONTEXT = {
  customer: 'brandstack:customer',
  tenant: 'brandstack:tenant',
  user: 'brandstack:user',
  purpose: 'brandstack:purpose',
} as const;

/** The customer a tenant is bound to, and the alias of that customer's key. */
export interface CustomerKey {
  customer: string;
  /** `alias/brandstack/<brand>/<customer>` (lib/config/naming.ts keyAlias). */
  keyRef: string;
  /**
   * During a move to another customer key (issue 14 §6): the key being moved to. New keys are made
   * under it, and a wrapped key that does not open under `keyRef` is tried under it.
   */
  moving?: { customer: string; keyRef: string };
}

/** `alias/brandstack/<brand>/<customer>`: the alias BrandStack gives each customer key. */
export function customerKeyAlias(brand: string, customer: string): string {
  return `alias/brandstack/${brand}/${customer}`;
}

/** A user's data key context: customer, tenant and user (issue 14 §2). */
export function userKeyContext(key: Pick<CustomerKey, 'customer'>, tenant: string, user: string): EncryptionContext {
  return { [CONTEXT.customer]: key.customer, [CONTEXT.tenant]: tenant, [CONTEXT.user]: user };
}

/** A tenant's blind-index key context. */
export function indexKeyContext(key: Pick<CustomerKey, 'customer'>, tenant: string): EncryptionContext {
  return { [CONTEXT.customer]: key.customer, [CONTEXT.tenant]: tenant, [CONTEXT.purpose]: 'blind-index' };
}
