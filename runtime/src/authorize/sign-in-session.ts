/**
 * The two cookies of the hosted sign-in, both signed (SignedCookies), HttpOnly, SameSite=Lax and
 * scoped to `/t/<tenant>`:
 * - the sign-in transaction: the validated authorization request waiting for the user, and the
 *   CSRF token the form must echo (the synchronizer-token pattern bound to this cookie);
 * - the session: who signed in and when, so a later request can skip the page (unless
 *   prompt=login or max_age says otherwise).
 */
import type { AuthorizationRequest } from './authorization-request';

export const TRANSACTION_COOKIE = 'bs_sign_in';
export const SESSION_COOKIE = 'bs_session';

/** How long the user has to complete the page. */
export const TRANSACTION_SECONDS = 15 * 60;

export interface SignInTransaction {
  exp: number;
  /** The tenant the cookie was made for; a cookie is never accepted for another one. */
  tenant: string;
  csrf: string;
  request: AuthorizationRequest;
}

export interface SignInSession {
  exp: number;
  tenant: string;
  /** The user's id. */
  sub: string;
  /** Epoch seconds of the authentication (OIDC Core auth_time). */
  authTime: number;
}
