import type { UnchainedAuditEvent } from '../audit/audit-event';
import { RuntimeError } from '../errors/runtime-error';
import { TenantNotFound } from '../errors/resource-errors';
import type { KeyProvider } from '../key-providers/key-provider';
import type { IdentityStore } from '../store/identity-store';
import type { Customers } from '../tenants/provisioning';
import { indexKeyContext, userKeyContext } from '../personal-data/customer-keys';
import type { SealedUserRecords } from '../personal-data/sealed-user';

/** Another move is in progress, or the tenant already is with that customer. */
export class CustomerMoveRefused extends RuntimeError {
  readonly code = 'customer_move_refused';
  readonly status = 409;
}

export interface CustomerMoveProgress {
  tenant: string;
  from: string;
  to: string;
  /** Users re-wrapped by this step. */
  moved: number;
  /** The index key is re-wrapped. */
  index_key_moved: boolean;
  done: boolean;
}

/**
 * Moves a tenant to another customer key (issue 14 §6), online and resumable: each step re-wraps
 * one page of users' data keys with KMS ReEncrypt (the plaintext keys never leave KMS) from the
 * old customer's key and context to the new one's, and records how far it got in the tenant row,
 * so a step that dies is simply run again. While it runs, reads try both keys and new users get
 * keys under the new one (EncryptedUserStore); the last step binds the tenant to the new customer.
 */
export class CustomerMove {
  constructor(
    private readonly deps: {
      store: IdentityStore;
      records: SealedUserRecords;
      keys: KeyProvider;
      customers: Customers;
      /** After each step: drop cached tenant profiles, so every read sees the move. */
      onChanged(tenantId: string): void;
    },
  ) {}

  async step(tenantId: string, to: string, batch: number, audit?: UnchainedAuditEvent): Promise<CustomerMoveProgress> {
    const { store, records, keys, customers } = this.deps;
    const tenant = await store.findTenantProfile(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    customers.check(to);
    const from = tenant.customer ?? tenantId;
    if (tenant.move && tenant.move.customer !== to) throw new CustomerMoveRefused(`tenant "${tenantId}" is moving to customer "${tenant.move.customer}"; finish that move first`);
    if (!tenant.move && from === to && tenant.customer !== null) throw new CustomerMoveRefused(`tenant "${tenantId}" is already with customer "${to}"`);
    let move = tenant.move ?? { customer: to, kmsKeyAlias: customers.keyAlias(to), indexKeyMoved: false, after: '' };
    if (!tenant.move) {
      await store.updateTenant(tenantId, { move }, audit);
      this.deps.onChanged(tenantId);
    }
    const target = { customer: to };
    if (!move.indexKeyMoved) {
      const index = await records.indexKey(tenantId);
      if (index) {
        const moved = await keys.reWrapDataKey(index.wrapped, indexKeyContext({ customer: from }, tenantId), index.keyId, move.kmsKeyAlias, indexKeyContext(target, tenantId));
        await records.replaceIndexKey(tenantId, moved);
      }
      move = { ...move, indexKeyMoved: true };
      await store.updateTenant(tenantId, { move });
    }
    const page = await records.listForRewrap(tenantId, { after: move.after, limit: batch });
    for (const user of page) {
      let moved;
      try {
        moved = await keys.reWrapDataKey(user.dataKey.wrapped, userKeyContext({ customer: from }, tenantId, user.id), user.dataKey.keyId, move.kmsKeyAlias, userKeyContext(target, tenantId, user.id));
      } catch (error) {
        // A user created during the move (or re-wrapped by a step that died before saving its
        // cursor) already has its key under the new customer: leave it.
        if (isInvalidCiphertext(error) && (await this.#underTarget(user, tenantId, to))) continue;
        throw error;
      }
      await records.replaceDataKey(tenantId, user.id, moved);
    }
    const last = page[page.length - 1];
    const done = page.length < batch;
    if (done) {
      await store.updateTenant(tenantId, { move: null, customer: { customer: to, kmsKeyAlias: move.kmsKeyAlias } });
    } else {
      await store.updateTenant(tenantId, { move: { ...move, after: last!.id } });
    }
    this.deps.onChanged(tenantId);
    return { tenant: tenantId, from, to, moved: page.length, index_key_moved: true, done };
  }

  /** Whether the wrapped key already opens under the target customer's context. */
  async #underTarget(user: { id: string; dataKey: { wrapped: Buffer; keyId: string } }, tenantId: string, to: string): Promise<boolean> {
    try {
      (await this.deps.keys.decryptDataKey(user.dataKey.wrapped, userKeyContext({ customer: to }, tenantId, user.id), user.dataKey.keyId)).fill(0);
      return true;
    } catch {
      return false;
    }
  }
}

function isInvalidCiphertext(error: unknown): boolean {
  return error instanceof RuntimeError && error.code === 'key_unavailable' && (error as { reason?: string }).reason === 'invalid_ciphertext';
}
