import { localPersonalData } from '../helpers/personal-data';
import { TenantNotFound } from '../../../runtime/src/errors/resource-errors';
import { InvalidUser, PasswordRejected, UserExists } from '../../../runtime/src/errors/user-errors';
import type { IdentityStore } from '../../../runtime/src/store/identity-store';
import { userStoreFor } from '../../../runtime/src/store/users/user-store-for';
import { PasswordHasher, parsePhc } from '../../../runtime/src/users/password-hasher';
import { PasswordPolicy } from '../../../runtime/src/users/password-policy';
import { UserDirectory } from '../../../runtime/src/users/user-directory';
import type { UserStore } from '../../../runtime/src/users/user-store';
import { ManualClock, STORE_KINDS } from '../helpers/harness';
import { createTenant, openStore } from './user-fixtures';

describe.each(STORE_KINDS)('user directory over the %s store', (kind) => {
  let identity: IdentityStore;
  let store: UserStore;
  let close: () => Promise<void>;
  let users: UserDirectory;
  const clock = new ManualClock();
  const hasher = new PasswordHasher();
  const at = () => new Date(clock.now());
  const PASSWORD = 'tulips in the rain at noon';

  beforeAll(async () => {
    ({ store: identity, close } = await openStore(kind));
    store = userStoreFor(identity, localPersonalData());
    await createTenant(identity, 'shop');
    await createTenant(identity, 'strict');
    users = new UserDirectory({
      store,
      hasher,
      clock,
      passwordPolicyFor: (tenant) => (tenant === 'strict' ? new PasswordPolicy({ minLength: 30 }) : new PasswordPolicy()),
    });
  });
  afterAll(() => close());

  test('create stores an argon2id hash, never the password, and returns the user without it', async () => {
    const user = await users.create('shop', { username: 'Alice', email: 'alice@example.com', password: PASSWORD, authorities: ['a', 'a', 'b'] });
    expect(user).toMatchObject({ tenantId: 'shop', username: 'Alice', status: 'active', authorities: ['a', 'b'] });
    expect(user.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(user)).not.toContain(PASSWORD);
    const stored = await store.findPassword('shop', user.id);
    expect(stored?.phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored?.phc).not.toContain(PASSWORD);
  });

  test('authenticate: success, unknown user, wrong password', async () => {
    const ok = await users.authenticate('shop', 'ALICE', PASSWORD, at());
    expect(ok).toMatchObject({ ok: true, rehashed: false, user: { username: 'Alice' } });
    expect(await users.authenticate('shop', 'nobody', PASSWORD, at())).toEqual({ ok: false, reason: 'unknown_user' });
    const wrong = await users.authenticate('shop', 'alice', `${PASSWORD}!`, at());
    expect(wrong).toMatchObject({ ok: false, reason: 'bad_password' });
    // Another tenant does not know Alice.
    expect(await users.authenticate('strict', 'alice', PASSWORD, at())).toEqual({ ok: false, reason: 'unknown_user' });
  });

  test("a disabled user is told 'disabled' only after the right password", async () => {
    const bob = await users.create('shop', { username: 'bob', password: PASSWORD });
    await users.disable('shop', bob.id);
    expect(await users.authenticate('shop', 'bob', PASSWORD, at())).toEqual({ ok: false, reason: 'disabled', userId: bob.id });
    expect(await users.authenticate('shop', 'bob', 'not the password at all', at())).toEqual({ ok: false, reason: 'bad_password', userId: bob.id });
    await users.update('shop', bob.id, { status: 'active' });
    expect((await users.authenticate('shop', 'bob', PASSWORD, at())).ok).toBe(true);
  });

  test('a user without a password cannot sign in', async () => {
    const carol = await users.create('shop', { username: 'carol' });
    expect(await users.authenticate('shop', 'carol', PASSWORD, at())).toEqual({ ok: false, reason: 'bad_password', userId: carol.id });
  });

  test('a hash under older parameters is replaced at the next successful sign-in, not at a failed one', async () => {
    const old = new UserDirectory({ store, hasher: new PasswordHasher({ memoryKiB: 8192, iterations: 1, parallelism: 1 }), clock });
    const dan = await old.create('shop', { username: 'dan', password: PASSWORD });
    const before = (await store.findPassword('shop', dan.id))!.phc;
    expect(parsePhc(before)).toEqual({ memoryKiB: 8192, iterations: 1, parallelism: 1 });

    expect((await users.authenticate('shop', 'dan', 'wrong wrong wrong wrong', at())).ok).toBe(false);
    expect((await store.findPassword('shop', dan.id))!.phc).toBe(before);

    expect(await users.authenticate('shop', 'dan', PASSWORD, at())).toMatchObject({ ok: true, rehashed: true });
    const after = (await store.findPassword('shop', dan.id))!.phc;
    expect(parsePhc(after)).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
    expect(await users.authenticate('shop', 'dan', PASSWORD, at())).toMatchObject({ ok: true, rehashed: false });
  });

  test("a refused password writes nothing and names the rule; the tenant's stricter minimum applies", async () => {
    await expect(users.create('shop', { username: 'erin', password: 'too short' })).rejects.toMatchObject({ code: 'invalid_password', rule: 'too_short' });
    expect(await store.findUserByUsername('shop', 'erin')).toBeUndefined();
    await expect(users.create('strict', { username: 'erin', password: PASSWORD })).rejects.toThrow(/at least 30 characters/);
    const erin = await users.create('shop', { username: 'erin', password: PASSWORD });
    await expect(users.setPassword('shop', erin.id, 'qwertyuiop12345')).rejects.toBeInstanceOf(PasswordRejected);
    expect((await users.authenticate('shop', 'erin', PASSWORD, at())).ok).toBe(true);
    await users.setPassword('shop', erin.id, 'a whole new sentence, really');
    expect((await users.authenticate('shop', 'erin', PASSWORD, at())).ok).toBe(false);
    expect((await users.authenticate('shop', 'erin', 'a whole new sentence, really', at())).ok).toBe(true);
  });

  test('invalid fields are refused naming the field; duplicates and unknown tenants are refused', async () => {
    const field = async (promise: Promise<unknown>) => {
      try {
        await promise;
        return 'accepted';
      } catch (error) {
        return error instanceof InvalidUser ? error.field : String(error);
      }
    };
    expect(await field(users.create('shop', { username: ' padded' }))).toBe('username');
    expect(await field(users.create('shop', { username: 'x', email: 'not-an-address' }))).toBe('email');
    expect(await field(users.create('shop', { username: 'x', phone: '555-0123' }))).toBe('phone');
    expect(await field(users.create('shop', { username: 'x', authorities: ['has space'] }))).toBe('authorities');
    expect(await store.findUserByUsername('shop', 'x')).toBeUndefined();
    await expect(users.create('shop', { username: 'ALICE' })).rejects.toBeInstanceOf(UserExists);
    await expect(users.create('ghost', { username: 'alice' })).rejects.toBeInstanceOf(TenantNotFound);
  });
});
