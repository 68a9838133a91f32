/**
 * A configuration error: bad context, an unknown brand or region, a malformed
 * brand file. The CDK app prints only its message and exits non-zero before
 * anything is synthesized, so no template is half-written.
 */
export class BrandConfigError extends Error {
  readonly code = 'ERR_BRAND_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'BrandConfigError';
  }
}
