import { InvalidKeyRequest } from '../errors/key-errors';

/*
 * The forms of KeyId KMS accepts (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html#KMS-GenerateDataKey-request-KeyId),
 * less the bare key id: a key is named by its alias (what a tenant's customer names:
 * alias/brandstack/<brand>/<customer>) or by its full ARN (what GenerateDataKey answers and a
 * record stores), so a reference never depends on the account a client happens to default to.
 * Alias names: "alias/" then letters, digits, / _ -, at most 256 characters
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html#KMS-CreateAlias-request-AliasName).
 * Key ids: a UUID, or mrk- and 32 hex digits for multi-Region keys
 * (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html#mrk-id).
 */
const ALIAS_NAME = 'alias/[A-Za-z0-9/_-]{1,250}';
const KEY_ID = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
const ARN_PREFIX = 'arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\\d{1,2}:\\d{12}:';
const KEY_REF = new RegExp(`^(?:${ALIAS_NAME}|${ARN_PREFIX}(?:${ALIAS_NAME}|key/${KEY_ID}))$`);

export const KEY_REF_FORMS = 'an alias name (alias/...), an alias ARN or a key ARN (arn:aws:kms:<region>:<account>:key/<key id>)';

/** Refuses anything that is not an alias name, alias ARN or key ARN, naming the allowed forms. */
export function assertKeyRef(keyRef: unknown, field = 'keyRef'): asserts keyRef is string {
  if (typeof keyRef !== 'string' || !KEY_REF.test(keyRef)) {
    const got = typeof keyRef === 'string' ? `"${keyRef.slice(0, 300)}"` : typeof keyRef;
    throw new InvalidKeyRequest('keyRef', `${field} must be ${KEY_REF_FORMS}; got ${got}`);
  }
}

export function isKeyRef(keyRef: unknown): boolean {
  return typeof keyRef === 'string' && KEY_REF.test(keyRef);
}
