/**
 * Runs SDK calls for `brandstack verify`, turning a failure that prevents any
 * check into a VerificationUnavailable (one sentence, exit 2).
 */
import { describeAwsFailure } from '../../aws-access/failure';
import { VerificationUnavailable } from './expectation';

// The classification lives in lib/aws-access/, shared with `brandstack preflight`.
export { describeAwsFailure };

/** Runs one SDK call, turning a failure that prevents any check into a VerificationUnavailable. */
export async function callAws<T>(operation: string, region: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const sentence = describeAwsFailure(error, operation, region);
    if (sentence) throw new VerificationUnavailable(sentence);
    throw error;
  }
}
