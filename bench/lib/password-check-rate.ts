/**
 * One side of bench/sign-in.ts, run pinned to one core: checks a password in a closed loop
 * (`concurrency` checks in flight, as many as libuv's threadpool runs at once) for a bounded
 * time and prints one JSON line with checks/s and checks per CPU-second.
 *
 *   raw           @node-rs/argon2 `verify` of a PHC hash made with the runtime's parameters
 *                 (OWASP argon2id, m=19456 KiB, t=2, p=1): the floor every sign-in pays.
 *   authenticate  UserDirectory.authenticate of a user in the embedded user store: the
 *                 runtime's password check (username lookup, NFKC normalisation, PHC parse,
 *                 verify, rehash decision), with personal data encryption on (issue 14): the
 *                 blind-index lookup, the user's data key from the bounded cache (local
 *                 provider), the sealed fields opened. Also reports the key provider calls of one
 *                 sign-in with a cold cache and with a warm one (what KMS would be asked).
 *   authenticate-plain  the same directory over a plaintext in-memory user store (this file's
 *                 PlainUsers: the store as it was before issue 14), for "encryption off".
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { DataKeyCache } from '../../runtime/src/key-providers/data-key-cache';
import { LocalKeyProvider } from '../../runtime/src/key-providers/local-key-provider';
import { EncryptedUserStore } from '../../runtime/src/personal-data/encrypted-user-store';
import { MemorySealedUsers } from '../../runtime/src/store/users/memory-sealed-users';
import { OWASP_ARGON2ID, PasswordHasher } from '../../runtime/src/users/password-hasher';
import { UserDirectory } from '../../runtime/src/users/user-directory';
import type { StoredPassword, User } from '../../runtime/src/users/user';
import type { UserStore } from '../../runtime/src/users/user-store';
import { usernameKey } from '../../runtime/src/users/username';

const [mode, secondsArg, concurrencyArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 8);
const concurrency = Number(concurrencyArg ?? 4);
const WARMUP_SECONDS = 1;
const TENANT = 'demo';
const USERNAME = 'bench.user';
const PASSWORD = 'correct horse battery staple 2026';
// `Algorithm` is an ambient const enum, which isolatedModules cannot inline; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

async function checker(): Promise<() => Promise<void>> {
  if (mode === 'raw') {
    const phc = await hash(PASSWORD, { algorithm: ARGON2ID, memoryCost: OWASP_ARGON2ID.memoryKiB, timeCost: OWASP_ARGON2ID.iterations, parallelism: OWASP_ARGON2ID.parallelism });
    return async () => {
      if (!(await verify(phc, PASSWORD))) throw new Error('raw verify failed');
    };
  }
  if (mode === 'authenticate' || mode === 'authenticate-plain') {
    let store: UserStore;
    let cache: DataKeyCache | undefined;
    if (mode === 'authenticate') {
      // A tenant store that knows one tenant: users are the only thing this path reads.
      const records = new MemorySealedUsers({ findSigningKeys: async (tenantId: string) => (tenantId === TENANT ? [] : undefined) });
      cache = new DataKeyCache(LocalKeyProvider.ephemeral());
      store = new EncryptedUserStore({ records, keys: cache, customerKeyOf: async (tenantId) => ({ customer: tenantId, keyRef: `alias/brandstack/local/${tenantId}` }) });
    } else {
      store = new PlainUsers();
    }
    const directory = new UserDirectory({ store, hasher: new PasswordHasher(OWASP_ARGON2ID), clock: { now: () => Date.now() } });
    await directory.create(TENANT, { username: USERNAME, email: 'bench.user@example.com', name: 'Bench User', password: PASSWORD });
    const signIn = async () => {
      const result = await directory.authenticate(TENANT, USERNAME, PASSWORD, new Date());
      if (!result.ok) throw new Error(`authenticate failed: ${result.reason}`);
    };
    if (cache) {
      // Key provider calls of one sign-in: cold (a fresh process, nothing cached), then warm.
      cache.clear();
      const before = cache.stats().providerCalls;
      await signIn();
      const cold = cache.stats().providerCalls - before;
      await signIn();
      keyCalls = { cold, warm: cache.stats().providerCalls - before - cold };
    }
    return signIn;
  }
  throw new Error('usage: password-check-rate.ts raw|authenticate|authenticate-plain [seconds] [concurrency]');
}

let keyCalls: { cold: number; warm: number } | undefined;

/** Users in plain memory, as before issue 14: the "encryption off" baseline, bench-only. */
class PlainUsers implements UserStore {
  readonly #users = new Map<string, User>();
  readonly #passwords = new Map<string, StoredPassword>();
  async createUser(user: User, password: StoredPassword | null): Promise<void> {
    this.#users.set(`${user.tenantId}/${user.id}`, { ...user });
    if (password) this.#passwords.set(`${user.tenantId}/${user.id}`, { ...password });
  }
  async findUserById(tenantId: string, userId: string): Promise<User | undefined> {
    const user = this.#users.get(`${tenantId}/${userId}`);
    return user && { ...user };
  }
  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const key = usernameKey(username);
    for (const user of this.#users.values()) if (user.tenantId === tenantId && usernameKey(user.username) === key) return { ...user };
    return undefined;
  }
  async updateUser(user: User): Promise<void> {
    this.#users.set(`${user.tenantId}/${user.id}`, { ...user });
  }
  async deleteUser(tenantId: string, userId: string): Promise<void> {
    this.#users.delete(`${tenantId}/${userId}`);
  }
  async findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined> {
    const password = this.#passwords.get(`${tenantId}/${userId}`);
    return password && { ...password };
  }
  async setPassword(password: StoredPassword): Promise<void> {
    this.#passwords.set(`${password.tenantId}/${password.userId}`, { ...password });
  }
}

async function loop(check: () => Promise<void>, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await check();
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return n;
}

async function main(): Promise<void> {
  const check = await checker();
  await loop(check, WARMUP_SECONDS * 1000);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const count = await loop(check, seconds * 1000);
  const cpu = process.cpuUsage(cpuStart);
  const elapsed = (performance.now() - start) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ mode, checks: count, seconds: elapsed, perSecond: count / elapsed, perCpuSecond: count / cpuSeconds, cpuShare: cpuSeconds / elapsed, keyCalls })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
