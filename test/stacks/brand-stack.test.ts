import { EXAMPLE_TARGETS, synthTarget } from '../helpers/synth';

describe.each(EXAMPLE_TARGETS)('BrandStack $brand/$stage', (target) => {
  const synthesized = () => synthTarget(target);

  test('posture', () => {
    expect(synthesized().posture).toMatchSnapshot();
  });

  test('compliance packs (AwsSolutions, NIST 800-53 rev5, PCI DSS 3.2.1, HIPAA) report no unacknowledged finding', () => {
    expect(synthesized().violations.map((v) => `${v.rule} at ${v.path}`)).toEqual([]);
  });

  test('every taggable resource carries the brand, stage and residency tags', () => {
    const { posture } = synthesized();
    expect(posture.placement.tags).toEqual({
      'brandstack:brand': target.brand,
      'brandstack:residency-country': target.brand === 'acme' ? 'DE' : 'AU',
      'brandstack:stage': target.stage,
    });
    expect(posture.placement.untaggedResources).toEqual([]);
  });

  test('the physical stack name carries brand, stage and region; zones come from the catalog', () => {
    const { artifact, posture } = synthesized();
    const region = target.brand === 'acme' ? 'eu-central-1' : 'ap-southeast-2';
    expect(artifact.stackName).toBe(`brandstack-${target.brand}-${target.stage}-${region}`);
    expect(posture.placement.zones).toEqual(['a', 'b', 'c'].map((z) => `${region}${z}`));
    expect(artifact.terminationProtection).toBe(target.stage === 'high');
  });
});

test('a second allowed region synthesizes with that region and its zones', () => {
  const { artifact, posture } = synthTarget({ brand: 'koala', stage: 'low', region: 'ap-southeast-4' });
  expect(artifact.stackName).toBe('brandstack-koala-low-ap-southeast-4');
  expect(posture.placement.zones).toEqual(['ap-southeast-4a', 'ap-southeast-4b', 'ap-southeast-4c']);
});
