import { createHmac } from 'node:crypto';

/**
 * A keyed blind index (issue 14 §3): HMAC-SHA-256 under the tenant's index key over the field
 * name and the value's comparison form. Equal values give equal indexes, so lookups and the
 * unique constraint work without the plaintext; without the key, an index reveals nothing a
 * dictionary could test (unlike an unkeyed hash of an e-mail address). One key per tenant: the
 * same e-mail address in two tenants gives unrelated indexes.
 */
export function blindIndex(indexKey: Buffer, field: string, comparisonForm: string): string {
  return createHmac('sha256', indexKey).update(`${field}\0${comparisonForm}`, 'utf8').digest('base64url');
}
