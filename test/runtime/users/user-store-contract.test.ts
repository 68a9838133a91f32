import { localPersonalData } from '../helpers/personal-data';
import { TenantNotFound } from '../../../runtime/src/errors/resource-errors';
import { UserExists, UserNotFound } from '../../../runtime/src/errors/user-errors';
import type { IdentityStore } from '../../../runtime/src/store/identity-store';
import { userStoreFor } from '../../../runtime/src/store/users/user-store-for';
import type { StoredPassword, User } from '../../../runtime/src/users/user';
import type { UserStore } from '../../../runtime/src/users/user-store';
import { STORE_KINDS } from '../helpers/harness';
import { querySchema } from '../helpers/postgres';
import { createTenant, openStore } from './user-fixtures';

/** The UserStore contract, held by both implementations. */
describe.each(STORE_KINDS)('%s user store', (kind) => {
  let identity: IdentityStore;
  let users: UserStore;
  let schema: string | undefined;
  let close: () => Promise<void>;
  const t0 = new Date('2030-01-01T00:00:00Z');
  let seq = 0;

  const user = (tenantId: string, username: string, extra: Partial<User> = {}): User => ({
    tenantId,
    id: `u${++seq}`,
    username,
    email: `${username.toLowerCase()}@example.com`,
    name: 'A Name',
    phone: '+14155550123',
    status: 'active',
    authorities: ['orders:read'],
    createdAt: t0,
    updatedAt: t0,
    ...extra,
  });
  const password = (u: User, phc = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'): StoredPassword => ({ tenantId: u.tenantId, userId: u.id, phc, changedAt: t0 });

  beforeAll(async () => {
    ({ store: identity, schema, close } = await openStore(kind));
    users = userStoreFor(identity, localPersonalData());
    await createTenant(identity, 'one');
    await createTenant(identity, 'two');
  });
  afterAll(() => close());

  test('a created user is found by id and by username, case-insensitively and after NFKC', async () => {
    const alice = user('one', 'Alice');
    await users.createUser(alice, password(alice));
    expect(await users.findUserById('one', alice.id)).toEqual(alice);
    expect(await users.findUserByUsername('one', 'alice')).toEqual(alice);
    expect(await users.findUserByUsername('one', 'ALICE')).toEqual(alice);
    expect(await users.findUserByUsername('one', 'Ａｌｉｃｅ')).toEqual(alice); // full-width letters
    expect(await users.findPassword('one', alice.id)).toEqual(password(alice));
  });

  test('tenants are isolated: the same username in another tenant is another user', async () => {
    const inOne = user('one', 'bob');
    const inTwo = user('two', 'BOB');
    await users.createUser(inOne, null);
    await users.createUser(inTwo, null);
    expect((await users.findUserByUsername('two', 'bob'))?.id).toBe(inTwo.id);
    expect(await users.findUserById('two', inOne.id)).toBeUndefined();
    expect(await users.findPassword('one', inOne.id)).toBeUndefined();
  });

  test('a username taken case-insensitively is refused, and nothing is written', async () => {
    const first = user('one', 'carol');
    await users.createUser(first, null);
    const second = user('one', 'CAROL');
    await expect(users.createUser(second, password(second))).rejects.toBeInstanceOf(UserExists);
    expect(await users.findUserById('one', second.id)).toBeUndefined();
    expect(await users.findPassword('one', second.id)).toBeUndefined();
  });

  test('an unknown tenant is refused with TenantNotFound', async () => {
    const ghost = user('nope', 'dave');
    await expect(users.createUser(ghost, null)).rejects.toBeInstanceOf(TenantNotFound);
    expect(await users.findUserById('nope', ghost.id)).toBeUndefined();
  });

  test('updates change the fields and the username; a taken username is refused and changes nothing', async () => {
    const erin = user('one', 'erin');
    await users.createUser(erin, null);
    const renamed: User = { ...erin, username: 'Erin.Example', email: null, status: 'disabled', authorities: ['a', 'b'], updatedAt: new Date(t0.getTime() + 1000) };
    await users.updateUser(renamed);
    expect(await users.findUserById('one', erin.id)).toEqual(renamed);
    expect(await users.findUserByUsername('one', 'erin')).toBeUndefined();
    expect((await users.findUserByUsername('one', 'erin.example'))?.id).toBe(erin.id);

    await expect(users.updateUser({ ...renamed, username: 'ALICE' })).rejects.toBeInstanceOf(UserExists);
    expect(await users.findUserById('one', erin.id)).toEqual(renamed);
    await expect(users.updateUser(user('one', 'frank'))).rejects.toBeInstanceOf(UserNotFound);
    await expect(users.updateUser({ ...renamed, tenantId: 'two' })).rejects.toBeInstanceOf(UserNotFound);
  });

  test('setPassword replaces the hash; an unknown user is refused', async () => {
    const gina = user('one', 'gina');
    await users.createUser(gina, null);
    const next = { ...password(gina, '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA'), changedAt: new Date(t0.getTime() + 5000) };
    await users.setPassword(next);
    expect(await users.findPassword('one', gina.id)).toEqual(next);
    await expect(users.setPassword({ ...next, userId: 'missing' })).rejects.toBeInstanceOf(UserNotFound);
    await expect(users.setPassword({ ...next, tenantId: 'two' })).rejects.toBeInstanceOf(UserNotFound);
  });

  test('delete removes the user and its password, frees the username, and is refused for unknown users', async () => {
    const hank = user('one', 'hank');
    await users.createUser(hank, password(hank));
    await expect(users.deleteUser('two', hank.id)).rejects.toBeInstanceOf(UserNotFound);
    await users.deleteUser('one', hank.id);
    expect(await users.findUserById('one', hank.id)).toBeUndefined();
    expect(await users.findPassword('one', hank.id)).toBeUndefined();
    await expect(users.deleteUser('one', hank.id)).rejects.toBeInstanceOf(UserNotFound);
    const again = user('one', 'Hank');
    await users.createUser(again, null);
    expect((await users.findUserByUsername('one', 'hank'))?.id).toBe(again.id);
  });

  test('callers get copies: mutating a returned user changes nothing stored', async () => {
    const ivy = user('one', 'ivy');
    await users.createUser(ivy, null);
    const found = (await users.findUserById('one', ivy.id))!;
    found.authorities.push('admin');
    found.status = 'disabled';
    ivy.authorities.push('admin');
    expect(await users.findUserById('one', ivy.id)).toEqual({ ...ivy, authorities: ['orders:read'] });
  });

  if (kind === 'postgres') {
    test('the database refuses an unknown status and a non-argon2id hash on its own', async () => {
      await expect(querySchema(schema!, `INSERT INTO users (tenant_id, id, username, username_key, status, created_at, updated_at) VALUES ('one', 'x', 'x', 'x', 'locked', now(), now())`)).rejects.toThrow(/check constraint/);
      const jay = user('one', 'jay');
      await users.createUser(jay, null);
      await expect(users.setPassword(password(jay, 'plaintext'))).rejects.toThrow(/check constraint/);
    });
  }
});
