/**
 * Runs a readiness check with a deadline: 'ok', or 'failing: <why>'. A probe must not hang, so a
 * check slower than `timeoutMs` counts as failed. `redact` cleans the reason before it is logged
 * (the caller knows which secrets its errors could carry).
 */
export async function timedCheck(check: () => Promise<void>, timeoutMs: number, redact: (message: string) => string = (m) => m): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `failing: ${error instanceof Error ? redact(error.message) : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
