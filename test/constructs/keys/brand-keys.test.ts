import { App, CliCredentialsStackSynthesizer, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BrandKeys, CUSTOMER_ENCRYPTION_CONTEXT_KEY, type BrandKeysProps } from '../../../lib/constructs/keys/brand-keys';
import { buildPosture, postureFacts, TemplateView, type CfnTemplate } from '../../../lib/posture';
import { CustomerKeyGrantsOnlyForAwsResources } from '../../../lib/posture/rules/keys/customer-key-grants-only-for-aws-resources';
import { CustomerKeyUseBoundToEncryptionContext } from '../../../lib/posture/rules/keys/customer-key-use-bound-to-encryption-context';
import { CustomerKeysNotUsableByAccountRoot } from '../../../lib/posture/rules/keys/customer-keys-not-usable-by-account-root';
import { actionMatches, cryptographicOperationsAllowed } from '../../../lib/posture/rules/keys/iam-actions';

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

  test('customer keys: the account root administers with a fixed action list, and cannot use the key', () => {
    const { template } = build();
    const statements = policyOf(template, 'alias/brandstack/acme/globex');
    expect(statements.map((s) => s.Sid)).toEqual(['KeyAdministration', 'GrantsOnlyForAwsResources']);
    const [administration] = statements;
    expect(JSON.stringify(administration.Principal)).toContain(':root');
    const actions: string[] = [].concat(administration.Action);
    expect(actions).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DescribeKey', 'kms:CreateAlias', 'kms:EnableKeyRotation']));
    // No wildcard, so a new KMS operation is never picked up; no grant and no use.
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.filter((a) => /CreateGrant/.test(a))).toEqual([]);
    expect(cryptographicOperationsAllowed(actions)).toEqual([]);
  });

  test('customer keys: the account root may create a grant only for an AWS resource, never one for itself', () => {
    const { template } = build();
    const grants = policyOf(template, 'alias/brandstack/acme/globex').filter((s) => [].concat(s.Action).some((a: string) => actionMatches(a, 'kms:CreateGrant')));
    expect(grants).toEqual([
      expect.objectContaining({
        Sid: 'GrantsOnlyForAwsResources',
        Action: 'kms:CreateGrant',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    ]);
    expect(JSON.stringify(grants[0].Principal)).toContain(':root');
  });

  test('customer keys: no statement for the account root allows a cryptographic operation or an unconditioned grant', () => {
    const { template } = build({}, true);
    for (const customer of ['acme-retail', 'globex']) {
      for (const s of policyOf(template, `alias/brandstack/acme/${customer}`).filter((st) => JSON.stringify(st.Principal).includes(':root'))) {
        const actions: string[] = [].concat(s.Action);
        expect(cryptographicOperationsAllowed(actions)).toEqual([]);
        if (actions.some((a) => actionMatches(a, 'kms:CreateGrant'))) expect(s.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      }
    }
  });

  test('named key administrators replace the account root, with the CloudFormation execution role that deploys the key', () => {
    const admin = 'arn:aws:iam::111111111111:role/acme-key-admins';
    const { template } = build({ keyAdministrators: [new iam.ArnPrincipal(admin)] });
    const statements = policyOf(template, 'alias/brandstack/acme/globex');
    expect(JSON.stringify(statements)).not.toContain(':root');
    const deployer = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-central-1' };
    for (const s of statements) expect(s.Principal).toEqual({ AWS: [admin, deployer] });
    expect(statements[1].Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    // The platform key keeps the AWS default: the account decides through IAM.
    expect(JSON.stringify(policyOf(template, 'alias/brandstack/acme/platform'))).toContain(':root');
  });

  test('named key administrators need the DefaultStackSynthesizer, whose execution role must keep administering the key', () => {
    const stack = new Stack(new App(), 'Cli', { env: { account: '111111111111', region: 'eu-central-1' }, synthesizer: new CliCredentialsStackSynthesizer() });
    expect(
      () => new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['globex'], deletionWindow: Duration.days(30), keyAdministrators: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/a')] }),
    ).toThrow("BrandKeys: 'keyAdministrators' needs the DefaultStackSynthesizer");
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

describe('the posture of BrandKeys says what the key policies enforce', () => {
  /** The posture facts and rendered key lines of a stack holding only BrandKeys, tagged for brand acme. */
  function posture(props: Partial<BrandKeysProps> = {}) {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    Tags.of(stack).add('brandstack:brand', 'acme');
    const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['acme-retail', 'globex'], deletionWindow: Duration.days(30), ...props });
    keys.grantCustomerEnvelopeEncryption(new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') }));
    const template = new TemplateView(Template.fromStack(stack).toJSON() as CfnTemplate);
    const input = { stackName: 'Test', region: 'eu-central-1', template };
    return { facts: postureFacts(input), keys: buildPosture(input).encryption.keys };
  }

  test('default: the account root administers, may create grants only for AWS resources, and cannot use the key', () => {
    const { facts, keys } = posture();
    const globex = facts.encryption.keys.find((k) => k.purpose.kind === 'customer' && k.purpose.customer === 'globex')!;
    expect(globex.administrators).toEqual(['account root']);
    expect(keys['alias/brandstack/acme/globex']).toContain(
      'key policy: account root may create grants only for AWS resources, 1 grantee(s) with the customer encryption context; administrators (may rewrite the key policy; none may use the key directly): account root (IAM policies of the account decide who)',
    );
    for (const rule of [CustomerKeysNotUsableByAccountRoot, CustomerKeyGrantsOnlyForAwsResources, CustomerKeyUseBoundToEncryptionContext]) {
      expect([rule.id, rule.check(facts)]).toEqual([rule.id, { compliant: true }]);
    }
  });

  test('named administrators are shown by ARN, with the CloudFormation execution role', () => {
    const { facts, keys } = posture({ keyAdministrators: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/acme-key-admins')] });
    const globex = facts.encryption.keys.find((k) => k.purpose.kind === 'customer' && k.purpose.customer === 'globex')!;
    expect(globex.administrators).toEqual([
      'arn:aws:iam::111111111111:role/acme-key-admins',
      'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-central-1',
    ]);
    expect(keys['alias/brandstack/acme/globex']).toContain('named principals may create grants only for AWS resources');
    expect(keys['alias/brandstack/acme/globex']).toContain('administrators (may rewrite the key policy; none may use the key directly): arn:aws:iam::111111111111:role/acme-key-admins, arn:${AWS::Partition}');
    for (const rule of [CustomerKeysNotUsableByAccountRoot, CustomerKeyGrantsOnlyForAwsResources]) expect([rule.id, rule.check(facts)]).toEqual([rule.id, { compliant: true }]);
  });

  test('the platform key shows the account root as administrator that may also use it', () => {
    const { keys } = posture();
    expect(keys['alias/brandstack/acme/platform']).toContain('administrators (may rewrite the key policy; some may also use the key): account root');
  });
});
