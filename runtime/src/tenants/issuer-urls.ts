import { IssuerBaseUnknown } from '../errors/operator-errors';

/**
 * Each tenant is its own authorization server with issuer `<base>/t/<tenant>`. The base comes
 * from configuration (ISSUER_BASE_URL), never from the Host header, so a request cannot
 * choose the issuer that tokens and metadata carry.
 */
export class IssuerUrls {
  #base: string | undefined;

  constructor(base?: string) {
    if (base !== undefined) this.base = base;
  }

  /** Set once the listening address is known, when no base was configured. */
  set base(value: string) {
    this.#base = value.replace(/\/+$/, '');
  }

  get base(): string {
    if (this.#base === undefined) throw new IssuerBaseUnknown();
    return this.#base;
  }

  get configured(): boolean {
    return this.#base !== undefined;
  }

  issuer(tenantId: string): string {
    return `${this.base}/t/${tenantId}`;
  }

  endpoint(tenantId: string, name: 'token' | 'introspect' | 'revoke' | 'jwks'): string {
    return `${this.issuer(tenantId)}/${name}`;
  }
}
