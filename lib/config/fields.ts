/**
 * Field readers shared by the brand schema's parsers. Each takes the `fail`
 * callback of the file being parsed, so every error names the file and field.
 */

/** Throws a BrandConfigError naming the file, the field and the problem. */
export type Fail = (field: string, problem: string) => never;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rejectUnknown(raw: Record<string, unknown>, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, `is not a known field; known fields: ${known.join(', ')}`);
  }
}

export function requireString(raw: Record<string, unknown>, field: string, fail: Fail, prefix = ''): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '') return fail(`${prefix}${field}`, `is required and must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}

export function requireStringArray(raw: Record<string, unknown>, field: string, fail: Fail, prefix = ''): string[] {
  const value = raw[field];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return fail(`${prefix}${field}`, `is required and must be an array of strings (got ${JSON.stringify(value)})`);
  return value as string[];
}

export function rejectDuplicates(values: readonly string[], field: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) fail(field, `lists '${value}' more than once`);
    seen.add(value);
  }
}
