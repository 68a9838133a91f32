import { InvalidRequest, InvalidScope, InvalidTarget } from '../../../runtime/src/errors/oauth-errors';
import { parseFormBody } from '../../../runtime/src/oauth/form-body';
import { audienceFor } from '../../../runtime/src/oauth/resource-indicator';
import { grantedScopes } from '../../../runtime/src/oauth/scope';

const repeatable = new Set(['resource']);

describe('parseFormBody', () => {
  test('decodes HTML form encoding', () => {
    expect(parseFormBody('grant_type=client_credentials&scope=a+b%20c&resource=https%3A%2F%2Fx', repeatable)).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b c',
      resource: ['https://x'],
    });
  });

  test('collects repeatable parameters and refuses other repeats (RFC 6749 section 3.2)', () => {
    expect(parseFormBody('resource=a&resource=b', repeatable)).toEqual({ resource: ['a', 'b'] });
    expect(() => parseFormBody('scope=a&scope=b', repeatable)).toThrow(InvalidRequest);
  });

  test('treats empty values as omitted (RFC 6749 section 3.1) and ignores prototype names', () => {
    const parsed = parseFormBody('scope=&a&__proto__=x&constructor=y&&b=1', repeatable);
    expect(parsed).toEqual({ b: '1' });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  test('refuses malformed percent-encoding', () => {
    expect(() => parseFormBody('a=%E0%A4%A', repeatable)).toThrow(InvalidRequest);
    expect(() => parseFormBody('%zz=1', repeatable)).toThrow(InvalidRequest);
  });
});

describe('grantedScopes', () => {
  test('defaults to the registered scopes and grants requested subsets without duplicates', () => {
    expect(grantedScopes(undefined, ['a', 'b'])).toEqual(['a', 'b']);
    expect(grantedScopes('  ', ['a'])).toEqual(['a']);
    expect(grantedScopes('b a b', ['a', 'b'])).toEqual(['b', 'a']);
  });

  test('refuses unregistered or malformed scopes', () => {
    expect(() => grantedScopes('a c', ['a', 'b'])).toThrow(InvalidScope);
    expect(() => grantedScopes('a"b', ['a"b'])).toThrow(InvalidScope);
  });
});

describe('audienceFor', () => {
  const c = { resources: ['https://a.example', 'urn:example:b'], defaultResource: 'https://a.example' };
  test('defaults, single and multiple resources', () => {
    expect(audienceFor(undefined, c)).toBe('https://a.example');
    expect(audienceFor(['urn:example:b'], c)).toBe('urn:example:b');
    expect(audienceFor(['urn:example:b', 'https://a.example', 'urn:example:b'], c)).toEqual(['urn:example:b', 'https://a.example']);
  });
  test('refuses unregistered, relative and fragment resources with invalid_target', () => {
    for (const bad of ['https://c.example', 'relative', 'https://a.example#f']) expect(() => audienceFor([bad], c)).toThrow(InvalidTarget);
  });
});
