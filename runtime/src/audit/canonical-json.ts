/**
 * Canonical JSON per RFC 8785 (JCS) for the subset audit events use: objects, arrays, strings,
 * booleans, null and safe integers. Object members are sorted by their names' UTF-16 code units
 * (RFC 8785 §3.2.3, which is what Array.prototype.sort compares), nothing is indented, and strings
 * are escaped as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2 adopts exactly that).
 * Fractional and non-finite numbers and undefined are refused rather than approximated: a hash
 * over an approximation would not be reproducible by another implementation.
 */
export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [name: string]: CanonicalValue };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON here takes safe integers only, got ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: CanonicalValue) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as { readonly [name: string]: CanonicalValue };
    const names = Object.keys(record).sort();
    return `{${names
      .map((name) => {
        const member = record[name];
        if (member === undefined) throw new TypeError(`canonical JSON has no undefined: member "${name}"`);
        return `${JSON.stringify(name)}:${canonicalJson(member)}`;
      })
      .join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}
