/** What a {@link RuntimeError} carries besides its description. */
export interface RuntimeErrorOptions {
  /**
   * For the operator only: which check failed, or a library's error code. Logged beside the
   * description, never sent to the caller, and never a secret, a token or a key.
   */
  detail?: string;
  /** The error this one replaces (ES2022 `Error.cause`); logged with its stack. */
  cause?: unknown;
}

/**
 * The base of every error the runtime throws across a module boundary. The model follows jose
 * (a typed class per failure, with a stable `code`) and oidc-provider (what the client reads,
 * `error_description`, kept apart from what the operator logs, `error_detail`):
 *
 * - `code`: stable and machine-readable: the `error` member of a response and the `reason`
 *   label of a metric. Code decides on the class or the code, never on a message.
 * - `status`: the HTTP status when the error answers a request. Below 500 the caller caused it
 *   and reads `description`; from 500 on it is the operator's, and the caller gets a generic
 *   `server_error` instead.
 * - `description`: one sentence saying what is wrong, naming the culprit. It is the `message`
 *   as well, so a stack trace reads the same.
 * - `detail`: the operator's side, see {@link RuntimeErrorOptions.detail}.
 */
export abstract class RuntimeError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly description: string;
  readonly detail: string | undefined;

  constructor(description: string, options: RuntimeErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.description = description;
    this.detail = options.detail;
  }
}
