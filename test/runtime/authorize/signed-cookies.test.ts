import { randomBytes } from 'node:crypto';
import { needsSecureCookies, readCookie, SignedCookies, setCookie } from '../../../runtime/src/authorize/signed-cookies';
import { escapeHtml, signInPage } from '../../../runtime/src/authorize/sign-in-page';
import { verifiesS256 } from '../../../runtime/src/authorize/pkce';

describe('signed cookies', () => {
  const cookies = new SignedCookies(randomBytes(32));
  const value = cookies.seal('bs_session', { exp: 2000, tenant: 'a', sub: 'u1' });

  test('a sealed value opens under its name until it expires', () => {
    expect(cookies.open('bs_session', value, 1000)).toEqual({ exp: 2000, tenant: 'a', sub: 'u1' });
    expect(cookies.open('bs_session', value, 2000)).toBeUndefined();
  });

  test('a changed payload, another name, another key or garbage does not open', () => {
    const [body, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ exp: 2000, tenant: 'a', sub: 'admin' })).toString('base64url');
    expect(cookies.open('bs_session', `${forged}.${mac}`, 1000)).toBeUndefined();
    expect(cookies.open('bs_sign_in', value, 1000)).toBeUndefined();
    expect(new SignedCookies(randomBytes(32)).open('bs_session', value, 1000)).toBeUndefined();
    expect(cookies.open('bs_session', `${body}.`, 1000)).toBeUndefined();
    expect(cookies.open('bs_session', 'no-dot', 1000)).toBeUndefined();
    expect(cookies.open('bs_session', undefined, 1000)).toBeUndefined();
  });

  test('a key below 32 bytes is refused', () => {
    expect(() => new SignedCookies(randomBytes(16))).toThrow(/at least 32 bytes/);
  });

  test('Set-Cookie attributes; Secure everywhere but http on loopback', () => {
    expect(setCookie('n', 'v', { path: '/t/a', maxAgeSeconds: 60, secure: true })).toBe('n=v; Path=/t/a; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
    expect(needsSecureCookies('http://127.0.0.1:8080/t/a')).toBe(false);
    expect(needsSecureCookies('http://localhost:8080/t/a')).toBe(false);
    expect(needsSecureCookies('https://id.example.com/t/a')).toBe(true);
    expect(needsSecureCookies('http://id.example.com/t/a')).toBe(true);
    expect(readCookie('a=1; bs_session=xyz; c=3', 'bs_session')).toBe('xyz');
  });
});

describe('hosted page rendering', () => {
  test('values are HTML-escaped', () => {
    expect(escapeHtml(`<script>"x"&'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;');
    const page = signInPage({ tenantName: '<b>t</b>', clientId: 'c', csrf: '"><x', redirectOrigin: 'https://app.example' });
    expect(page.html).not.toContain('<b>t</b>');
    expect(page.html).toContain('value="&quot;&gt;&lt;x"');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://app.example");
  });
});

describe('PKCE S256 (RFC 7636 appendix B)', () => {
  test('the RFC example verifies; anything else does not', () => {
    expect(verifiesS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(verifiesS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
    // plain: the verifier equal to the challenge must not pass.
    expect(verifiesS256('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
    expect(verifiesS256('short', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
  });
});
