import { RemovalPolicy } from 'aws-cdk-lib';
import { auroraClusterIdentifier, brandStackName, dataName, documentDbClusterName, keyAlias, platformKeyAlias } from '../../lib/config/naming';
import { PORTS } from '../../lib/config/ports';
import { companionRemovalPolicy, removalPolicyFor, STAGE_PROFILES } from '../../lib/config/stages';

const target = { brand: { id: 'acme' }, stage: { name: 'high' }, region: { code: 'eu-central-1' } };

describe('naming: the one home of physical names', () => {
  test('stack, data and alias names', () => {
    expect(brandStackName(target)).toBe('brandstack-acme-high-eu-central-1');
    expect(dataName(target)).toBe('brandstack-acme-high');
    expect(auroraClusterIdentifier(target)).toBe('brandstack-acme-high');
    expect(documentDbClusterName(target)).toBe('brandstack-acme-high-mongo');
    expect(keyAlias('acme', 'globex')).toBe('alias/brandstack/acme/globex');
    expect(platformKeyAlias('acme')).toBe('alias/brandstack/acme/platform');
  });

  test('ports are the services\' documented ones, and plain AMQP is not among them', () => {
    expect(PORTS).toMatchObject({ postgres: 5432, mongo: 27017, amqps: 5671, https: 443 });
    expect(Object.values(PORTS)).not.toContain(5672);
  });
});

describe('removal policies: one mapping from stage', () => {
  test('low destroys everything; high keeps state and snapshots databases', () => {
    expect(removalPolicyFor(STAGE_PROFILES.low, 'state')).toBe(RemovalPolicy.DESTROY);
    expect(removalPolicyFor(STAGE_PROFILES.low, 'snapshot')).toBe(RemovalPolicy.DESTROY);
    expect(removalPolicyFor(STAGE_PROFILES.high, 'state')).toBe(RemovalPolicy.RETAIN);
    expect(removalPolicyFor(STAGE_PROFILES.high, 'snapshot')).toBe(RemovalPolicy.SNAPSHOT);
  });

  test('companions of a snapshotted resource (its log groups) are kept, since they cannot snapshot', () => {
    expect(companionRemovalPolicy(RemovalPolicy.SNAPSHOT)).toBe(RemovalPolicy.RETAIN);
    expect(companionRemovalPolicy(RemovalPolicy.DESTROY)).toBe(RemovalPolicy.DESTROY);
    expect(companionRemovalPolicy(RemovalPolicy.RETAIN)).toBe(RemovalPolicy.RETAIN);
  });
});
