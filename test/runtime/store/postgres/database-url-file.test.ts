import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { DatabaseUrlFile } from '../../../../runtime/src/store/postgres/database-url-file';
import { PostgresStore } from '../../../../runtime/src/store/postgres/postgres-store';
import { TEST_PG_URL, uniqueSchema } from '../../helpers/postgres';

/** Replaces the file the way the kubelet updates a secret volume: a new file swapped in atomically. */
function rewrite(path: string, content: string): void {
  writeFileSync(`${path}.next`, content);
  renameSync(`${path}.next`, path);
}

function urlFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bs-dburl-')), 'DATABASE_URL');
  writeFileSync(path, content);
  return path;
}

/**
 * A PostgreSQL front door that asks every connection for a cleartext password (AuthenticationCleartextPassword),
 * records it, and accepts it. The test server trusts 127.0.0.1 (pg_hba.conf `trust`), so it never asks for a
 * password and cannot show what node-postgres sends; this one can.
 */
async function passwordRecorder(): Promise<{ port: number; passwords: string[]; close(): Promise<void> }> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const message = (type: string, body: Buffer) => {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  };
  const int32 = (value: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    return b;
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          // StartupMessage: length, protocol version, parameters; answered with a password request.
          if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
          buffer = buffer.subarray(buffer.readInt32BE(0));
          started = true;
          socket.write(message('R', int32(3)));
          continue;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, 1 + buffer.readInt32BE(1));
        buffer = buffer.subarray(1 + buffer.readInt32BE(1));
        if (type === 'p') {
          passwords.push(body.subarray(0, body.indexOf(0)).toString('utf8'));
          // AuthenticationOk, then ReadyForQuery (idle): the client is connected.
          socket.write(Buffer.concat([message('R', int32(0)), message('Z', Buffer.from('I'))]));
        } else if (type === 'X') {
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    passwords,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('DATABASE_URL_FILE: the password is re-read for each new connection', () => {
  test('a pool sends the password the file holds when each connection opens, not the one of the start', async () => {
    const recorder = await passwordRecorder();
    const path = urlFile(`postgres://identity:first%2Fpass@127.0.0.1:${recorder.port}/identity`);
    const file = new DatabaseUrlFile(path, `postgres://identity:first%2Fpass@127.0.0.1:${recorder.port}/identity`);
    const pool = new Pool({ ...file.poolConfig(), max: 2 });
    try {
      (await pool.connect()).release(true);
      // Rotation: Secrets Manager sets a new password, ESO rewrites the Secret, the kubelet swaps the file.
      rewrite(path, `postgres://identity:second%40pass@127.0.0.1:${recorder.port}/identity\n`);
      (await pool.connect()).release(true);
      expect(recorder.passwords).toEqual(['first/pass', 'second@pass']);
    } finally {
      await pool.end();
      await recorder.close();
    }
  });

  test('host, port, user and database are those of the start; a file naming others is reported once, by field name only', async () => {
    const path = urlFile('postgres://identity:one@db-a.internal:5432/identity');
    const reports: string[][] = [];
    const file = new DatabaseUrlFile(path, 'postgres://identity:one@db-a.internal:5432/identity', (fields) => reports.push(fields));
    expect(file.poolConfig()).toMatchObject({ host: 'db-a.internal', port: 5432, user: 'identity', database: 'identity' });
    expect(typeof file.poolConfig().password).toBe('function');

    rewrite(path, 'postgres://identity:two@db-a.internal:5432/identity');
    expect(await file.currentPassword()).toBe('two');
    expect(reports).toEqual([]);

    rewrite(path, 'postgres://admin:three@db-b.internal:5432/identity');
    expect(await file.currentPassword()).toBe('three');
    expect(await file.currentPassword()).toBe('three');
    expect(reports).toEqual([['host', 'user']]);
  });

  test('a file that cannot be read or parsed fails that connection with the path, never the content', async () => {
    const path = urlFile('postgres://identity:hunter2@db.internal:5432/identity');
    const file = new DatabaseUrlFile(path, 'postgres://identity:hunter2@db.internal:5432/identity');
    rewrite(path, 'postgres://identity:hunter2@db.internal:notaport/identity');
    const unparsable = await file.currentPassword().catch((error: Error) => error.message);
    expect(unparsable).toMatch(/^DATABASE_URL_FILE does not hold a valid PostgreSQL URL/);
    expect(unparsable).not.toContain('hunter2');
    rmSync(path);
    await expect(file.currentPassword()).rejects.toThrow(`DATABASE_URL_FILE cannot be read: ENOENT (${path})`);
  });

  describe('against the test PostgreSQL', () => {
    const pg = uniqueSchema();
    const role = `bs_rotating_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: TEST_PG_URL });
    const database = new URL(TEST_PG_URL).pathname.slice(1);

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'first-password'`);
      await admin.query(`GRANT CREATE ON DATABASE "${database}" TO ${role}`);
    });
    afterAll(async () => {
      await pg.drop();
      await admin.query(`REVOKE CREATE ON DATABASE "${database}" FROM ${role}`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    });

    // Limit: this server trusts 127.0.0.1 (pg_hba.conf), so it accepts any password and a wrong one cannot fail
    // here; the recorder test above shows the password sent. This one shows the store works from the file and
    // keeps opening connections, as the rotated role, after the file is rewritten and its connections are cut.
    test('the store connects from the file and opens new connections after the file is rewritten', async () => {
      const url = (password: string) => `postgres://${role}:${password}@127.0.0.1:5432/${database}`;
      const path = urlFile(url('first-password'));
      const poolErrors: Error[] = [];
      const store = await PostgresStore.connect({ connectionFile: new DatabaseUrlFile(path, url('first-password')), schema: pg.schema, onPoolError: (e) => poolErrors.push(e) });
      try {
        await store.ping();
        await admin.query(`ALTER ROLE ${role} PASSWORD 'second-password'`);
        rewrite(path, url('second-password'));
        // What an idle timeout or failover does to the pool: its connections go away.
        const { rows } = await admin.query<{ cut: boolean }>('SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE usename = $1', [role]);
        expect(rows.length).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.ping();
        const after = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [role]);
        expect(Number(after.rows[0].n)).toBeGreaterThan(0);
        expect(poolErrors.length).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });
  });

  test('exactly one of connectionString and connectionFile', async () => {
    await expect(PostgresStore.connect({ schema: 'identity' })).rejects.toThrow('exactly one of connectionString and connectionFile is required');
    const file = new DatabaseUrlFile(urlFile(TEST_PG_URL), TEST_PG_URL);
    await expect(PostgresStore.connect({ connectionString: TEST_PG_URL, connectionFile: file })).rejects.toThrow('exactly one of connectionString and connectionFile is required');
  });
});
