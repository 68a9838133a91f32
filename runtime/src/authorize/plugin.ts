import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PersonalDataKeyUnavailable } from '../errors/personal-data-errors';
import { TenantNotFound } from '../errors/resource-errors';
import { parseFormBody } from '../oauth/form-body';
import { signInLog } from '../sign-in-protection/sign-in-log';
import type { BlockDecision } from '../sign-in-protection/sign-in-guard';
import { verifyIdTokenHint } from '../tokens/id-token';
import { isTenantId } from '../identifiers/tenant-id';
import type { User } from '../users/user';
import { AuthorizationPageError, AuthorizationRedirectError } from './authorization-errors';
import { parseAuthorizationRequest, redirectTo } from './authorization-request';
import type { AuthorizationRequest, QueryParams } from './authorization-request';
import { issueAuthorizationCode } from './code-issuance';
import type { AuthorizeContext } from './context';
import { messagePage, SIGN_IN_MESSAGES, signInPage } from './sign-in-page';
import type { RenderedPage, SignInMessage } from './sign-in-page';
import { SESSION_COOKIE, TRANSACTION_COOKIE, TRANSACTION_SECONDS } from './sign-in-session';
import type { SignInSession, SignInTransaction } from './sign-in-session';
import { needsSecureCookies, readCookie, setCookie } from './signed-cookies';

type TenantRequest = FastifyRequest<{ Params: { tenant: string }; Querystring: QueryParams }>;

const FORM_LIMIT_BYTES = 8 * 1024;

/**
 * The authorization endpoint (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1.2), the hosted sign-in
 * page and RP-Initiated Logout 1.0. Everything here answers a browser, so errors are HTML pages
 * or redirects to a verified redirect URI, never JSON.
 */
export async function authorizeRoutes(app: FastifyInstance, ctx: AuthorizeContext): Promise<void> {
  // The sign-in form: the raw text, parsed in the handler so a malformed form becomes a message on
  // the page (after a 303), not a framework error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError | Error, request, reply) => answerError(ctx, error, request as TenantRequest, reply));

  const secure = (tenant: string) => needsSecureCookies(ctx.issuers.issuer(tenant));
  const cookie = (tenant: string, name: string, value: string, maxAgeSeconds: number) =>
    setCookie(name, value, { path: `/t/${tenant}`, maxAgeSeconds, secure: secure(tenant) });
  const nowSeconds = () => Math.floor(ctx.clock.now() / 1000);

  app.get('/t/:tenant/authorize', async (request: TenantRequest, reply) => {
    const tenant = await requireTenant(ctx, request.params.tenant);
    const { request: authorization } = await parseAuthorizationRequest(request.query, (clientId) => ctx.clients.findActive(tenant, clientId));

    const session = ctx.cookies.open<SignInSession>(SESSION_COOKIE, readCookie(request.headers.cookie, SESSION_COOKIE), nowSeconds());
    const user = session && session.tenant === tenant && !authorization.forceLogin ? await activeUser(ctx, tenant, session.sub) : undefined;
    const fresh = session !== undefined && (authorization.maxAge === undefined || nowSeconds() - session.authTime <= authorization.maxAge);
    if (user && fresh) {
      // OIDC Core §3.1.2.3: an existing authentication satisfies the request without a page.
      const code = await issueAuthorizationCode(ctx.store.grants, {
        tenantId: tenant,
        request: authorization,
        userId: user.id,
        authTime: new Date(session.authTime * 1000),
        at: new Date(ctx.clock.now()),
        grantSeconds: ctx.grantSeconds,
      });
      request.log.info({ event: 'authorization.code_issued', tenant, client_id: authorization.clientId, user_id: user.id, session: 'reused' }, 'authorization code issued');
      return reply.code(302).header('cache-control', 'no-store').header('location', successRedirect(ctx, tenant, authorization, code)).send();
    }
    if (authorization.noPrompt) {
      throw new AuthorizationRedirectError('login_required', 'the user is not signed in', authorization.redirectUri, authorization.state);
    }
    const transaction: SignInTransaction = { exp: nowSeconds() + TRANSACTION_SECONDS, tenant, csrf: randomBytes(32).toString('base64url'), request: authorization };
    return reply
      .code(303)
      .header('cache-control', 'no-store')
      .header('set-cookie', cookie(tenant, TRANSACTION_COOKIE, ctx.cookies.seal(TRANSACTION_COOKIE, { ...transaction }), TRANSACTION_SECONDS))
      .header('location', `${ctx.issuers.issuer(tenant)}/sign-in`)
      .send();
  });

  app.get('/t/:tenant/sign-in', async (request: TenantRequest, reply) => {
    const tenant = await requireTenant(ctx, request.params.tenant);
    const transaction = openTransaction(ctx, request, tenant, nowSeconds());
    const error = request.query.error;
    const message = typeof error === 'string' && error in SIGN_IN_MESSAGES ? (error as SignInMessage) : undefined;
    return send(
      reply,
      signInPage({ tenantName: await tenantName(ctx, tenant), clientId: transaction.request.clientId, csrf: transaction.csrf, message, redirectOrigin: new URL(transaction.request.redirectUri).origin }),
    );
  });

  app.post('/t/:tenant/sign-in', async (request: TenantRequest, reply) => {
    const tenant = await requireTenant(ctx, request.params.tenant);
    const signInPageUrl = `${ctx.issuers.issuer(tenant)}/sign-in`;
    let transaction: SignInTransaction;
    try {
      transaction = openTransaction(ctx, request, tenant, nowSeconds());
    } catch {
      // 303 after every POST: the page then explains that the sign-in expired (no form to retry).
      return reply.code(303).header('cache-control', 'no-store').header('location', signInPageUrl).send();
    }
    const back = (message: SignInMessage) => reply.code(303).header('cache-control', 'no-store').header('location', `${ctx.issuers.issuer(tenant)}/sign-in?error=${message}`).send();

    let form: Record<string, string | string[]>;
    try {
      form = parseFormBody(typeof request.body === 'string' ? request.body : '', new Set());
    } catch {
      return back('malformed');
    }
    // The synchronizer token (OWASP CSRF Prevention Cheat Sheet): the form must echo the value
    // bound to this browser's sign-in cookie. Checked before anything is counted or changed.
    const csrf = form.csrf;
    if (typeof csrf !== 'string' || !sameText(csrf, transaction.csrf)) {
      request.log.warn({ event: 'sign_in.csrf_rejected', tenant, client_id: transaction.request.clientId }, 'sign-in form with a wrong CSRF token');
      return back('csrf');
    }
    const { username, password } = form;
    if (typeof username !== 'string' || typeof password !== 'string') return back('missing_fields');

    const ip = ctx.clientIpOf(request);
    const at = new Date(ctx.clock.now());
    const account = username;
    const block = await ctx.guard.check(tenant, ip, at);
    if (block.blocked) {
      signInLog(request.log, ctx.pseudonyms, { tenantId: tenant, ip, outcome: 'blocked', reason: 'ip_blocked', account, clientId: transaction.request.clientId });
      return send(reply, blockedPage(await tenantName(ctx, tenant), block), block);
    }
    const subject = { tenantId: tenant, ip, accountKey: ctx.pseudonyms.of(tenant, username), kind: 'sign_in' as const };
    // Per account: a progressive delay, never a lockout someone elsewhere could trigger.
    const delayMs = await ctx.guard.accountDelayMs(tenant, subject.accountKey, at);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));

    const result = await ctx.users.authenticate(tenant, username, password, at);
    if (!result.ok) {
      const decision = await ctx.guard.recordFailure(subject, at);
      signInLog(request.log, ctx.pseudonyms, { tenantId: tenant, ip, outcome: 'failure', reason: result.reason, account, userId: result.userId, clientId: transaction.request.clientId });
      if (decision.blocked) return send(reply, blockedPage(await tenantName(ctx, tenant), decision), decision);
      return back('invalid_credentials');
    }
    await ctx.guard.recordSuccess(subject, at);
    signInLog(request.log, ctx.pseudonyms, { tenantId: tenant, ip, outcome: 'success', reason: 'ok', account, userId: result.user.id, clientId: transaction.request.clientId });

    const authorization = transaction.request;
    // The client could have been removed while the page was open; its redirect URI is re-checked.
    const client = await ctx.clients.findActive(tenant, authorization.clientId);
    if (!client || !client.redirectUris.includes(authorization.redirectUri)) {
      throw new AuthorizationPageError('invalid_client', 'The application that sent you here is no longer registered.');
    }
    const code = await issueAuthorizationCode(ctx.store.grants, { tenantId: tenant, request: authorization, userId: result.user.id, authTime: at, at, grantSeconds: ctx.grantSeconds });
    request.log.info({ event: 'authorization.code_issued', tenant, client_id: authorization.clientId, user_id: result.user.id, session: 'new' }, 'authorization code issued');
    const session: SignInSession = { exp: nowSeconds() + ctx.sessionSeconds, tenant, sub: result.user.id, authTime: Math.floor(at.getTime() / 1000) };
    return reply
      .code(303)
      .header('cache-control', 'no-store')
      .header('set-cookie', [
        cookie(tenant, SESSION_COOKIE, ctx.cookies.seal(SESSION_COOKIE, { ...session }), ctx.sessionSeconds),
        // The transaction is spent: a second POST of the same form finds no request to answer.
        cookie(tenant, TRANSACTION_COOKIE, '', 0),
      ])
      .header('location', successRedirect(ctx, tenant, authorization, code))
      .send();
  });

  /**
   * OpenID Connect RP-Initiated Logout 1.0 §2–§3: ends the session at this OP, then returns to a
   * post_logout_redirect_uri only when it is registered for the client the id_token_hint (or
   * client_id) names.
   */
  app.get('/t/:tenant/logout', async (request: TenantRequest, reply) => {
    const tenant = await requireTenant(ctx, request.params.tenant);
    const query = request.query;
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) throw new AuthorizationPageError('invalid_request', `The sign-out request repeats the parameter ${name}.`);
    }
    const hint = query.id_token_hint as string | undefined;
    const target = query.post_logout_redirect_uri as string | undefined;
    let clientId = query.client_id as string | undefined;
    if (hint !== undefined) {
      const keys = await ctx.keyring.get(tenant);
      const claims = keys && verifyIdTokenHint(hint, keys, ctx.issuers.issuer(tenant));
      if (!claims) throw new AuthorizationPageError('invalid_request', 'The sign-out request carries an id_token_hint this service did not issue.');
      if (clientId !== undefined && clientId !== claims.aud) throw new AuthorizationPageError('invalid_request', 'client_id does not match the id_token_hint.');
      clientId = claims.aud;
    }
    let location: string | undefined;
    if (target !== undefined) {
      if (clientId === undefined) throw new AuthorizationPageError('invalid_request', 'post_logout_redirect_uri needs an id_token_hint or a client_id.');
      const client = await ctx.clients.findActive(tenant, clientId);
      if (!client || !client.postLogoutRedirectUris.includes(target)) {
        throw new AuthorizationPageError('invalid_request', 'The post_logout_redirect_uri is not registered for this application.');
      }
      location = redirectTo(target, { state: query.state as string | undefined });
    }
    const session = ctx.cookies.open<SignInSession>(SESSION_COOKIE, readCookie(request.headers.cookie, SESSION_COOKIE), nowSeconds());
    request.log.info({ event: 'session.ended', tenant, client_id: clientId, user_id: session?.tenant === tenant ? session.sub : undefined }, 'signed out');
    reply.header('set-cookie', [cookie(tenant, SESSION_COOKIE, '', 0), cookie(tenant, TRANSACTION_COOKIE, '', 0)]);
    if (location !== undefined) return reply.code(303).header('cache-control', 'no-store').header('location', location).send();
    return send(reply, messagePage({ status: 200, title: 'Signed out', tenantName: await tenantName(ctx, tenant), message: 'You are signed out. You can close this window.' }));
  });
}

/** The tenant's display name titles its pages (tenants/display-name.ts); its id when it has none. */
async function tenantName(ctx: AuthorizeContext, tenantId: string): Promise<string> {
  return (await ctx.tenantProfiles.get(tenantId))?.displayName ?? tenantId;
}

async function requireTenant(ctx: AuthorizeContext, tenantId: string): Promise<string> {
  if (!isTenantId(tenantId) || !(await ctx.keyring.get(tenantId))) throw new TenantNotFound(tenantId);
  return tenantId;
}

async function activeUser(ctx: AuthorizeContext, tenantId: string, userId: string): Promise<User | undefined> {
  const user = await ctx.users.get(tenantId, userId).catch(() => undefined);
  return user?.status === 'active' ? user : undefined;
}

function openTransaction(ctx: AuthorizeContext, request: TenantRequest, tenant: string, nowSeconds: number): SignInTransaction {
  const transaction = ctx.cookies.open<SignInTransaction>(TRANSACTION_COOKIE, readCookie(request.headers.cookie, TRANSACTION_COOKIE), nowSeconds);
  if (!transaction || transaction.tenant !== tenant) {
    throw new AuthorizationPageError('sign_in_expired', 'This sign-in page has expired or was opened without a request from an application. Return to the application and sign in again.');
  }
  return transaction;
}

/** RFC 6749 §4.1.2 with RFC 9207's iss, so a client talking to several servers knows which answered. */
function successRedirect(ctx: AuthorizeContext, tenant: string, request: AuthorizationRequest, code: string): string {
  return redirectTo(request.redirectUri, { code, state: request.state, iss: ctx.issuers.issuer(tenant) });
}

function blockedPage(displayName: string, block: Extract<BlockDecision, { blocked: true }>): RenderedPage {
  const minutes = Math.max(1, Math.ceil(block.retryAfterSeconds / 60));
  return messagePage({
    status: 429,
    title: 'Too many failed sign-ins',
    tenantName: displayName,
    message: `Sign-in from your network is paused after too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  });
}

function send(reply: FastifyReply, page: RenderedPage, block?: BlockDecision): FastifyReply {
  // RFC 6585 §4: a 429 may say when to come back.
  if (block?.blocked) reply.header('retry-after', String(block.retryAfterSeconds));
  return reply.code(page.status).headers(page.headers).send(page.html);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function answerError(ctx: AuthorizeContext, error: FastifyError | Error, request: TenantRequest, reply: FastifyReply): FastifyReply {
  const tenant = request.params?.tenant;
  if (error instanceof AuthorizationRedirectError) {
    request.log.warn({ event: 'authorization.rejected', tenant, reason: error.code, description: error.description }, 'authorization request rejected');
    const location = redirectTo(error.redirectUri, { error: error.code, error_description: error.description, state: error.state, iss: ctx.issuers.issuer(tenant) });
    return reply.code(302).header('cache-control', 'no-store').header('location', location).send();
  }
  if (error instanceof AuthorizationPageError) {
    request.log.warn({ event: 'authorization.rejected', tenant, reason: error.code, description: error.description, detail: error.detail }, 'authorization request rejected');
    return send(reply, messagePage({ status: error.status, title: 'Sign-in cannot continue', tenantName: tenant, message: error.description }));
  }
  if (error instanceof TenantNotFound) {
    return send(reply, messagePage({ status: 404, title: 'Unknown organisation', message: `There is no organisation "${error.tenantId.slice(0, 64)}" here.` }));
  }
  if (error instanceof PersonalDataKeyUnavailable) {
    // The tenant's customer key is disabled or unreachable (issue 14 §5): said plainly, and retried later; never garbage.
    request.log.error({ err: error, tenant }, 'sign-in unavailable: the customer key is unavailable');
    return send(reply.header('retry-after', '30'), messagePage({ status: 503, title: 'Sign-in is unavailable', message: 'Sign-in for this organisation is temporarily unavailable. Please try again later.' }));
  }
  const fastifyError = error as FastifyError;
  if (request.method === 'POST' && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500 && tenant !== undefined && isTenantId(tenant)) {
    // A body that is not a form, or too large: back to the page with a message (303 after a POST).
    return reply.code(303).header('cache-control', 'no-store').header('location', `${ctx.issuers.issuer(tenant)}/sign-in?error=malformed`).send();
  }
  request.log.error({ err: error, tenant }, 'sign-in request failed unexpectedly');
  return send(reply, messagePage({ status: 500, title: 'Something went wrong', message: 'Sign-in could not be completed. Please try again later.' }));
}
