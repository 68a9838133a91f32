import { RABBITMQ_AWS_OWNED_KEY_REASON } from '../../lib/constructs/data/rabbit-broker';
import { buildPosture, postureFacts, renderPosture, TemplateView, type CfnTemplate, type PostureFacts, type PostureRule } from '../../lib/posture';
import { ENCRYPTION_EXCEPTION_METADATA } from '../../lib/posture/exceptions';
import { keyLabel } from '../../lib/posture/naming';
import { DatabaseClustersInBackupPlan } from '../../lib/posture/rules/backups/database-clusters-in-backup-plan';
import { DataServicesEnforceTls } from '../../lib/posture/rules/encryption/data-services-enforce-tls';
import { StatefulResourcesEncryptedWithBrandKey } from '../../lib/posture/rules/encryption/stateful-resources-encrypted-with-brand-key';
import { CustomerKeyGrantsOnlyForAwsResources } from '../../lib/posture/rules/keys/customer-key-grants-only-for-aws-resources';
import { CustomerKeyUseBoundToEncryptionContext } from '../../lib/posture/rules/keys/customer-key-use-bound-to-encryption-context';
import { CustomerKeysNotUsableByAccountRoot } from '../../lib/posture/rules/keys/customer-keys-not-usable-by-account-root';
import { KeyRotationEnabled } from '../../lib/posture/rules/keys/key-rotation-enabled';
import { KeySpecSymmetricDefault } from '../../lib/posture/rules/keys/key-spec-symmetric-default';
import { DataServicesNotPublic } from '../../lib/posture/rules/network/data-services-not-public';
import { EXAMPLE_TARGETS, synthTarget } from '../helpers/synth';
import { copyOf, factsOf } from './facts';

const TAGS = [{ Key: 'brandstack:brand', Value: 'acme' }];

function inputOf(template: CfnTemplate) {
  return { stackName: 'Test', region: 'eu-central-1', template: new TemplateView(template) };
}

/** The resources a rule finds non-compliant (empty: compliant). */
function refused(rule: PostureRule, template: CfnTemplate): string[] {
  const result = rule.check(postureFacts(inputOf(template)));
  return result.compliant ? [] : result.violations.map((v) => v.resource);
}

describe.each(EXAMPLE_TARGETS)('encryption of BrandStack $brand/$stage', (target) => {
  const synthesized = () => synthTarget(target);
  const facts = () => factsOf(target);
  // The name prefix of what must be named (lib/config/naming.ts resourceNamePrefix); the services themselves carry
  // generated or stack-suffixed names, so the posture names them by logical id.
  const name = `${target.brand}-${target.stage}`;

  test('every secret and every log group in the template is encrypted with a KMS key of the stack', () => {
    const resources = Object.entries<any>(synthesized().json.Resources);
    const keys = new Set(resources.filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id));
    const guarded = resources.filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret' || r.Type === 'AWS::Logs::LogGroup');
    expect(guarded.length).toBeGreaterThan(5);
    const notUnderStackKey = guarded.filter(([, r]) => !keys.has(r.Properties?.KmsKeyId?.['Fn::GetAtt']?.[0] ?? r.Properties?.KmsKeyId?.Ref)).map(([id]) => id);
    expect(notUnderStackKey).toEqual([]);
  });

  test('nothing stateful is unencrypted, and an AWS-owned or AWS-managed key only with its reason: the RabbitMQ broker alone', () => {
    expect(StatefulResourcesEncryptedWithBrandKey.check(facts())).toEqual({ compliant: true });
    const { atRest } = facts().encryption;
    // Not vacuous: every kind of stateful resource of the stack is among the facts.
    expect(new Set(atRest.map((r) => r.type))).toEqual(
      new Set([
        'AWS::AmazonMQ::Broker',
        'AWS::Backup::BackupVault',
        'AWS::DocDB::DBCluster',
        'AWS::EC2::Instance',
        'AWS::EKS::Cluster',
        'AWS::Logs::LogGroup',
        'AWS::RDS::DBCluster',
        'AWS::SNS::Topic',
        'AWS::SecretsManager::Secret',
      ]),
    );
    const notUnderStackKey = atRest.filter((r) => r.protections.some((p) => p.kind !== 'key' || p.key.kind !== 'stack'));
    expect(notUnderStackKey.map((r) => [r.type, r.protections, r.exceptionReason])).toEqual([['AWS::AmazonMQ::Broker', [{ kind: 'aws-owned' }], RABBITMQ_AWS_OWNED_KEY_REASON]]);
  });

  test('keys: one per customer and the platform key, all rotated SYMMETRIC_DEFAULT; customer keys administered but not usable by the account root', () => {
    const { keys } = facts().encryption;
    const customers = target.brand === 'acme' ? ['acme-retail', 'acme-wholesale', 'globex'] : ['koala-mobile', 'koala-broadband'];
    expect(keys.map((k) => keyLabel(k.key)).sort()).toEqual([...customers, 'platform'].map((c) => `alias/brandstack/${target.brand}/${c}`).sort());
    expect(keys.map((k) => k.purpose).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [...customers.map((customer) => ({ kind: 'customer', customer })), { kind: 'platform' }].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    for (const rule of [KeyRotationEnabled, KeySpecSymmetricDefault, CustomerKeysNotUsableByAccountRoot, CustomerKeyGrantsOnlyForAwsResources, CustomerKeyUseBoundToEncryptionContext]) {
      expect([rule.id, rule.check(facts())]).toEqual([rule.id, { compliant: true }]);
    }
    for (const k of keys) expect([7, 30]).toContain(k.pendingWindowDays);
    for (const k of keys.filter((k) => k.purpose.kind === 'customer')) {
      // The brands name no key administrators, so the account keeps administration (the key never becomes
      // unmanageable) and may create grants only for AWS resources; one grantee uses the key.
      expect(k.administrators).toEqual(['account root']);
      const root = k.policy.filter((s) => s.effect === 'Allow' && s.accountRoot);
      expect(root.map((s) => s.actions.includes('kms:PutKeyPolicy'))).toEqual([true, false]);
      expect(root[1]).toEqual(expect.objectContaining({ actions: ['kms:CreateGrant'], conditions: [{ operator: 'Bool', key: 'kms:GrantIsForAWSResource', values: ['true'] }] }));
      expect(new Set(k.policy.filter((s) => !s.accountRoot).flatMap((s) => s.grantees))).toEqual(new Set(['IdentityRoletokenservice']));
    }
  });

  test('TLS is enforced by every data service; Aurora and DocumentDB are in backup plans, and no EBS volume is claimed to be', () => {
    for (const rule of [DataServicesEnforceTls, DataServicesNotPublic, DatabaseClustersInBackupPlan]) {
      expect([rule.id, rule.check(facts())]).toEqual([rule.id, { compliant: true }]);
    }
    const services = facts().encryption.dataServices.map((s) => [s.type, s.name, s.transit]);
    expect(services).toEqual([
      ['AWS::AmazonMQ::Broker', 'Broker', { kind: 'rabbitmq', publiclyAccessible: false }],
      ['AWS::RDS::DBCluster', 'DatabaseCluster', { kind: 'rds', forceSsl: true, minimumTlsVersion: 'TLSv1.2' }],
      ['AWS::DocDB::DBCluster', 'MongoCluster', { kind: 'docdb', tls: 'enabled', auditLogs: 'enabled' }],
    ]);
    const plans = (type: string) => facts().encryption.backups.flatMap((b) => (b.type === type && b.backup.kind === 'database-cluster' ? b.backup.plans : []));
    expect(plans('AWS::RDS::DBCluster')).toContainEqual(expect.objectContaining({ plan: `${name}-continuous`, continuous: true }));
    expect(plans('AWS::DocDB::DBCluster')).toContainEqual(expect.objectContaining({ plan: `${name}-daily`, continuous: false }));
    // No selection of EBS volumes: the stack's volumes (EKS Auto Mode nodes, the bastion) hold no state to restore,
    // and the posture does not claim backups of volumes no selection matches.
    const selections = Object.values(synthesized().template.findResources('AWS::Backup::BackupSelection')) as Array<{ Properties: { BackupSelection: Record<string, unknown> } }>;
    expect(selections.filter((s) => JSON.stringify(s.Properties.BackupSelection).includes(':volume/') || s.Properties.BackupSelection.Conditions !== undefined)).toEqual([]);
    const volumes = facts().encryption.backups.filter((b) => b.backup.kind === 'instance-volumes');
    expect(volumes.flatMap((b) => (b.backup.kind === 'instance-volumes' ? b.backup.plans : []))).toEqual([]);
  });

  test('stage high protects against deletion and spreads the data tier over three zones; low says what it gives up', () => {
    const { template } = synthesized();
    const high = target.stage === 'high';
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: high, BackupRetentionPeriod: high ? 35 : 7 });
    template.hasResourceProperties('AWS::DocDB::DBCluster', { DeletionProtection: high });
    template.resourceCountIs('AWS::DocDB::DBInstance', high ? 3 : 1);
    template.resourceCountIs('AWS::RDS::DBInstance', high ? 3 : 1);
    template.hasResourceProperties('AWS::AmazonMQ::Broker', { DeploymentMode: high ? 'CLUSTER_MULTI_AZ' : 'SINGLE_INSTANCE', PubliclyAccessible: false });
    // acme chose provisioned Aurora for high; everything else is Serverless v2.
    const provisioned = target.brand === 'acme' && high;
    template.allResourcesProperties('AWS::RDS::DBInstance', { DBInstanceClass: provisioned ? 'db.r7g.large' : 'db.serverless' });
  });
});

describe.each(EXAMPLE_TARGETS)("the runtime's keys in the posture of BrandStack $brand/$stage", (target) => {
  test("each customer's personal data is wrapped by that customer's key, under its own context; signing keys are sealed under the platform key", () => {
    const facts = factsOf(target);
    const posture = buildPosture({ stackName: 'Test', region: 'eu-central-1', template: new TemplateView(synthTarget(target).json) }).encryption;
    const customers = facts.runtimeKeys.customerKeys.map((k) => k.customer);
    expect(customers.length).toBeGreaterThan(1);
    expect(Object.keys(posture.personalData)).toEqual(customers);
    for (const customer of customers) {
      const line = posture.personalData[customer]!;
      expect(line.startsWith(`alias/brandstack/${target.brand}/${customer}: per-user data keys (encryption context brandstack:customer, brandstack:tenant, brandstack:user)`)).toBe(true);
      expect(line).toContain(`wrapped by identity/token-service (PII_KEY_PROVIDER=kms): kms:GenerateDataKey, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo only with brandstack:customer=${customer}`);
    }
    expect(posture.signingKeys).toEqual({
      'identity/token-service': [
        `SIGNING_KEY_SEAL=kms: private signing keys sealed, and public JWKs and client JWKS attested, with data keys of alias/brandstack/${target.brand}/platform:`,
        'kms:GenerateDataKey, kms:Decrypt only with encryption context brandstack:purpose like signing-private-key|signing-public-key, only with encryption context keys exactly brandstack:kid, brandstack:purpose, brandstack:tenant;',
        'kms:GenerateDataKey, kms:Decrypt only with encryption context brandstack:purpose like document:*, only with encryption context keys exactly brandstack:purpose, brandstack:tenant;',
        'kms:DescribeKey; KEY_ENCRYPTION_KEY delivered to open signing keys sealed before (v1)',
      ].join(' '),
    });
    // The audit writer has no role and sets neither provider: it handles no key.
    expect(facts.runtimeKeys.workloads.map((w) => w.workload)).toEqual(['identity/token-service']);
  });

  test('a weaker setting shows in the posture: the local providers, an unlisted customer, a listed customer without a key, a seal under any context', () => {
    const facts = copyOf(factsOf(target));
    const runtime = facts.runtimeKeys.workloads[0]!;
    const [first, ...rest] = facts.runtimeKeys.customerKeys.map((k) => k.customer);
    runtime.customers = [...rest, 'initech'];
    runtime.signingKeySeal = 'local';
    let posture = renderPosture(facts as PostureFacts).encryption;
    expect(posture.personalData[first!]).toContain(`BRANDSTACK_CUSTOMERS does NOT list ${first}, so its tenants cannot be onboarded`);
    expect(posture.personalData.initech).toBe('NO customer key in this stack, yet BRANDSTACK_CUSTOMERS of identity/token-service lists it');
    expect(posture.signingKeys['identity/token-service']).toMatch(/^SIGNING_KEY_SEAL=local: private signing keys NOT sealed under KMS/);
    runtime.personalDataProvider = 'local';
    runtime.signingKeySeal = 'kms';
    for (const use of runtime.platformKeyUse) use.conditions = [];
    posture = renderPosture(facts as PostureFacts).encryption;
    expect(posture.personalData[rest[0]!]).toContain('identity/token-service: PII_KEY_PROVIDER=local, so NOT under this key (master keys held in the pod)');
    expect(posture.signingKeys['identity/token-service']).toContain('kms:GenerateDataKey, kms:Decrypt with ANY encryption context');
  });
});

describe('encryption posture guards', () => {
  const fixture: CfnTemplate = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { Tags: TAGS } },
      KeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/brandstack/acme/platform', TargetKeyId: { Ref: 'Key' } } },
      Volume: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: false } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x' } },
      Broker: { Type: 'AWS::AmazonMQ::Broker', Properties: { BrokerName: 'b', EncryptionOptions: { UseAwsOwnedKey: true } } },
      Explained: {
        Type: 'AWS::AmazonMQ::Broker',
        Properties: { BrokerName: 'c', EncryptionOptions: { UseAwsOwnedKey: true } },
        Metadata: { [ENCRYPTION_EXCEPTION_METADATA]: 'the service offers no CMK' },
      },
      Managed: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Branded: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    },
  };

  test('an unencrypted volume, a log group without a key and AWS keys without a reason are all refused; the explained exception and the brand key pass', () => {
    expect(buildPosture(inputOf(fixture)).encryption.atRest).toEqual({
      'AmazonMQ::Broker b': 'aws-owned (no reason given)',
      'AmazonMQ::Broker c': 'aws-owned (reason: the service offers no CMK)',
      'EC2::Volume Volume': 'unencrypted',
      'Logs::LogGroup /x': 'aws-owned (no reason given)',
      'SecretsManager::Secret Branded': 'alias/brandstack/acme/platform',
      'SecretsManager::Secret Managed': 'aws-managed alias/aws/secretsmanager (no reason given)',
    });
    expect(refused(StatefulResourcesEncryptedWithBrandKey, fixture).sort()).toEqual([
      'AWS::AmazonMQ::Broker b',
      'AWS::EC2::Volume Volume',
      'AWS::Logs::LogGroup /x',
      'AWS::SecretsManager::Secret Managed',
    ]);
  });

  test("a key of another brand's alias is no brand key", () => {
    const other = structuredClone(fixture) as { Resources: Record<string, any> };
    other.Resources.KeyAlias.Properties.AliasName = 'alias/brandstack/koala/platform';
    expect(refused(StatefulResourcesEncryptedWithBrandKey, other)).toContain('AWS::SecretsManager::Secret Branded');
  });

  test('a key reads the same everywhere: by its alias, a key without one by its logical id', () => {
    const { atRest } = buildPosture(
      inputOf({
        Resources: {
          P: { Type: 'AWS::KMS::Key', Properties: {} },
          PAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/brandstack/acme/platform', TargetKeyId: { 'Fn::GetAtt': ['P', 'Arn'] } } },
          C: { Type: 'AWS::KMS::Key', Properties: {} },
          CAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/brandstack/acme/globex', TargetKeyId: { Ref: 'C' } } },
          BareKey1234ABCD: { Type: 'AWS::KMS::Key', Properties: {} },
          Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['P', 'Arn'] } } },
          Data: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, KmsKeyId: { Ref: 'C' } } },
          ByAlias: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, KmsKeyId: 'alias/brandstack/acme/globex' } },
          Bare: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, KmsKeyId: { 'Fn::GetAtt': ['BareKey1234ABCD', 'Arn'] } } },
          Default: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true } },
        },
      }),
    ).encryption;
    expect(atRest).toEqual({
      'EC2::Volume Bare': 'BareKey (no alias)',
      'EC2::Volume ByAlias': 'alias/brandstack/acme/globex',
      'EC2::Volume Data': 'alias/brandstack/acme/globex',
      'EC2::Volume Default': 'aws-managed alias/aws/ebs (no reason given)',
      'SecretsManager::Secret Secret': 'alias/brandstack/acme/platform',
    });
  });
});
