import { Match } from 'aws-cdk-lib/assertions';
import { encryptionPosture, ENCRYPTION_EXCEPTION_METADATA } from '../../lib/posture/sections/encryption';
import { TemplateView, type CfnTemplate } from '../../lib/posture/template';
import { EXAMPLE_TARGETS, synthTarget } from '../helpers/synth';

/** Labels a stateful resource may carry: a CMK of the brand, or an exception with its reason. */
const ACCEPTED = /^(brand-platform|customer:[a-z0-9_-]+)(;|$)|^aws-(owned|managed)\b.*\(reason: .+\)/;

function postureOf(template: CfnTemplate) {
  return encryptionPosture({ stackName: 'Test', region: 'eu-central-1', template: new TemplateView(template) });
}

describe.each(EXAMPLE_TARGETS)('encryption of BrandStack $brand/$stage', (target) => {
  const synthesized = () => synthTarget(target);

  test('every secret and every log group in the template is encrypted with a KMS key of the stack', () => {
    const resources = Object.entries<any>(synthesized().json.Resources);
    const keys = new Set(resources.filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id));
    const guarded = resources.filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret' || r.Type === 'AWS::Logs::LogGroup');
    expect(guarded.length).toBeGreaterThan(5);
    const notUnderStackKey = guarded.filter(([, r]) => !keys.has(r.Properties?.KmsKeyId?.['Fn::GetAtt']?.[0] ?? r.Properties?.KmsKeyId?.Ref)).map(([id]) => id);
    expect(notUnderStackKey).toEqual([]);
  });

  test('nothing stateful is unencrypted, and an AWS-owned or AWS-managed key only with its reason', () => {
    const { atRest } = synthesized().posture.encryption;
    const refused = Object.entries(atRest).filter(([, label]) => !ACCEPTED.test(label));
    expect(refused).toEqual([]);
    expect(Object.values(atRest).filter((label) => label.startsWith('aws-owned'))).toEqual([expect.stringContaining('Amazon MQ for RabbitMQ supports only AWS-owned KMS keys')]);
  });

  test('keys: one per customer and the platform key, all rotated SYMMETRIC_DEFAULT; customer keys not usable by the account root', () => {
    const { keys } = synthesized().posture.encryption;
    const customers = target.brand === 'acme' ? ['acme-retail', 'acme-wholesale', 'globex'] : ['koala-mobile', 'koala-broadband'];
    expect(Object.keys(keys).sort()).toEqual([...customers, 'platform'].map((c) => `alias/brandstack/${target.brand}/${c}`).sort());
    for (const description of Object.values(keys)) expect(description).toMatch(/; SYMMETRIC_DEFAULT; rotation on; deletion window (7|30) days;/);
    for (const customer of customers) expect(keys[`alias/brandstack/${target.brand}/${customer}`]).toContain('account root administers, cannot use');
  });

  test('TLS is enforced by every data service; Aurora, DocumentDB and the brand-tagged EBS volumes are in backup plans', () => {
    const { posture, template } = synthesized();
    const { inTransit, backups } = posture.encryption;
    const name = `brandstack-${target.brand}-${target.stage}`;
    expect(inTransit).toEqual({
      [`AmazonMQ::Broker ${name}`]: expect.stringMatching(/^AMQPS only: .*; private$/),
      [`DocDB::DBCluster ${name}-mongo`]: 'TLS required (tls=enabled); audit_logs=enabled',
      [`RDS::DBCluster ${name}`]: 'TLS required (rds.force_ssl=1, minimum TLSv1.2)',
    });
    expect(backups[`RDS::DBCluster ${name}`]).toContain(`AWS Backup ${name}-continuous: continuous (point-in-time)`);
    expect(backups[`DocDB::DBCluster ${name}-mongo`]).toContain(`AWS Backup ${name}-daily`);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        SelectionName: 'Volumes',
        Conditions: {
          StringEquals: [
            { ConditionKey: 'aws:ResourceTag/brandstack:brand', ConditionValue: target.brand },
            { ConditionKey: 'aws:ResourceTag/brandstack:stage', ConditionValue: target.stage },
          ],
        },
      }),
    });
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

describe('encryption posture guards', () => {
  test('an unencrypted volume, a log group without a key and an AWS-owned key without a reason are all refused', () => {
    const { atRest } = postureOf({
      Resources: {
        Volume: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: false } },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x' } },
        Broker: { Type: 'AWS::AmazonMQ::Broker', Properties: { BrokerName: 'b', EncryptionOptions: { UseAwsOwnedKey: true } } },
        Explained: {
          Type: 'AWS::AmazonMQ::Broker',
          Properties: { BrokerName: 'c', EncryptionOptions: { UseAwsOwnedKey: true } },
          Metadata: { [ENCRYPTION_EXCEPTION_METADATA]: 'the service offers no CMK' },
        },
      },
    });
    expect(atRest).toEqual({
      'AmazonMQ::Broker b': 'aws-owned (no reason given)',
      'AmazonMQ::Broker c': 'aws-owned (reason: the service offers no CMK)',
      'EC2::Volume Volume': 'unencrypted',
      'Logs::LogGroup /x': 'aws-owned (no reason given)',
    });
    expect(Object.values(atRest).filter((label) => ACCEPTED.test(label))).toEqual(['aws-owned (reason: the service offers no CMK)']);
  });

  test('keys are named through their aliases: brand-platform, customer:<id>', () => {
    const { atRest } = postureOf({
      Resources: {
        P: { Type: 'AWS::KMS::Key', Properties: {} },
        PAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/brandstack/acme/platform', TargetKeyId: { 'Fn::GetAtt': ['P', 'Arn'] } } },
        C: { Type: 'AWS::KMS::Key', Properties: {} },
        CAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/brandstack/acme/globex', TargetKeyId: { Ref: 'C' } } },
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['P', 'Arn'] } } },
        Data: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, KmsKeyId: { Ref: 'C' } } },
        Default: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true } },
      },
    });
    expect(atRest).toEqual({
      'EC2::Volume Data': 'customer:globex',
      'EC2::Volume Default': 'aws-managed alias/aws/ebs (no reason given)',
      'SecretsManager::Secret Secret': 'brand-platform',
    });
  });
});
