import { App, Stage } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { DEPLOY_RULES, DEPLOY_RULES_PACK } from '../../lib/deploy-rules';
import { addCompliancePacks } from '../../lib/nag/compliance';
import { EXAMPLE_TARGETS, synthTarget } from '../helpers/synth';

/**
 * Every example brand in both stages, synthesized as `cdk synth` does (the
 * shared synth cache: the compliance packs and the deploy rules ran during
 * synth; a pack with no finding leaves no entry in the validation report).
 */
describe.each(EXAMPLE_TARGETS)('BrandStack $brand/$stage', (target) => {
  test('the deploy rules report no error', () => {
    const { violations } = synthTarget(target);
    expect(violations.filter((v) => v.pack === DEPLOY_RULES_PACK).map((v) => `${v.rule} at ${v.path}`)).toEqual([]);
  });
});

/** The names of the validation plugins registered on a Stage (aws-cdk-lib's read accessor warns that it is meant for tests). */
function pluginNames(stage: Stage): string[] {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return stage.policyValidationBeta1.map((plugin) => plugin.name);
  } finally {
    warn.mockRestore();
  }
}

test('the app cdk synthesizes checks its stacks with the deploy rules', () => {
  const app = buildApp({ context: { brand: 'acme', stage: 'high' }, account: '111111111111' });
  expect(pluginNames(app)).toContain(DEPLOY_RULES_PACK);
});

test('the deploy rules are registered beside the compliance packs on every Stage they are added to (pipeline stages too)', () => {
  const app = new App();
  const stage = new Stage(app, 'prod');
  addCompliancePacks(app);
  addCompliancePacks(stage);
  for (const scope of [app, stage]) expect(pluginNames(scope)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', DEPLOY_RULES_PACK]);
});

test('every rule has its own name (its id) and says why it fires', () => {
  const names = DEPLOY_RULES.map(({ rule }) => rule.name);
  expect(new Set(names).size).toBe(names.length);
  for (const { rule, info, explanation } of DEPLOY_RULES) {
    expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(info.length).toBeGreaterThan(20);
    expect(explanation.length).toBeGreaterThan(20);
  }
});
