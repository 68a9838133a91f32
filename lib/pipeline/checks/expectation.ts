/** One promise checked against a deployed account: held, or violated with what was found. */
export interface Expectation {
  /** What is promised, e.g. `key alias/brandstack/acme/globex has rotation on`. */
  readonly statement: string;
  readonly held: boolean;
  /** What was found, shown with a violation. */
  readonly actual: string;
}

export function expectation(statement: string, held: boolean, actual: unknown): Expectation {
  return { statement, held, actual: typeof actual === 'string' ? actual : JSON.stringify(actual) ?? 'undefined' };
}

/** One line per expectation: `held      <statement>` or `VIOLATED  <statement> (actual: <value>)`. */
export function formatReport(title: string, expectations: readonly Expectation[]): string {
  const lines = expectations.map((e) => (e.held ? `held      ${e.statement}` : `VIOLATED  ${e.statement} (actual: ${e.actual})`));
  const violated = expectations.filter((e) => !e.held).length;
  const summary = violated === 0 ? `all ${expectations.length} expectations held` : `${violated} of ${expectations.length} expectations VIOLATED`;
  return [title, ...lines, summary, ''].join('\n');
}

/**
 * A failure that means nothing could be checked (no credentials, no network,
 * access refused). The CLI prints its message, one sentence, and exits 2.
 */
export class VerificationUnavailable extends Error {
  readonly code = 'ERR_VERIFY_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'VerificationUnavailable';
  }
}
