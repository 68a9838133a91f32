/**
 * Runs the deploy rules on a small test stack, as synth runs them: after the
 * app is synthesized (aspects applied, lazy values produced).
 */
import { App, Stack } from 'aws-cdk-lib';
import { DeployRulesChecks } from '../../lib/deploy-rules';

/**
 * A stack in an app, in a fixed account and region. The app leaves out the
 * built-in cfn-lint run (seconds per synth): these tests are about the deploy
 * rules alone.
 */
export function testStack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
}

/** Every deploy-rule finding as `<rule id> <construct path>`, sorted. */
export function deployFindings(stack: Stack): string[] {
  (stack.node.root as App).synth();
  const report = new DeployRulesChecks().validateScope(stack);
  return report.violations
    .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${(resource as { constructPath?: string }).constructPath}`))
    .sort();
}

/** The findings of one rule (by function name), with the rule prefix left off. */
export function findingsOf(stack: Stack, rule: string): string[] {
  const prefix = `DeployRules-${rule}`;
  return deployFindings(stack)
    .filter((finding) => finding.startsWith(`${prefix} `) || finding.startsWith(`${prefix}[`))
    .map((finding) => finding.slice(prefix.length));
}
