/**
 * The contract of a preflight check: a function of the context that says
 * whether one deploy precondition holds, with the numbers it compared.
 */
import { describeAwsFailure } from '../aws-access/failure';
import type { PreflightContext } from './context';

export interface CheckResult {
  /** What is checked, e.g. `VPCs per Region (L-F678F1CE)`. */
  readonly name: string;
  readonly holds: boolean;
  /** The number(s) compared, or what was found, e.g. `2 in use + 3 needed = 5 <= quota 5`. */
  readonly compared: string;
}

/** One deploy precondition, checked against the target account with read-only calls. */
export type PreflightCheck = (context: PreflightContext) => Promise<CheckResult>;

export function result(name: string, holds: boolean, compared: string): CheckResult {
  return { name, holds, compared };
}

/**
 * Nothing could be checked (no credentials, no network, access refused): the
 * CLI prints the sentence and exits 2.
 */
export class PreflightUnavailable extends Error {
  readonly code = 'ERR_PREFLIGHT_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'PreflightUnavailable';
  }
}

/** Runs one SDK call; a failure that prevents any check becomes a PreflightUnavailable. */
export async function callAws<T>(operation: string, region: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const sentence = describeAwsFailure(error, operation, region, 'nothing was checked');
    if (sentence) throw new PreflightUnavailable(sentence);
    throw error;
  }
}

/** Whether `error` is the service's answer "no such thing" (a check failure, not a reason to stop). */
export function isNotFound(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}
