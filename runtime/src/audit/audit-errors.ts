import { RuntimeError } from '../errors/runtime-error';

/**
 * A value offered to the audit builder was refused: it is not in the field's alphabet, or it
 * looks like personal data or a credential (an e-mail, a phone number, a JWT, a long secret).
 * It is a programming error in the caller, so it is the operator's (500), and the description
 * names the field but never repeats the value: the value may be exactly what must not be logged.
 */
export class AuditFieldRefused extends RuntimeError {
  readonly code = 'audit_field_refused';
  readonly status = 500;
  constructor(readonly field: string, reason: string) {
    super(`audit field "${field}" refused: ${reason}`);
  }
}

/** A query parameter of the audit API or store is unusable; the description names it and the allowed values. */
export class InvalidAuditQuery extends RuntimeError {
  readonly code = 'invalid_request';
  readonly status = 400;
  constructor(readonly parameter: string, description: string) {
    super(description);
  }
}

/**
 * The read side already holds a different event at this place in the tenant's chain: a forged
 * or corrupted message. The audit writer must not acknowledge it as recorded.
 */
export class AuditTrailConflict extends RuntimeError {
  readonly code = 'audit_trail_conflict';
  readonly status = 500;
  constructor(readonly tenant: string, readonly sequence: number) {
    super(`tenant "${tenant}" already has a different audit event at sequence ${sequence}`);
  }
}

/** A message on `audit.#` is not an audit event this runtime wrote; the description names the member. */
export class InvalidAuditEnvelope extends RuntimeError {
  readonly code = 'invalid_audit_envelope';
  readonly status = 500;
  constructor(readonly member: string, reason: string) {
    super(`audit message member "${member}" ${reason}`);
  }
}
