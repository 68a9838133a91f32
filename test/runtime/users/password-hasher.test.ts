import { OWASP_ARGON2ID, PasswordHasher, parsePhc } from '../../../runtime/src/users/password-hasher';

describe('argon2id password hashing', () => {
  const hasher = new PasswordHasher();

  test('defaults to OWASP parameters (m=19456 KiB, t=2, p=1), recorded in the PHC string', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parsePhc(phc)).toEqual(OWASP_ARGON2ID);
  });

  test('the right password verifies, a wrong one does not, and salts differ', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, 'correct horse battery staple')).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(a, 'correct horse battery stapler')).toEqual({ ok: false, needsRehash: false });
  });

  test('no truncation: a difference at character 200 matters', async () => {
    const long = 'x'.repeat(199);
    const phc = await hasher.hash(`${long}a`);
    expect((await hasher.verify(phc, `${long}b`)).ok).toBe(false);
    expect((await hasher.verify(phc, `${long}a`)).ok).toBe(true);
  });

  test('NFKC-equivalent spellings verify (composed and decomposed accents)', async () => {
    const phc = await hasher.hash('crème brûlée for everyone');
    expect((await hasher.verify(phc, 'cre\u0300me bru\u0302le\u0301e for everyone')).ok).toBe(true);
  });

  test('a hash under other parameters verifies and asks for a rehash; a foreign format fails without throwing', async () => {
    const old = new PasswordHasher({ memoryKiB: 8192, iterations: 1, parallelism: 1 });
    const phc = await old.hash('correct horse battery staple');
    expect(await hasher.verify(phc, 'correct horse battery staple')).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(phc, 'wrong horse battery staple')).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.verify('$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234', 'x')).toEqual({ ok: false, needsRehash: true });
  });

  test('the dummy verification costs about as much as a real one', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    await hasher.verifyDummy('warm-up');
    const time = async (work: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = process.hrtime.bigint();
        await work();
        samples.push(Number(process.hrtime.bigint() - start));
      }
      return samples.sort((a, b) => a - b)[1]!;
    };
    const real = await time(() => hasher.verify(phc, 'some wrong password'));
    const dummy = await time(() => hasher.verifyDummy('some wrong password'));
    expect(dummy / real).toBeGreaterThan(0.5);
    expect(dummy / real).toBeLessThan(2);
  });
});
