/**
 * Evaluates the IAM condition operators brandstack's KMS statements use, against the request
 * context KMS builds from an encryption context, so tests state what a statement lets through
 * rather than only how it is spelled. Semantics from the IAM User Guide:
 * - StringEquals: the request has the key and its value is one of the policy's values;
 *   StringLike the same with `*` (any run of characters) and `?` (one) as wildcards
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String);
 * - ForAllValues:StringEquals: every value of the request's key is one of the policy's values;
 *   true when the request has no value for the key
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html);
 * - Null: `"true"` requires the key absent, `"false"` present
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null);
 * - operators and keys of one Condition block are ANDed; values of one key are ORed.
 * KMS puts each pair of the encryption context in `kms:EncryptionContext:<key>` and the keys in
 * the multi-valued `kms:EncryptionContextKeys`
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context).
 * Any other operator fails the evaluation loudly, so a statement using one is not silently judged.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

/** The condition keys of a KMS request made with `encryptionContext` (plus any other keys, e.g. kms:ViaService). */
export function kmsRequestContext(encryptionContext: Readonly<Record<string, string>>, other: RequestContext = {}): RequestContext {
  const keys = Object.keys(encryptionContext);
  return {
    ...Object.fromEntries(keys.map((key) => [`kms:EncryptionContext:${key}`, encryptionContext[key]!])),
    ...(keys.length ? { 'kms:EncryptionContextKeys': keys } : {}),
    ...other,
  };
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

/** Whether a statement's Condition block (CloudFormation JSON) holds for a request. */
export function conditionsHold(condition: Record<string, Record<string, unknown>> | undefined, request: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, byKey]) =>
    Object.entries(byKey).every(([key, expected]) => {
      const wanted = asList(expected);
      const actual = request[key] === undefined ? [] : asList(request[key]);
      switch (operator) {
        case 'StringEquals':
          return actual.length === 1 && wanted.includes(actual[0]!);
        case 'StringLike':
          return actual.length === 1 && wanted.some((pattern) => like(pattern, actual[0]!));
        case 'ForAllValues:StringEquals':
          return actual.every((value) => wanted.includes(value));
        case 'Null':
          if (wanted.length !== 1 || !['true', 'false'].includes(wanted[0]!)) throw new Error(`Null ${key}: expected "true" or "false", got ${JSON.stringify(expected)}`);
          return wanted[0] === 'true' ? actual.length === 0 : actual.length > 0;
        default:
          throw new Error(`conditionsHold: operator ${operator} is not modelled`);
      }
    }),
  );
}

/** IAM StringLike: `*` any run of characters, `?` one; case-sensitive. */
function like(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return regex.test(value);
}
