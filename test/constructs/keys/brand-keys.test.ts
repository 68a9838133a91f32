import { expectedSealStatements } from '../../helpers/seal-statements';
import { App, CliCredentialsStackSynthesizer, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BrandKeys, CUSTOMER_ENCRYPTION_CONTEXT_KEY, RUNTIME_CONTEXT_KEYS, type BrandKeysProps } from '../../../lib/constructs/keys/brand-keys';
import { conditionsHold, kmsRequestContext } from '../../helpers/iam-conditions';
import { PERSONAL_DATA_CONTEXT_KEYS } from '../../../lib/config/naming';
import { CONTEXT as RUNTIME_CONTEXT, indexKeyContext, userKeyContext } from '../../../runtime/src/personal-data/customer-keys';
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

  test('grantCustomerEnvelopeEncryption: GenerateDataKey, Decrypt and ReEncryptFrom/To only with the customer encryption context, in each key policy', () => {
    const { template } = build({}, true);
    for (const customer of ['acme-retail', 'globex']) {
      const statements = policyOf(template, `alias/brandstack/acme/${customer}`);
      const use = statements.filter((s) => [].concat(s.Action).some((a: string) => USE_ACTIONS.test(a)));
      expect(use).toEqual([
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
          Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^Runtime/), 'Arn'] } },
          Condition: { StringEquals: { [`kms:EncryptionContext:${CUSTOMER_ENCRYPTION_CONTEXT_KEY}`]: customer } },
        }),
      ]);
      // Exactly the runtime's operations: no Encrypt, no GenerateDataKeyWithoutPlaintext, no key pairs.
      expect(cryptographicOperationsAllowed(use[0].Action)).toEqual(['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey']);
    }
  });

  test("grantCustomerEnvelopeEncryption: the runtime's contexts pass the customer's own key and no other customer's", () => {
    const { template } = build({}, true);
    const useOf = (customer: string) => policyOf(template, `alias/brandstack/acme/${customer}`).find((s) => [].concat(s.Action).includes('kms:Decrypt' as never))!;
    // The per-user and blind-index contexts, as the runtime builds them.
    const globex = { customer: 'globex', keyRef: 'alias/brandstack/acme/globex' };
    const userKey = userKeyContext(globex, 't-1', 'u-1');
    const indexKey = indexKeyContext(globex, 't-1');
    for (const context of [userKey, indexKey]) {
      expect(conditionsHold(useOf('globex').Condition, kmsRequestContext(context))).toBe(true);
      expect(conditionsHold(useOf('acme-retail').Condition, kmsRequestContext(context))).toBe(false);
    }
    expect(conditionsHold(useOf('globex').Condition, kmsRequestContext({ 'brandstack:tenant': 't-1', 'brandstack:user': 'u-1' }))).toBe(false);
    expect(conditionsHold(useOf('globex').Condition, kmsRequestContext({}))).toBe(false);
    // Case matters in the value: StringEquals is case-sensitive.
    expect(conditionsHold(useOf('globex').Condition, kmsRequestContext({ 'brandstack:customer': 'Globex' }))).toBe(false);
  });

  test("the context keys the grants and the posture name are the runtime's spelling", () => {
    expect(PERSONAL_DATA_CONTEXT_KEYS).toEqual(RUNTIME_CONTEXT);
    expect([RUNTIME_CONTEXT_KEYS.tenant, RUNTIME_CONTEXT_KEYS.purpose]).toEqual([RUNTIME_CONTEXT.tenant, RUNTIME_CONTEXT.purpose]);
  });

  test('grantSigningKeySeal: GenerateDataKey and Decrypt on the platform key only under exactly one of the seal contexts; DescribeKey plain', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['globex'], deletionWindow: Duration.days(30) });
    const role = new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const grant = keys.grantSigningKeySeal(role);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const platformKeyId = stack.getLogicalId(keys.platformKey.node.defaultChild as any);
    const policies = Object.values<any>(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    const platformKey = { 'Fn::GetAtt': [platformKeyId, 'Arn'] };
    expect(statements).toEqual(expectedSealStatements(platformKey));
    /** Whether any seal statement admits a request with this context (the statements are ORed). */
    const admitted = (context: Record<string, string>) => statements.slice(0, 2).some((st: any) => conditionsHold(st.Condition, kmsRequestContext(context)));
    const { tenant, kid, purpose } = RUNTIME_CONTEXT_KEYS;
    const allowedContexts: Array<Record<string, string>> = [
      { [tenant]: 'acme-retail', [kid]: 'Nf2z-thumbprint', [purpose]: 'signing-private-key' },
      { [tenant]: 'acme-retail', [kid]: 'Nf2z-thumbprint', [purpose]: 'signing-public-key' },
      { [tenant]: 'acme-retail', [purpose]: 'document:client-jwks:app-1' },
    ];
    for (const allowed of allowedContexts) {
      expect([allowed, admitted(allowed)]).toEqual([allowed, true]);
    }
    // Any other shape, and every AWS service's context on the platform key, is refused.
    const refused: Array<Record<string, string>> = [
      {},
      { [tenant]: 'acme-retail', [kid]: 'k1' },
      { [tenant]: 'acme-retail', [purpose]: 'signing-private-key' },
      { [kid]: 'k1', [purpose]: 'signing-private-key' },
      { [tenant]: 'acme-retail', [kid]: 'k1', [purpose]: 'blind-index' },
      { [tenant]: 'acme-retail', [kid]: 'k1', [purpose]: 'document:client-jwks:app-1' },
      { [tenant]: 'acme-retail', [purpose]: 'Document:x' },
      { [purpose]: 'document:client-jwks:app-1' },
      { [tenant]: 'acme-retail', [kid]: 'k1', [purpose]: 'signing-private-key', 'brandstack:user': 'u-1' },
      { 'brandstack:customer': 'globex', [tenant]: 't-1', 'brandstack:user': 'u-1' },
      { 'aws:logs:arn': 'arn:aws:logs:eu-central-1:111111111111:log-group:x' },
      { SecretARN: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:db', SecretVersionId: 'v1' },
      { 'aws:ebs:id': 'vol-0123' },
    ];
    for (const other of refused) expect([other, admitted(other)]).toEqual([other, false]);
    // The platform key's policy is unchanged: its account-root kms:* delegates to this IAM policy.
    expect(JSON.stringify(policyOf(template, 'alias/brandstack/acme/platform'))).not.toContain('Runtime');
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
      'kms:GenerateDataKey,kms:Decrypt,kms:ReEncryptFrom,kms:ReEncryptTo',
      'kms:DescribeKey',
      'kms:GenerateDataKey,kms:Decrypt,kms:ReEncryptFrom,kms:ReEncryptTo',
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
