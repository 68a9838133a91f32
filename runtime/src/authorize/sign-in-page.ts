import { randomBytes } from 'node:crypto';

/**
 * The hosted pages: server-rendered HTML with no script and no third-party asset. Every value is
 * HTML-escaped; the only style is inline, allowed by a per-response CSP nonce.
 */
export interface RenderedPage {
  status: number;
  html: string;
  /** Headers every page carries (see pageHeaders). */
  headers: Record<string, string>;
}

/** Messages for the `error` query parameter of the sign-in page; unknown values show nothing. */
export const SIGN_IN_MESSAGES = {
  invalid_credentials: 'The username or password is incorrect.',
  missing_fields: 'Enter both your username and your password.',
  csrf: 'This form had expired or did not come from this page. Please sign in again.',
  malformed: 'The form could not be read. Please sign in again.',
} as const;
export type SignInMessage = keyof typeof SIGN_IN_MESSAGES;

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}
main{max-width:24rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px #0003}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{margin:.5rem 0}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.6rem;font-size:1rem;border:1px solid #6b7280;border-radius:.25rem}
button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:.25rem;background:#1d4ed8;color:#fff;cursor:pointer}
input:focus,button:focus{outline:3px solid #f59e0b;outline-offset:2px}
.error{color:#991b1b;background:#fee2e2;padding:.6rem;border-radius:.25rem}
.muted{color:#4b5563}
`;

/**
 * Headers of every hosted page:
 * - CSP (W3C CSP Level 3): nothing loads but the nonce'd inline style; no framing
 *   (`frame-ancestors 'none'`, clickjacking, RFC 6749 §10.13); forms post only to this page and
 *   to the redirect URI the POST's 303 leads to, since Chromium applies form-action to redirects;
 * - no-store: a page with a CSRF token or an error must not be cached (RFC 9111 §5.2.2.5);
 * - nosniff, and no Referer: the sign-in URL carries nothing secret, but the redirect target
 *   needs nothing from it either.
 */
export function pageHeaders(nonce: string, formTargets: readonly string[] = []): Record<string, string> {
  const formAction = ["'self'", ...formTargets].join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

export function signInPage(input: {
  /** The tenant's display name; the tenant id until tenants have one. */
  tenantName: string;
  clientId: string;
  csrf: string;
  message?: SignInMessage;
  /** The origin of the redirect URI the successful POST leads to. */
  redirectOrigin: string;
}): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const message = input.message ? SIGN_IN_MESSAGES[input.message] : undefined;
  const described = message ? ' aria-describedby="sign-in-error" aria-invalid="true"' : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in – ${escapeHtml(input.tenantName)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to ${escapeHtml(input.tenantName)}</h1>
<p class="muted">to continue to ${escapeHtml(input.clientId)}</p>
${message ? `<p class="error" id="sign-in-error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="sign-in">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`;
  return { status: 200, html, headers: pageHeaders(nonce, [input.redirectOrigin]) };
}

/** A page that explains and offers no way on: errors that must not redirect, blocks, sign-out. */
export function messagePage(input: { status: number; title: string; tenantName?: string; message: string }): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const title = input.tenantName ? `${input.title} – ${input.tenantName}` : input.title;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(input.title)}</h1>
<p${input.status >= 400 ? ' role="alert"' : ''}>${escapeHtml(input.message)}</p>
</main>
</body>
</html>
`;
  return { status: input.status, html, headers: pageHeaders(nonce) };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
