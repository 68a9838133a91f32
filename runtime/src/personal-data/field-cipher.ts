import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PersonalDataUnreadable } from '../errors/personal-data-errors';

/** Where a ciphertext belongs: the GCM AAD binds it to this tenant, user and field. */
export interface FieldPlace {
  tenant: string;
  user: string;
  field: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * One personal field under the user's data key: AES-256-GCM (NIST SP 800-38D) with a random
 * 96-bit IV, and AAD naming tenant, user and field, so a ciphertext copied into another row,
 * another user's row or another column fails authentication instead of decrypting
 * (issue 14 §2). Stored as base64url of `version(1) || iv(12) || ciphertext || tag(16)`.
 * A random IV per encryption stays far below the 2^32 invocations per key that SP 800-38D §8.3
 * allows: a user's key encrypts a handful of fields per change.
 */
export function sealField(key: Buffer, place: FieldPlace, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(place));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Throws PersonalDataUnreadable (naming the field, never the content) when it does not authenticate. */
export function openField(key: Buffer, place: FieldPlace, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new PersonalDataUnreadable(place.field, 'not a sealed field of this version');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(aad(place));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PersonalDataUnreadable(place.field, 'does not authenticate for this tenant, user and field');
  }
}

function aad(place: FieldPlace): Buffer {
  // NUL cannot occur in tenant ids, user ids or field names, so the encoding is unambiguous.
  return Buffer.from(`brandstack/personal-data/v${VERSION}\0${place.tenant}\0${place.user}\0${place.field}`, 'utf8');
}
