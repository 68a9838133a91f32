import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BrandKeys, CUSTOMER_ENCRYPTION_CONTEXT_KEY, type BrandKeysProps } from '../../../lib/constructs/keys/brand-keys';

function build(props: Partial<BrandKeysProps> = {}, withGrant = false) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
  const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['acme-retail', 'globex'], deletionWindow: Duration.days(30), ...props });
  if (withGrant) {
    const role = new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    keys.grantCustomerEnvelopeEncryption(role);
  }
  return { keys, template: Template.fromStack(stack), stack };
}

/** The key policy of the key an alias points at. */
function policyOf(template: Template, alias: string): any[] {
  const aliases = template.findResources('AWS::KMS::Alias', { Properties: { AliasName: alias } });
  const [aliasResource] = Object.values(aliases) as any[];
  const keyId = aliasResource.Properties.TargetKeyId['Fn::GetAtt'][0];
  return template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
}

const USE_ACTIONS = /^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey)/;

describe('BrandKeys', () => {
  test('one rotated SYMMETRIC_DEFAULT key per customer plus the platform key, each with its alias and the deletion window', () => {
    const { template } = build();
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.allResourcesProperties('AWS::KMS::Key', { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', EnableKeyRotation: true, PendingWindowInDays: 30 });
    for (const alias of ['platform', 'acme-retail', 'globex']) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/brandstack/acme/${alias}` });
    }
  });

  test('customer keys: the account root administers but cannot use the key', () => {
    const { template } = build();
    const statements = policyOf(template, 'alias/brandstack/acme/globex');
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Principal)).toContain(':root');
    const actions: string[] = [].concat(statements[0].Action);
    expect(actions).toEqual(expect.arrayContaining(['kms:Put*', 'kms:ScheduleKeyDeletion', 'kms:Describe*']));
    expect(actions.filter((a) => USE_ACTIONS.test(a))).toEqual([]);
  });

  test('grantCustomerEnvelopeEncryption: GenerateDataKey and Decrypt only with the customer encryption context, in each key policy', () => {
    const { template } = build({}, true);
    for (const customer of ['acme-retail', 'globex']) {
      const statements = policyOf(template, `alias/brandstack/acme/${customer}`);
      const use = statements.filter((s) => [].concat(s.Action).some((a: string) => USE_ACTIONS.test(a)));
      expect(use).toEqual([
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^Runtime/), 'Arn'] } },
          Condition: { StringEquals: { [`kms:EncryptionContext:${CUSTOMER_ENCRYPTION_CONTEXT_KEY}`]: customer } },
        }),
      ]);
    }
  });

  test('the platform key admits CloudWatch Logs of this account and region only', () => {
    const { template } = build();
    const statements = policyOf(template, 'alias/brandstack/acme/platform');
    const logs = statements.filter((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(logs).toEqual([expect.objectContaining({ Principal: { Service: 'logs.eu-central-1.amazonaws.com' } })]);
    expect(Object.keys(logs[0].Condition.ArnLike)).toEqual(['kms:EncryptionContext:aws:logs:arn']);
    expect(JSON.stringify(logs[0].Condition)).toContain(':logs:eu-central-1:111111111111:log-group:*');
  });

  test('customerKey names the known customers when asked for an unknown one', () => {
    const { keys } = build();
    expect(keys.customers).toEqual(['acme-retail', 'globex']);
    expect(() => keys.customerKey('initech')).toThrow("no key for customer 'initech'; customers: acme-retail, globex");
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ deletionWindow: Duration.days(3) })).toThrow("'deletionWindow' must be 7 to 30 days");
    expect(() => build({ customers: ['globex', 'globex'] })).toThrow("'customers' lists 'globex' more than once");
    expect(() => build({ customers: ['platform'] })).toThrow("'customers' cannot contain 'platform'");
  });
});

describe('BrandKeys.grantCustomerEnvelopeEncryption returns an iam.Grant', () => {
  test('the grant holds the key-policy statements of every customer key, and nothing on the principal', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['acme-retail', 'globex'], deletionWindow: Duration.days(30) });
    const role = new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const grant = keys.grantCustomerEnvelopeEncryption(role);
    expect(grant).toBeInstanceOf(iam.Grant);
    expect(grant.success).toBe(true);
    // Two statements per key: envelope use under the customer's context, and DescribeKey.
    expect(grant.resourceStatements.map((s) => s.actions.join(','))).toEqual([
      'kms:GenerateDataKey,kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKey,kms:Decrypt',
      'kms:DescribeKey',
    ]);
    expect(grant.principalStatements).toEqual([]);
    // The keys do not delegate use to IAM, so nothing is attached to the role.
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a grant for a customer without a key, or for no customer, is refused and names the customers', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['acme-retail'], deletionWindow: Duration.days(30) });
    const role = new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    expect(() => keys.grantCustomerEnvelopeEncryption(role, ['globex'])).toThrow("BrandKeys: no key for customer 'globex'; customers: acme-retail");
    expect(() => keys.grantCustomerEnvelopeEncryption(role, [])).toThrow('BrandKeys: grantCustomerEnvelopeEncryption needs at least one customer; customers: acme-retail');
  });
});
