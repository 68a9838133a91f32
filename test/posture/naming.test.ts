/** The one spelling of names: hash suffixes, references, values and keys. */
import { BRAND_TAGS, CUSTOMER_ENCRYPTION_CONTEXT_KEY } from '../../lib/config/naming';
import { keyAlias, platformKeyAlias } from '../../lib/config/naming';
import { CUSTOMER_CONTEXT_CONDITION } from '../../lib/posture/facts/encryption';
import { REQUIRED_BRAND_TAGS } from '../../lib/posture/rules/placement/brand-tags-on-every-resource';
import { describeValue, keyLabel, keyOf, referencedIds, referenceOf, stripHash, templateText } from '../../lib/posture/naming';
import { TemplateView } from '../../lib/posture/template';

describe('stripHash', () => {
  test.each([
    ['NetworkMongoSecurityGroupC437F92C', 'NetworkMongoSecurityGroup'],
    // An instance's id carries a second hash of its user data.
    ['BastionInstanceD5ADABD54f5bb9f88861136e', 'BastionInstance'],
    // The RDS secret's id carries a 32-character hash of its generation options.
    ['BrandStackDatabaseClusterSecret5AD956563fdaad7efa858a3daf9490cf0a702aeb', 'BrandStackDatabaseClusterSecret'],
    ['IdentityRoletokenservice9BDBFF54', 'IdentityRoletokenservice'],
    ['BastionAuthLog', 'BastionAuthLog'],
    // Nothing but eight hex digits: a name, not a suffix.
    ['ABCDEF12', 'ABCDEF12'],
  ])('%s → %s', (id, name) => {
    expect(stripHash(id)).toBe(name);
  });

  test('an id that is nothing but a hash keeps its first character', () => {
    expect(stripHash('A1234567F')).toBe('A');
  });
});

describe('references', () => {
  test('Ref, Fn::GetAtt and the placeholders templateText writes are one reference', () => {
    expect(referenceOf({ Ref: 'Key' })).toEqual({ logicalId: 'Key' });
    expect(referenceOf({ 'Fn::GetAtt': ['Key', 'Arn'] })).toEqual({ logicalId: 'Key', attribute: 'Arn' });
    expect(referenceOf(templateText({ Ref: 'Key' }))).toEqual({ logicalId: 'Key' });
    expect(referenceOf(templateText({ 'Fn::GetAtt': ['Key', 'Arn'] }))).toEqual({ logicalId: 'Key' });
    expect(referenceOf('arn:aws:kms:eu-central-1:111111111111:key/x')).toBeUndefined();
    expect(referenceOf({ 'Fn::Join': ['', ['a', { Ref: 'Key' }]] })).toBeUndefined();
  });

  test('templateText flattens Fn::Join with placeholders that survive JSON', () => {
    const text = templateText({ 'Fn::Join': ['', ['{"key":"', { 'Fn::GetAtt': ['Key', 'Arn'] }, '","sub":"', { 'Fn::Sub': 'x' }, '"}']] });
    expect(JSON.parse(text)).toEqual({ key: '{{GetAtt:Key}}', sub: '{{Sub}}' });
  });

  test('referencedIds finds references nested in ARNs and policies', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-central-1:111111111111:cluster:', { Ref: 'DatabaseCluster5B53A178' }]] };
    expect(referencedIds([arn, { AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } }])).toEqual(new Set(['AWS::Partition', 'DatabaseCluster5B53A178', 'Role']));
  });
});

describe('keys and values', () => {
  const view = new TemplateView({
    Resources: {
      PlatformKeyE2C4B3BA: { Type: 'AWS::KMS::Key', Properties: {} },
      PlatformAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: platformKeyAlias('acme'), TargetKeyId: { 'Fn::GetAtt': ['PlatformKeyE2C4B3BA', 'Arn'] } } },
      LooseKey0A1B2C3D: { Type: 'AWS::KMS::Key', Properties: {} },
      Vpc3C2B23B4: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.10.0.0/16' } },
      GroupC437F92C: { Type: 'AWS::EC2::SecurityGroup', Properties: {} },
    },
  });

  test('a key of the stack by its alias, whichever way it is referenced; else by its logical id', () => {
    const platform = { kind: 'stack', logicalId: 'PlatformKeyE2C4B3BA', alias: 'alias/brandstack/acme/platform' };
    expect(keyOf(view, { Ref: 'PlatformKeyE2C4B3BA' })).toEqual(platform);
    expect(keyOf(view, { 'Fn::GetAtt': ['PlatformKeyE2C4B3BA', 'Arn'] })).toEqual(platform);
    expect(keyOf(view, '{{GetAtt:PlatformKeyE2C4B3BA}}')).toEqual(platform);
    expect(keyOf(view, 'alias/brandstack/acme/platform')).toEqual(platform);
    expect(keyOf(view, { Ref: 'PlatformAlias' })).toEqual(platform);
    expect(keyLabel(keyOf(view, { Ref: 'LooseKey0A1B2C3D' }))).toBe('LooseKey (no alias)');
    expect(keyOf(view, 'alias/aws/rds')).toEqual({ kind: 'aws-managed', alias: 'alias/aws/rds' });
    expect(keyOf(view, 'arn:aws:kms:eu-central-1:222222222222:key/x')).toEqual({ kind: 'external', reference: 'arn:aws:kms:eu-central-1:222222222222:key/x' });
  });

  test('describeValue names what a value refers to', () => {
    expect(describeValue(view, { 'Fn::GetAtt': ['PlatformKeyE2C4B3BA', 'Arn'] })).toBe('alias/brandstack/acme/platform');
    expect(describeValue(view, { 'Fn::GetAtt': ['Vpc3C2B23B4', 'CidrBlock'] })).toBe('10.10.0.0/16');
    expect(describeValue(view, { 'Fn::GetAtt': ['GroupC437F92C', 'GroupId'] })).toBe('Group');
    expect(describeValue(view, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['BastionInstanceD5ADABD54f5bb9f88861136e', 'PrivateIp'] }, '/32']] })).toBe('BastionInstance.PrivateIp/32');
    expect(describeValue(view, { Ref: 'AWS::Region' })).toBe('AWS::Region');
    expect(describeValue(view, undefined)).toBe('none');
  });

  test('the posture checks the tags and encryption context of lib/config/naming.ts', () => {
    expect(CUSTOMER_CONTEXT_CONDITION).toBe(`kms:EncryptionContext:${CUSTOMER_ENCRYPTION_CONTEXT_KEY}`);
    expect([...REQUIRED_BRAND_TAGS].sort()).toEqual(Object.values(BRAND_TAGS).sort());
    expect(keyAlias('acme', 'globex')).toBe('alias/brandstack/acme/globex');
  });
});
