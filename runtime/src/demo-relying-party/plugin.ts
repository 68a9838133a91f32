import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { escapeHtml, messagePage, pageHeaders } from '../authorize/sign-in-page';

/**
 * `npm start` only: a minimal relying party on the same server, so a newcomer can watch the
 * authorization code flow end to end. `/demo/start` begins a flow (state, nonce and a PKCE pair
 * of its own, RFC 7636 §4.1–4.2); `/demo/callback` redeems the code server-side, as a
 * confidential web back end would (the client is public, so no secret is involved), and shows the
 * tokens with their decoded claims. Never registered by the production entrypoint.
 */
export interface DemoSettings {
  issuer: string;
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
}

export interface DemoRelyingPartyOptions {
  flows: DemoFlows;
  /** Known once the server listens and the public client exists; undefined before. */
  settings(): DemoSettings | undefined;
}

interface PendingFlow {
  verifier: string;
  nonce: string;
  /** ms; undefined: the printed authorize_url's flow, kept while the process runs. */
  expiresAt?: number;
}

const MAX_PENDING = 1000;
const FLOW_MS = 10 * 60 * 1000;

export class DemoFlows {
  readonly #pending = new Map<string, PendingFlow>();

  /** A new authorization request URL; `lasting` keeps its state reusable (the URL printed at start). */
  authorizeUrl(settings: DemoSettings, lasting = false): string {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value!);
    this.#pending.set(state, { verifier, nonce, ...(lasting ? {} : { expiresAt: Date.now() + FLOW_MS }) });
    const url = new URL(`${settings.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: settings.clientId,
      redirect_uri: settings.redirectUri,
      scope: settings.scope,
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  take(state: string): PendingFlow | undefined {
    const flow = this.#pending.get(state);
    if (!flow) return undefined;
    if (flow.expiresAt !== undefined) this.#pending.delete(state);
    if (flow.expiresAt !== undefined && flow.expiresAt < Date.now()) return undefined;
    return flow;
  }
}

export async function demoRelyingParty(app: FastifyInstance, options: DemoRelyingPartyOptions): Promise<void> {
  const page = (status: number, title: string, message: string) => messagePage({ status, title, message });

  app.get('/demo/start', async (_request, reply) => {
    const settings = options.settings();
    if (!settings) return reply.code(503).send();
    return reply.code(303).header('cache-control', 'no-store').header('location', options.flows.authorizeUrl(settings)).send();
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/demo/callback', async (request, reply) => {
    const settings = options.settings();
    if (!settings) return reply.code(503).send();
    const { code, state, error, error_description: description } = request.query;
    if (error !== undefined) {
      const rendered = page(400, 'The authorization server refused', `${error}: ${description ?? ''}`);
      return reply.code(rendered.status).headers(rendered.headers).send(rendered.html);
    }
    const flow = state === undefined ? undefined : options.flows.take(state);
    if (!flow || code === undefined) {
      const rendered = page(400, 'Unknown or expired sign-in', 'This callback does not belong to a sign-in this demo started. Open /demo/start to begin again.');
      return reply.code(rendered.status).headers(rendered.headers).send(rendered.html);
    }
    const response = await fetch(`${settings.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: settings.redirectUri, code_verifier: flow.verifier, client_id: settings.clientId }).toString(),
    });
    const tokens = (await response.json()) as Record<string, string | number | undefined>;
    if (!response.ok) {
      const rendered = page(400, 'The code exchange failed', `${String(tokens.error)}: ${String(tokens.error_description ?? '')}`);
      return reply.code(rendered.status).headers(rendered.headers).send(rendered.html);
    }
    const idClaims = typeof tokens.id_token === 'string' ? (claimsOf(tokens.id_token) as Record<string, unknown> | undefined) : undefined;
    const nonceOk = idClaims?.nonce === flow.nonce;
    const logout = new URL(`${settings.issuer}/logout`);
    if (typeof tokens.id_token === 'string') {
      logout.search = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: settings.postLogoutRedirectUri }).toString();
    }
    const nonce = randomBytes(16).toString('base64');
    const section = (title: string, value: unknown) => `<h2>${escapeHtml(title)}</h2><pre>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value, null, 2))}</pre>`;
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Signed in – demo relying party</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}pre{background:#f4f5f7;padding:1rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}a{color:#1d4ed8}</style></head>
<body><main>
<h1>Signed in</h1>
<p>The demo relying party redeemed the authorization code (with its PKCE verifier) at the token endpoint. ID token nonce ${nonceOk ? 'matches' : 'DOES NOT match'} the request.</p>
${idClaims ? section('ID token claims', idClaims) : ''}
${typeof tokens.access_token === 'string' ? section('Access token claims', claimsOf(tokens.access_token)) : ''}
${section('Token response', tokens)}
<p><a href="${escapeHtml(logout.toString())}">Sign out</a> · <a href="/demo/start">Sign in again</a></p>
</main></body></html>
`;
    return reply.code(200).headers(pageHeaders(nonce)).send(html);
  });

  app.get('/demo/signed-out', async (_request, reply) => {
    const rendered = messagePage({ status: 200, title: 'Signed out', message: 'You are signed out of the demo. Open /demo/start to sign in again.' });
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.html);
  });
}

/** The JWT's payload, unverified: for display only; the token came straight from the token endpoint over this server's own loopback. */
function claimsOf(jwt: string): unknown {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
