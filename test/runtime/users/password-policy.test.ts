import { InvalidPasswordPolicy, PasswordRejected } from '../../../runtime/src/errors/user-errors';
import { COMMON_PASSWORDS } from '../../../runtime/src/users/common-passwords';
import { PasswordPolicy } from '../../../runtime/src/users/password-policy';

/** The rule a password breaks, or 'ok'. */
function verdict(policy: PasswordPolicy, password: string, username?: string): string {
  try {
    policy.check(password, { username });
    return 'ok';
  } catch (error) {
    if (error instanceof PasswordRejected) return error.rule;
    throw error;
  }
}

describe('password policy (NIST SP 800-63B rev. 4 section 3.1.1.2)', () => {
  const policy = new PasswordPolicy();

  test('at least 15 characters; 14 is refused with a description naming the rule', () => {
    expect(verdict(policy, 'correct horse b')).toBe('ok');
    expect(verdict(policy, 'correct horse ')).toBe('too_short');
    expect(() => policy.check('short')).toThrow(/at least 15 characters/);
  });

  test('no composition rules: lower-case letters only, or spaces inside, are fine', () => {
    expect(verdict(policy, 'lkjhgfdsamnbvcxz')).toBe('ok');
    expect(verdict(policy, 'my cat eats tulips')).toBe('ok');
  });

  test('at least 64 characters are accepted, up to 256, and longer is refused (never truncated)', () => {
    expect(verdict(policy, 'a long phrase about nothing in particular '.repeat(6).slice(0, 256))).toBe('ok');
    expect(verdict(policy, 'x'.repeat(10) + 'a long phrase about nothing in particular '.repeat(7))).toBe('too_long');
  });

  test('length counts Unicode code points after NFKC normalisation', () => {
    // 15 emoji are 30 UTF-16 units but 15 characters: accepted.
    expect(verdict(policy, '🦊🐙🦉🐢🦔🐝🦋🐌🐞🦀🐠🐬🦈🐊🦒')).toBe('ok');
    // 8 emoji are 16 UTF-16 units but 8 characters: refused.
    expect(verdict(policy, '🦊🐙🦉🐢🦔🐝🦋🐌')).toBe('too_short');
    // e + combining acute accent is 15 UTF-16 units, but composes to one code point under NFKC:
    // 14 characters, refused; with one more character, accepted.
    expect('cafe\u0301 au lait!!'.length).toBe(15);
    expect(verdict(policy, 'cafe\u0301 au lait!!')).toBe('too_short');
    expect(verdict(policy, 'cafe\u0301 au lait!!!')).toBe('ok');
  });

  test('commonly used passwords from the shipped list are refused, case-insensitively and after NFKC', () => {
    const long = COMMON_PASSWORDS.filter((p) => p.length >= 15);
    expect(long.length).toBeGreaterThan(30);
    expect(verdict(policy, 'qwertyuiop12345')).toBe('blocklisted');
    expect(verdict(policy, 'QWERTYUIOP12345')).toBe('blocklisted');
    // Full-width digits and letters normalise (NFKC) to the listed value.
    expect(verdict(policy, 'ｑｗｅｒｔｙｕｉｏｐ１２３４５')).toBe('blocklisted');
    for (const password of long.filter((p) => p.length <= 256)) expect(verdict(policy, password)).toBe('blocklisted');
  });

  test('a common password repeated, or a short unit repeated, is refused', () => {
    expect(verdict(policy, 'passwordpassword')).toBe('repetitive');
    expect(verdict(policy, 'aaaaaaaaaaaaaaa')).toBe('repetitive');
    expect(verdict(policy, 'abcabcabcabcabcabc')).toBe('repetitive');
    expect(verdict(policy, 'Dragon Dragon Dragon ')).toBe('ok'); // 7-character unit, not a listed one
  });

  test('the username itself is refused as password', () => {
    expect(verdict(policy, 'alice.wonderland@example.com', 'Alice.Wonderland@example.com')).toBe('matches_username');
  });

  test('control characters are refused', () => {
    expect(verdict(policy, 'a perfectly fine\npassword')).toBe('invalid_characters');
  });

  test('a tenant may raise the minimum but not lower it', () => {
    const strict = new PasswordPolicy({ minLength: 20 });
    expect(verdict(strict, 'correct horse battery')).toBe('ok');
    expect(verdict(strict, 'correct horse batter')).toBe('ok');
    expect(verdict(strict, 'correct horse batt')).toBe('too_short');
    expect(() => new PasswordPolicy({ minLength: 12 })).toThrow(InvalidPasswordPolicy);
    expect(() => new PasswordPolicy({ minLength: 12 })).toThrow(/minLength must be an integer of at least 15/);
    expect(() => new PasswordPolicy({ maxLength: 32 })).toThrow(/maxLength must be an integer of at least 64/);
  });
});
