import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import { normalizePassword } from './password-normalization';

/** argon2id cost parameters, as the PHC string records them (`m=…,t=…,p=…`). */
export interface Argon2Parameters {
  /** Memory in KiB (`m`). */
  memoryKiB: number;
  /** Passes over memory (`t`). */
  iterations: number;
  /** Lanes (`p`). */
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id: "a minimum configuration of 19 MiB of memory, an
 * iteration count of 2, and 1 degree of parallelism"
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
 * Measured here: ~50 ms per hash on one core.
 */
export const OWASP_ARGON2ID: Readonly<Argon2Parameters> = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };

// `Algorithm` is an ambient const enum, which isolatedModules cannot inline; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

export interface PasswordVerification {
  ok: boolean;
  /** The hash was made with other parameters (or another algorithm) than the current ones: store a new hash now that the password is known. */
  needsRehash: boolean;
}

/**
 * Hashes and verifies end-user passwords with argon2id (RFC 9106) via @node-rs/argon2, which
 * ships prebuilt binaries in npm packages and so installs from the registry alone. The PHC string
 * carries algorithm, version, parameters and salt, so hashes made under older parameters keep
 * verifying and are replaced at the next successful sign-in.
 *
 * Passwords are NFKC-normalised before hashing (NIST SP 800-63B rev. 4 §3.1.1.2), never truncated.
 */
export class PasswordHasher {
  readonly parameters: Readonly<Argon2Parameters>;
  #dummy: Promise<string> | undefined;

  /** @param parameters @default OWASP_ARGON2ID */
  constructor(parameters: Argon2Parameters = OWASP_ARGON2ID) {
    this.parameters = { ...parameters };
  }

  /** A PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`, with a fresh 16-byte salt. */
  hash(password: string): Promise<string> {
    return hash(normalizePassword(password), {
      algorithm: ARGON2ID,
      memoryCost: this.parameters.memoryKiB,
      timeCost: this.parameters.iterations,
      parallelism: this.parameters.parallelism,
    });
  }

  async verify(phc: string, password: string): Promise<PasswordVerification> {
    const stored = parsePhc(phc);
    // A hash we cannot parse cannot verify; it must not throw into the sign-in path either.
    if (!stored) return { ok: false, needsRehash: true };
    const ok = await verify(phc, normalizePassword(password));
    return { ok, needsRehash: ok && !sameParameters(stored, this.parameters) };
  }

  /**
   * Spends the same work as a real verification and fails: called when the username is unknown,
   * so the response time does not tell an attacker which usernames exist (OWASP Authentication
   * Cheat Sheet, "Authentication Responses").
   */
  async verifyDummy(password: string): Promise<void> {
    this.#dummy ??= this.hash(randomBytes(24).toString('base64url'));
    await verify(await this.#dummy, normalizePassword(password));
  }
}

/** The parameters recorded in an argon2id PHC string, or undefined when it is not one. */
export function parsePhc(phc: string): Argon2Parameters | undefined {
  const match = PHC.exec(phc);
  if (!match) return undefined;
  return { memoryKiB: Number(match[1]), iterations: Number(match[2]), parallelism: Number(match[3]) };
}

function sameParameters(a: Argon2Parameters, b: Argon2Parameters): boolean {
  return a.memoryKiB === b.memoryKiB && a.iterations === b.iterations && a.parallelism === b.parallelism;
}
