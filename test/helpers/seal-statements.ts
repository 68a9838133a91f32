/**
 * The IAM statements that let the runtime seal signing keys and attest documents with the
 * platform key, exactly as written out (not computed from SIGNING_KEY_SEAL_CONTEXTS): what the
 * tests of BrandKeys and IdentityWorkloads expect on the role.
 */
export function expectedSealStatements(platformKey: unknown): unknown[] {
  return [
    {
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: platformKey,
      Condition: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['brandstack:tenant', 'brandstack:kid', 'brandstack:purpose'] },
        StringLike: { 'kms:EncryptionContext:brandstack:purpose': ['signing-private-key', 'signing-public-key'] },
        Null: { 'kms:EncryptionContext:brandstack:tenant': 'false', 'kms:EncryptionContext:brandstack:kid': 'false' },
      },
    },
    {
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: platformKey,
      Condition: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['brandstack:tenant', 'brandstack:purpose'] },
        StringLike: { 'kms:EncryptionContext:brandstack:purpose': ['document:*'] },
        Null: { 'kms:EncryptionContext:brandstack:tenant': 'false' },
      },
    },
    { Effect: 'Allow', Action: 'kms:DescribeKey', Resource: platformKey },
  ];
}
