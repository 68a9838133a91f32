/**
 * NIST SP 800-63B rev. 4 §3.1.1.2: Unicode passwords SHOULD be normalised with NFKC or NFKD
 * before hashing, so the same password typed on different keyboards (composed or decomposed
 * accents, full-width digits) verifies. One home, used by both the policy (length is counted
 * after normalisation) and the hasher (what is hashed), so the two can never disagree.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}
