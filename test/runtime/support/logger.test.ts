import { createLogger } from '../../../runtime/src/support/logger';

/** Redaction is the second line of defence: the service never logs these, but a logged request or form must not leak them. */
test('passwords, refresh tokens, PKCE verifiers, ID tokens and client secrets are redacted, at the top level and one level down', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const secrets = { password: 'hunter2hunter2hunter2', refresh_token: 'rt-1', code_verifier: 'cv-1', id_token: 'id-1', client_secret: 'cs-1' };
  logger.info({ ...secrets, form: { ...secrets, username: 'alice' } }, 'sign-in form');
  expect(lines).toHaveLength(1);
  const entry = JSON.parse(lines[0]);
  for (const value of Object.values(secrets)) expect(lines[0]).not.toContain(value);
  expect(entry.password).toBe('[redacted]');
  expect(entry.form.refresh_token).toBe('[redacted]');
  expect(entry.form.username).toBe('alice');
});
