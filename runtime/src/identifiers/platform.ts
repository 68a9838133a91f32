/**
 * The platform tenant holds the platform's own administrators (issue 13 §1): its clients and users
 * may carry `platform:admin`, which reaches every tenant. It is an ordinary tenant otherwise, with
 * its own issuer `<base>/t/platform` and keys, so admin tokens are the runtime's own access tokens.
 */
export const PLATFORM_TENANT = 'platform';

/** The client bootstrapped in the platform tenant from PLATFORM_ADMIN_CLIENT_SECRET(_FILE). */
export const PLATFORM_ADMIN_CLIENT_ID = 'platform-admin';

/**
 * The bootstrap client's secret guards every tenant: shorter ones are refused at start-up.
 * 32 characters of letters and digits carry about 190 bits.
 */
export const MIN_PLATFORM_ADMIN_SECRET_LENGTH = 32;

/**
 * The admin API's resource indicator (RFC 8707 §2; an absolute URI, RFC 3986 §4.3): admin access
 * tokens carry it as `aud`, so a token minted for any other resource server is refused by /admin,
 * and an admin token is refused by every resource server that checks its own audience. A URN, not
 * a URL under the issuer base: the same on every replica and region, and before the runtime knows
 * the address it listens on.
 */
export const ADMIN_AUDIENCE = 'urn:brandstack:admin';
