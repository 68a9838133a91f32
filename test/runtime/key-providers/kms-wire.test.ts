import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KeyUnavailable } from '../../../runtime/src/errors/key-errors';
import { InvalidKeyProviderConfig } from '../../../runtime/src/errors/key-errors';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';

/**
 * The production client (KmsKeyProvider.forRegion) against a local HTTP server speaking KMS's
 * AWS JSON 1.1 protocol: what aws-sdk-client-mock cannot show. The mock never serialises a
 * request, so here the wire carries KeyId and EncryptionContext; unmodelled KMS errors
 * (AccessDeniedException, ThrottlingException) reach the mapping by their `__type` name; the
 * SDK's three attempts and short timeouts hold against a refused port and a silent server.
 */
const ALIAS = 'alias/brandstack/acme/globex';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { 'brandstack:customer': 'globex', 'brandstack:tenant': 'shop', 'brandstack:user': 'u-1' };

interface Received {
  target: string | undefined;
  body: Record<string, unknown>;
}
type Responder = (request: Received, response: ServerResponse) => void;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<KeyUnavailable> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyUnavailable);
  return error as KeyUnavailable;
}

describe('KmsKeyProvider.forRegion on the wire (a local KMS stand-in, AWS JSON 1.1)', () => {
  const saved = { ...process.env };
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let respond: Responder;
  let server: Server;
  let provider: KmsKeyProvider;

  beforeAll(async () => {
    // Static credentials through the SDK's default chain (environment first), as a pod's would come from Pod Identity.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const entry = { target: request.headers['x-amz-target'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') };
        received.push(entry);
        respond(entry, response);
      });
    });
    server.on('connection', (socket) => sockets.add(socket));
    const port = await listen(server);
    provider = KmsKeyProvider.forRegion('eu-west-1', { endpoint: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    process.env = saved;
    await close(server, sockets);
  });
  beforeEach(() => {
    received.length = 0;
  });

  test('GenerateDataKey and Decrypt carry KeyId, KeySpec and the encryption context on the wire', async () => {
    const key = randomBytes(32);
    const blob = randomBytes(184);
    respond = (request, response) => {
      if (request.target === 'TrentService.GenerateDataKey') {
        json(response, 200, { Plaintext: key.toString('base64'), CiphertextBlob: blob.toString('base64'), KeyId: KEY_ARN });
      } else {
        json(response, 200, { Plaintext: key.toString('base64'), KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      }
    };
    const generated = await provider.generateDataKey(ALIAS, CONTEXT);
    expect(generated).toEqual({ plaintext: key, wrapped: blob, keyId: KEY_ARN });
    const opened = await provider.decryptDataKey(generated.wrapped, CONTEXT, KEY_ARN);
    expect(opened.equals(key)).toBe(true);

    expect(received).toEqual([
      { target: 'TrentService.GenerateDataKey', body: { KeyId: ALIAS, KeySpec: 'AES_256', EncryptionContext: CONTEXT } },
      {
        target: 'TrentService.Decrypt',
        body: { CiphertextBlob: blob.toString('base64'), KeyId: KEY_ARN, EncryptionContext: CONTEXT, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      },
    ]);
  });

  test.each([
    ['AccessDeniedException', 'access_denied', 1],
    ['DisabledException', 'disabled', 1],
    ['KMSInvalidStateException', 'invalid_state', 1],
    ['IncorrectKeyException', 'invalid_ciphertext', 1],
    // Throttling is retried by the SDK: three attempts, then the failure.
    ['ThrottlingException', 'throttled', 3],
  ])('a %s answer (400, __type) is %s after %d request(s)', async (type, reason, requests) => {
    respond = (_request, response) => json(response, 400, { __type: type, message: `${type} from the stand-in` });
    const error = await failure(provider.decryptDataKey(randomBytes(100), CONTEXT, ALIAS));
    expect(error.reason).toBe(reason);
    expect(error.detail).toContain(`failed with ${type}`);
    expect(received).toHaveLength(requests);
  });

  test('a refused connection is unreachable', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const refused = KmsKeyProvider.forRegion('eu-west-1', { endpoint: `http://127.0.0.1:${port}` });
    const error = await failure(refused.decryptDataKey(randomBytes(100), CONTEXT, ALIAS));
    expect(error.reason).toBe('unreachable');
    // The socket error stays the cause, for the log. (Its `code` also reaches the detail in
    // production; under Jest the SDK re-wraps Node's error, which comes from another realm.)
    expect(String((error.cause as Error).message)).toContain('ECONNREFUSED');
  });

  test('a server that never answers is unreachable after three attempts bounded by the request timeout', async () => {
    const silentSockets = new Set<Socket>();
    let requests = 0;
    const silent = createServer(() => {
      requests += 1; // accept the request, never answer
    });
    silent.on('connection', (socket) => silentSockets.add(socket));
    const port = await listen(silent);
    try {
      const slow = KmsKeyProvider.forRegion('eu-west-1', { endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
      const started = Date.now();
      const error = await failure(slow.check(ALIAS));
      expect(error.reason).toBe('unreachable');
      expect(error.detail).toContain('failed with ETIMEDOUT'); // @smithy/node-http-handler's request timeout
      expect(requests).toBe(3);
      // Three 200 ms attempts and the SDK's backoff between them, far below the SDK's default socket timeout.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await close(silent, silentSockets);
    }
  });

  test('forRegion refuses a region or timeout it cannot use, naming the option', () => {
    expect(() => KmsKeyProvider.forRegion('Ireland')).toThrow(InvalidKeyProviderConfig);
    expect(() => KmsKeyProvider.forRegion('Ireland')).toThrow(/AWS Region such as eu-west-1; got "Ireland"/);
    expect(() => KmsKeyProvider.forRegion('eu-west-1', { requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs must be an integer number of milliseconds from 1 to 60000/);
    expect(() => KmsKeyProvider.forRegion('eu-west-1', { connectionTimeoutMs: 1.5 })).toThrow(/connectionTimeoutMs/);
  });
});
