import type { ClientDirectory } from '../clients/client-directory';
import { jwksDocument, jwksPurpose } from '../clients/client-jwks';
import type { SigningKeySealer } from '../keys/signing-key-sealer';
import type { ClientRegistration } from '../clients/client-registration';
import { registerClient } from '../clients/client-registration';
import type { SecretHasher } from '../clients/secret-hasher';
import { InvalidRequest } from '../errors/oauth-errors';
import { PresetClientConflict } from '../errors/operator-errors';
import { ClientExists, ClientNotFound, InvalidClientMetadata, TenantExists } from '../errors/resource-errors';
import type { UnchainedAuditEvent } from '../audit/audit-event';
import { SecretHasher as Secrets } from '../clients/secret-hasher';
import type { KeyRotation } from '../keys/key-rotation';
import { generateRsaSigningKey } from '../keys/rsa-key';
import type { RsaSigningKey } from '../keys/rsa-key';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { ClientChange, IdentityStore, StoredClient, TenantSummary } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { normalizeDisplayName } from './display-name';
import { isTenantId, TENANT_ID } from '../identifiers/tenant-id';

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
      /** The brand's customers, and their keys' aliases. */
      customers: Customers;
      /** Attests registered client JWKS. */
      sealer: SigningKeySealer;
    },
  ) {}

  /**
   * A tenant starts with an active key and, already published, the next one, so its first
   * rotation can happen without first waiting for a new key to propagate.
   */
  async createTenant(
    tenantId: string,
    options: { activeKey?: RsaSigningKey; displayName?: string; customer?: string } = {},
    audit?: UnchainedAuditEvent,
  ): Promise<{ active: string; next: string }> {
    if (!isTenantId(tenantId)) throw new InvalidRequest(`tenant id must match ${TENANT_ID}`);
    const displayName = options.displayName === undefined ? tenantId : normalizeDisplayName(options.displayName);
    const customer = options.customer === undefined ? null : this.deps.customers.check(options.customer);
    const kmsKeyAlias = customer === null ? null : this.deps.customers.keyAlias(customer);
    // Cheap refusal before ~100 ms of key generation; the store's transaction still decides races.
    if (await this.deps.store.findSigningKeys(tenantId)) throw new TenantExists(tenantId);
    const [active, next] = await Promise.all([options.activeKey ?? generateRsaSigningKey(), generateRsaSigningKey()]);
    const at = new Date(this.deps.clock.now());
    await this.deps.store.createTenant(
      tenantId,
      { active: await this.deps.rotation.storedKey(tenantId, active, 'active', at), next: await this.deps.rotation.storedKey(tenantId, next, 'next', at) },
      at,
      { displayName, customer, kmsKeyAlias },
      audit,
    );
    this.deps.keyring.invalidate(tenantId);
    return { active: active.kid, next: next.kid };
  }

  /**
   * `presetSecret` exists for DEMO_CLIENT_SECRET only; the admin API always generates secrets.
   * The secret is returned once; the store keeps its keyed hash.
   */
  async createClient(
    tenantId: string,
    registration: ClientRegistration,
    presetSecret?: string,
    audit?: (clientId: string) => UnchainedAuditEvent,
  ): Promise<{ client: StoredClient; secret?: string }> {
    const registered = registerClient(tenantId, registration, this.deps.hasher, new Date(this.deps.clock.now()), presetSecret);
    // A registered JWKS verifies client assertions: attested, so a database write cannot swap it (issue 14 §7).
    if (registered.client.jwks) {
      registered.client.jwksAttestation = await this.deps.sealer.attestDocument(tenantId, jwksPurpose(registered.client.clientId), jwksDocument(registered.client.jwks));
    }
    await this.deps.store.createClient(registered.client, audit?.(registered.client.clientId));
    this.deps.clients.forget(tenantId, registered.client.clientId);
    return registered;
  }

  /**
   * The migration path for private_key_jwt clients from before issue 14: their JWKS get an
   * attestation now, trusting the database as it is at this first start. Returns how many.
   */
  async attestUnattestedClients(): Promise<number> {
    const clients = await this.deps.store.findClientsWithUnattestedJwks();
    for (const client of clients) {
      const jwksAttestation = await this.deps.sealer.attestDocument(client.tenantId, jwksPurpose(client.clientId), jwksDocument(client.jwks!));
      await this.deps.store.updateClient(client.tenantId, client.clientId, { jwksAttestation });
      this.deps.clients.forget(client.tenantId, client.clientId);
    }
    return clients.length;
  }

  /** A new generated secret replaces the old one at once (a leaked secret must stop working). Throws ClientNotFound. */
  async rotateClientSecret(tenantId: string, clientId: string, audit?: UnchainedAuditEvent): Promise<{ client: StoredClient; secret: string }> {
    const current = await this.deps.store.findClient(tenantId, clientId);
    if (!current) throw new ClientNotFound(clientId);
    if (current.secretHash === null) throw new InvalidClientMetadata(`a ${current.authMethod} client has no secret to rotate`);
    const secret = Secrets.generateSecret();
    const client = await this.deps.store.updateClient(tenantId, clientId, { secretHash: this.deps.hasher.hash(secret) }, audit);
    this.deps.clients.forget(tenantId, clientId);
    return { client, secret };
  }

  /** Disables, re-enables or re-authorises a client; this replica forgets its cached record at once. */
  async changeClient(tenantId: string, clientId: string, change: ClientChange, audit?: UnchainedAuditEvent): Promise<StoredClient> {
    const client = await this.deps.store.updateClient(tenantId, clientId, change, audit);
    this.deps.clients.forget(tenantId, clientId);
    return client;
  }

  async deleteClient(tenantId: string, clientId: string, audit?: UnchainedAuditEvent): Promise<void> {
    await this.deps.store.deleteClient(tenantId, clientId, audit);
    this.deps.clients.forget(tenantId, clientId);
  }

  /** Disables a tenant: it issues and publishes nothing (TenantKeyring), on this replica at once. */
  async disableTenant(tenantId: string, audit?: UnchainedAuditEvent): Promise<TenantSummary> {
    const tenant = await this.deps.store.updateTenant(tenantId, { disabledAt: new Date(this.deps.clock.now()) }, audit);
    this.deps.keyring.invalidate(tenantId);
    return tenant;
  }

  /**
   * Creates the tenant unless it exists; true when this call created it. Safe to run from every
   * replica at once: a concurrent creation (TenantExists) counts as present.
   */
  async ensureTenant(tenantId: string): Promise<boolean> {
    if (!isTenantId(tenantId)) throw new InvalidRequest(`tenant id must match ${TENANT_ID}`);
    if (await this.deps.store.findSigningKeys(tenantId)) return false;
    try {
      await this.createTenant(tenantId);
      return true;
    } catch (error) {
      if (error instanceof TenantExists) return false;
      throw error;
    }
  }

  /**
   * Creates a secret-based client with `secret` unless it exists; true when this call created it.
   * An existing client must accept `secret` with the registration's authentication method, else
   * PresetClientConflict: the runtime never replaces a stored client's credentials on its own.
   */
  async ensureClientWithSecret(tenantId: string, registration: ClientRegistration & { client_id: string }, secret: string): Promise<boolean> {
    const existing = await this.deps.store.findClient(tenantId, registration.client_id);
    if (existing === undefined) {
      try {
        await this.createClient(tenantId, registration, secret);
        return true;
      } catch (error) {
        if (!(error instanceof ClientExists)) throw error;
      }
    }
    const stored = existing ?? (await this.deps.store.findClient(tenantId, registration.client_id));
    const authMethod = registration.token_endpoint_auth_method ?? 'client_secret_basic';
    if (!stored || stored.authMethod !== authMethod) {
      throw new PresetClientConflict(tenantId, registration.client_id, `with authentication method ${stored?.authMethod ?? '(none)'}, not ${authMethod}`);
    }
    if (stored.secretHash === null || !this.deps.hasher.verify(secret, stored.secretHash)) {
      throw new PresetClientConflict(tenantId, registration.client_id, 'with another secret');
    }
    return false;
  }
}

/**
 * The brand's customers (issue 14 §1): the brand file's `customers` (lib/config/brand.ts), given
 * to the runtime as BRANDSTACK_CUSTOMERS, and the brand id that names their keys,
 * `alias/brandstack/<brand>/<customer>` (lib/config/naming.ts keyAlias). A tenant names its
 * customer at onboarding; the runtime refuses a customer the brand does not have.
 */
export class Customers {
  constructor(
    readonly brand: string,
    /** @default any customer id (npm start and the tests) */
    readonly allowed?: readonly string[],
  ) {}

  check(customer: string): string {
    if (!CUSTOMER_ID.test(customer)) throw new InvalidRequest('customer must be a customer id: lower-case letters, digits and hyphens, at most 63');
    if (this.allowed && !this.allowed.includes(customer)) throw new InvalidRequest(`customer "${customer}" is not one of this brand's customers: ${this.allowed.join(', ')}`);
    return customer;
  }

  keyAlias(customer: string): string {
    return `alias/brandstack/${this.brand}/${customer}`;
  }
}

/** As lib/config/brand.ts checks customer ids: a DNS-label alphabet, usable in a KMS alias. */
export const CUSTOMER_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
