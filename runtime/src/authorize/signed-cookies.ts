import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Cookies whose value the server wrote and can prove it wrote: base64url(JSON) "." base64url
 * (HMAC-SHA-256 over the cookie's name and the payload). Binding the name keeps a value of one
 * cookie from being replayed as another; the payload carries its own expiry and tenant.
 * The key is shared by all replicas (derived from KEY_ENCRYPTION_KEY in production).
 */
export class SignedCookies {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError('the cookie signing key must be at least 32 bytes');
    this.#key = createHmac('sha256', key).update('brandstack/authorize/cookie-signing/v1').digest();
  }

  seal(name: string, payload: { exp: number } & Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(name, body)}`;
  }

  /** The payload, or undefined when the value is forged, malformed or past `exp`. */
  open<T extends { exp: number }>(name: string, value: string | undefined, nowSeconds: number): T | undefined {
    if (value === undefined || value.length > 4096) return undefined;
    const dot = value.indexOf('.');
    if (dot < 0) return undefined;
    const body = value.slice(0, dot);
    const expected = Buffer.from(this.#mac(name, body));
    const presented = Buffer.from(value.slice(dot + 1));
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (payload === null || typeof payload !== 'object' || typeof (payload as { exp?: unknown }).exp !== 'number') return undefined;
    return (payload as T).exp > nowSeconds ? (payload as T) : undefined;
  }

  #mac(name: string, body: string): string {
    return createHmac('sha256', this.#key).update(`${name}\0${body}`).digest('base64url');
  }
}

/** The named cookie of a Cookie header (RFC 6265 §5.4); the first one when the browser sends several. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A Set-Cookie value: HttpOnly (no script reads it), SameSite=Lax (sent on the top-level
 * redirect from the client, not on cross-site POSTs), scoped to the tenant's path, and Secure
 * unless the issuer is http on a loopback host (RFC 6265bis §5.4.7 lets browsers treat loopback
 * as secure anyway, but `npm start` must work in every browser).
 */
export function setCookie(name: string, value: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  return [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** Whether cookies for this issuer need the Secure attribute: everything but http on loopback. */
export function needsSecureCookies(issuer: string): boolean {
  const url = new URL(issuer);
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return !(url.protocol === 'http:' && loopback);
}
