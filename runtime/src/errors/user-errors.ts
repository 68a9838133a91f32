import { RuntimeError } from './runtime-error';

/**
 * Client errors (4xx) about a tenant's end users: the admin API answers them as
 * `{ error: code, error_description: description }`. None of them ever carries a password.
 */

export class UserNotFound extends RuntimeError {
  readonly code = 'user_not_found';
  readonly status = 404;
  constructor(readonly userId: string) {
    super(`user "${userId}" does not exist in this tenant`);
  }
}

/** Usernames are unique per tenant, compared case-insensitively after NFKC normalisation. */
export class UserExists extends RuntimeError {
  readonly code = 'user_exists';
  readonly status = 409;
  constructor() {
    // The username is not echoed: the caller sent it, and the log should not collect it.
    super('a user with this username already exists in this tenant');
  }
}

/** A user field carries an invalid value; the description names the field and what is allowed. */
export class InvalidUser extends RuntimeError {
  readonly code = 'invalid_user';
  readonly status = 400;
  constructor(readonly field: string, description: string) {
    super(description);
  }
}

/** The rule of NIST SP 800-63B rev. 4 §3.1.1.2 (or the tenant's stricter minimum) a password broke. */
export type PasswordRule = 'too_short' | 'too_long' | 'blocklisted' | 'repetitive' | 'matches_username' | 'invalid_characters';

/** A new password was refused. `rule` says which rule, and the description says it in words (never echoing the password). */
export class PasswordRejected extends RuntimeError {
  readonly code = 'invalid_password';
  readonly status = 400;
  constructor(readonly rule: PasswordRule, description: string) {
    super(description, { detail: rule });
  }
}

/** A tenant's password policy would fall below the floor this service enforces. */
export class InvalidPasswordPolicy extends RuntimeError {
  readonly code = 'invalid_password_policy';
  readonly status = 400;
}
