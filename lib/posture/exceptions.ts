/**
 * How a construct states, in the template, why a resource is deliberately not
 * under a customer-managed key. The posture reports the reason verbatim, and the
 * encryption rule accepts an AWS-owned or AWS-managed key only with one.
 * A stable home: constructs import this constant; nothing else of lib/posture.
 */

/** Template metadata key in which a resource states why it is not under a CMK. */
export const ENCRYPTION_EXCEPTION_METADATA = 'brandstack:encryption-exception';
