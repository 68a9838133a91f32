/**
 * `brandstack smoke`: the identity runtime answers for one tenant. Discovery
 * (OpenID Connect Discovery 1.0 §4), then a client_credentials token (RFC 6749
 * §4.4) verified against the published JWKS as an RFC 9068 access token.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { expectation, VerificationUnavailable, type Expectation } from './expectation';

export interface SmokeTestOptions {
  /** Where the deployment under test answers: `https://<stack hostname>` (lib/config/naming.ts, stackHostname). */
  readonly baseUrl: string;
  /**
   * The runtime's ISSUER_BASE_URL; the tenant's issuer is `<issuer base>/t/<tenant>`. When it
   * differs from `baseUrl` (a production stack also serving the brand's public name), the token
   * and JWKS requests still go to `baseUrl`, so the deployment under test answers them, not
   * whichever region the public name's latency record picks.
   * @default baseUrl
   */
  readonly issuerBase?: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export async function runSmokeTest(options: SmokeTestOptions): Promise<Expectation[]> {
  const timeout = options.timeoutMs ?? 5000;
  const base = options.baseUrl.replace(/\/+$/, '');
  const issuerBase = (options.issuerBase ?? base).replace(/\/+$/, '');
  const issuer = `${issuerBase}/t/${options.tenant}`;
  const results: Expectation[] = [];
  /** The same path on the deployment under test, for an endpoint the metadata names under the issuer's origin. */
  const underTest = (url: string): string => {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    return parsed?.origin === new URL(issuerBase).origin ? `${new URL(base).origin}${parsed.pathname}${parsed.search}` : url;
  };

  const discoveryUrl = `${base}/t/${options.tenant}/.well-known/openid-configuration`;
  const discovery = await request(discoveryUrl, { signal: AbortSignal.timeout(timeout) });
  results.push(expectation(`discovery ${discoveryUrl} answers 200`, discovery.status === 200, discovery.status));
  const metadata = discovery.status === 200 ? await readJson(discovery) : undefined;
  // OIDC Discovery §4.3: the issuer in the document must equal the URL it was fetched under.
  results.push(expectation(`discovery issuer is ${issuer}`, metadata?.issuer === issuer, metadata?.issuer ?? 'no document'));
  if (metadata?.issuer !== issuer || typeof metadata.token_endpoint !== 'string' || typeof metadata.jwks_uri !== 'string') return results;

  // RFC 6749 §2.3.1: client_secret_basic form-urlencodes id and secret before base64.
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  const token = await request(underTest(metadata.token_endpoint), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(timeout),
  });
  const body = await readJson(token);
  const accessToken: unknown = body?.access_token;
  results.push(expectation(`client_credentials token issued to ${options.clientId}`, token.status === 200 && typeof accessToken === 'string', `${token.status} ${body?.error ?? ''}`.trim()));
  if (typeof accessToken !== 'string') return results;

  try {
    const jwks = createRemoteJWKSet(new URL(underTest(metadata.jwks_uri as string)), { timeoutDuration: timeout });
    const { payload } = await jwtVerify(accessToken, jwks, { issuer, typ: 'at+jwt' });
    results.push(expectation('access token verifies against the JWKS (RFC 9068 at+jwt, issuer)', true, 'verified'));
    results.push(expectation(`access token client_id is ${options.clientId}`, payload.client_id === options.clientId, payload.client_id));
  } catch (error) {
    results.push(expectation('access token verifies against the JWKS (RFC 9068 at+jwt, issuer)', false, `${(error as { code?: string }).code ?? (error as Error).name}: ${(error as Error).message}`));
  }
  return results;
}

async function readJson(response: Response): Promise<Record<string, any> | undefined> {
  const body: unknown = await response.json().catch(() => undefined);
  return typeof body === 'object' && body !== null ? (body as Record<string, any>) : undefined;
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    // fetch (undici) puts the socket error in `cause`, an AggregateError when several addresses were tried.
    const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).name;
    throw new VerificationUnavailable(`${new URL(url).origin} could not be reached (${reason}); nothing was verified.`);
  }
}
