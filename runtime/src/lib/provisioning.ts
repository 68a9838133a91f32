import type { IdentityStore, StoredClient } from '../store/identity-store';
import type { ClientDirectory } from './client-directory';
import type { ClientRegistration } from './client-registration';
import { registerClient } from './client-registration';
import type { Clock } from './clock';
import { InvalidRequest, TenantExists } from './errors';
import type { KeyRotation } from './key-rotation';
import { generateRsaSigningKey } from './rsa-key';
import type { RsaSigningKey } from './rsa-key';
import type { SecretHasher } from './secret-hasher';
import { isTenantId, TENANT_ID } from './tenant-id';
import type { TenantKeyring } from './tenant-keyring';

/**
 * The admin operations that create things: tenants with their own keys, and clients with
 * generated secrets. Inputs are validated completely before the store is touched, and each
 * creation is one store transaction, so a rejected request leaves nothing behind.
 */
export class Provisioning {
  constructor(
    private readonly deps: {
      store: IdentityStore;
      hasher: SecretHasher;
      clients: ClientDirectory;
      keyring: TenantKeyring;
      rotation: KeyRotation;
      clock: Clock;
    },
  ) {}

  /**
   * A tenant starts with an active key and, already published, the next one, so its first
   * rotation can happen without first waiting for a new key to propagate.
   */
  async createTenant(tenantId: string, options: { activeKey?: RsaSigningKey } = {}): Promise<{ active: string; next: string }> {
    if (!isTenantId(tenantId)) throw new InvalidRequest(`tenant id must match ${TENANT_ID}`);
    // Cheap refusal before ~100 ms of key generation; the store's transaction still decides races.
    if (await this.deps.store.findSigningKeys(tenantId)) throw new TenantExists(tenantId);
    const [active, next] = await Promise.all([options.activeKey ?? generateRsaSigningKey(), generateRsaSigningKey()]);
    const at = new Date(this.deps.clock.now());
    await this.deps.store.createTenant(
      tenantId,
      { active: this.deps.rotation.storedKey(tenantId, active, 'active', at), next: this.deps.rotation.storedKey(tenantId, next, 'next', at) },
      at,
    );
    this.deps.keyring.invalidate(tenantId);
    return { active: active.kid, next: next.kid };
  }

  /**
   * `presetSecret` exists for DEMO_CLIENT_SECRET only; the admin API always generates secrets.
   * The secret is returned once; the store keeps its keyed hash.
   */
  async createClient(tenantId: string, registration: ClientRegistration, presetSecret?: string): Promise<{ client: StoredClient; secret?: string }> {
    const registered = registerClient(tenantId, registration, this.deps.hasher, new Date(this.deps.clock.now()), presetSecret);
    await this.deps.store.createClient(registered.client);
    this.deps.clients.forget(tenantId, registered.client.clientId);
    return registered;
  }
}
