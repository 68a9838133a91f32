/**
 * Schema validation of Kubernetes objects, offline. The schemas come from
 * kubernetes-models, which ships ES modules only; the validation runs in a
 * child Node process (validate-manifests.mjs) so CommonJS callers (the CDK
 * app, jest) can use it synchronously.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

export interface ManifestProblem {
  /** `Kind namespace/name` of the invalid object. */
  readonly object: string;
  readonly problems: string[];
}

const VALIDATOR = path.join(__dirname, 'validate-manifests.mjs');

/** The problems of each invalid object; empty when every object is valid. */
export function validateManifests(objects: readonly unknown[]): ManifestProblem[] {
  const output = execFileSync(process.execPath, [VALIDATOR], {
    input: JSON.stringify(objects),
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output) as ManifestProblem[];
}
