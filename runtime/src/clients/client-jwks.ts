import { canonicalJson } from '../audit/canonical-json';
import type { CanonicalValue } from '../audit/canonical-json';
import type { StoredClient } from '../store/identity-store';

/** What a client's JWKS attestation is over: its canonical JSON (PostgreSQL's jsonb reorders members). */
export function jwksDocument(jwks: NonNullable<StoredClient['jwks']>): Buffer {
  return Buffer.from(canonicalJson(jwks as unknown as CanonicalValue), 'utf8');
}

/** The attestation's purpose: bound to the client id, so it cannot be moved to another client. */
export function jwksPurpose(clientId: string): string {
  return `client-jwks:${clientId}`;
}
