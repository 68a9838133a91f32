/**
 * Issue 3, rule by rule, on the synthesized BrandStack of every example brand
 * and stage: through the posture model where it states the rule, and through
 * the template where the rule is about every resource of a type.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { STAGE_PROFILES } from '../../../lib/config/stages';
import { findRegion } from '../../../lib/config/regions';
import { BrandRegistry } from '../../../lib/config/registry';
import { AUTH_FAILURE_TERMS } from '../../../lib/constructs/logging/auth-failure-alarm';
import { parseRule, type IngressRule } from '../../../lib/posture';
import { bastionAmiFor } from '../../../lib/config/bastion-amis';
import { EXAMPLE_TARGETS, synthTarget } from '../../helpers/synth';

const registry = BrandRegistry.load();
const WORLD = ['0.0.0.0/0', '::/0'];

/** Whether a rule's port range (or all traffic) covers `port`. */
function covers(rule: { protocol: string; ports: string }, port: number): boolean {
  if (rule.protocol === 'all' || rule.ports === 'all') return true;
  const [from, to = from] = rule.ports.split('-').map(Number);
  return from <= port && port <= to;
}

function resourcesOf(json: any, type: string): Array<[string, any]> {
  return Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

describe.each(EXAMPLE_TARGETS)('brand network $brand/$stage', (target) => {
  const synthesized = () => synthTarget(target);
  const brand = registry.brands.find((b) => b.id === target.brand)!;
  const region = findRegion(brand.homeRegion)!;
  const network = () => synthesized().posture.network;
  const vpc = (name: string) => network().vpcs.find((v) => v.vpc === name)!;
  const workloadCidrs = () => vpc('NetworkAppVpc').subnets.filter((s) => s.startsWith('Workload ')).map((s) => s.split(' ')[1]);
  const ingress = (): IngressRule[] => network().ingress.map(parseRule);
  const rulesOf = (group: string): IngressRule[] => ingress().filter((rule) => rule.securityGroup === group);

  test('three VPCs with the brand file CIDRs, subnets in the catalog zones', () => {
    expect(network().vpcs.map((v) => [v.vpc, v.cidr])).toEqual([
      ['NetworkAppVpc', brand.network.appCidr],
      ['NetworkMongoVpc', brand.network.mongoCidr],
      ['NetworkRabbitVpc', brand.network.rabbitCidr],
    ]);
    for (const v of network().vpcs) {
      expect(new Set(v.subnets.map((s) => s.split(' ')[2]))).toEqual(new Set(region.zones));
    }
    synthesized().template.resourceCountIs('AWS::EC2::VPC', 3);
  });

  test('application VPC: public, workload and database subnets in each zone; nothing gets a public IP automatically', () => {
    const groups = vpc('NetworkAppVpc').subnets.map((s) => `${s.split(' ')[0]} ${s.split(' ')[2]}`);
    expect(groups.sort()).toEqual(['Database', 'Public', 'Workload'].flatMap((g) => region.zones.map((z) => `${g} ${z}`)).sort());
    expect(vpc('NetworkAppVpc').subnets.filter((s) => s.includes('public IPs on launch'))).toEqual([]);
    const autoPublic = resourcesOf(synthesized().json, 'AWS::EC2::Subnet').filter(([, subnet]) => subnet.Properties.MapPublicIpOnLaunch === true);
    expect(autoPublic).toEqual([]);
  });

  test('data VPCs have isolated subnets only and no internet gateway; only the application VPC has one', () => {
    expect(network().vpcs.map((v) => [v.vpc, v.internetGateway])).toEqual([
      ['NetworkAppVpc', true],
      ['NetworkMongoVpc', false],
      ['NetworkRabbitVpc', false],
    ]);
    for (const name of ['NetworkMongoVpc', 'NetworkRabbitVpc']) {
      expect(vpc(name).subnets.map((s) => s.split(' ')[0])).toEqual(['Data', 'Data', 'Data']);
    }
    // No NAT gateway or internet route in a data VPC: every route to 0.0.0.0/0 leaves from an application subnet.
    const json = synthesized().json;
    const appRouteTables = new Set(
      resourcesOf(json, 'AWS::EC2::SubnetRouteTableAssociation')
        .filter(([, a]) => JSON.stringify(a.Properties.SubnetId).includes('NetworkAppVpc'))
        .map(([, a]) => a.Properties.RouteTableId.Ref),
    );
    const defaultRoutes = resourcesOf(json, 'AWS::EC2::Route').filter(([, r]) => r.Properties.DestinationCidrBlock === '0.0.0.0/0');
    expect(defaultRoutes.length).toBe(6); // 3 public -> IGW, 3 workload -> NAT
    for (const [, route] of defaultRoutes) expect(appRouteTables.has(route.Properties.RouteTableId.Ref)).toBe(true);
  });

  test('every VPC locks its default security group', () => {
    expect(network().vpcs.map((v) => v.defaultSecurityGroupRestricted)).toEqual([true, true, true]);
  });

  test('every VPC has a flow log of all traffic to a log group encrypted with the platform key, kept as long as the stage says', () => {
    const days = STAGE_PROFILES[target.stage].logRetention;
    for (const v of network().vpcs) {
      expect(v.flowLogs).toEqual([expect.stringMatching(new RegExp(`^ALL to log group \\S+ \\(encrypted with alias/brandstack/${brand.id}/platform, ${days} days\\)$`))]);
    }
    synthesized().template.resourceCountIs('AWS::EC2::FlowLog', 3);
  });

  test('two peerings, application with MongoDB and with RabbitMQ, never MongoDB with RabbitMQ; DNS resolves across both', () => {
    expect(network().peerings.map((p) => [p.requester, p.accepter, p.dnsResolution])).toEqual([
      [`NetworkAppVpc (${brand.network.appCidr})`, `NetworkMongoVpc (${brand.network.mongoCidr})`, true],
      [`NetworkAppVpc (${brand.network.appCidr})`, `NetworkRabbitVpc (${brand.network.rabbitCidr})`, true],
    ]);
    synthesized().template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 2);
  });

  test('routes both ways between every workload subnet and every data subnet, and no other subnet (bastion console path aside)', () => {
    for (const [peering, dataVpc] of [
      ['NetworkMongoPeeringConnection', 'NetworkMongoVpc'],
      ['NetworkRabbitPeeringConnection', 'NetworkRabbitVpc'],
    ]) {
      const routes = network().peerings.find((p) => p.peering === peering)!.routes;
      const workload = vpc('NetworkAppVpc').subnets.filter((s) => s.startsWith('Workload ')).map((s) => label('NetworkAppVpc', s));
      const data = vpc(dataVpc).subnets.map((s) => label(dataVpc, s));
      const expected = workload.flatMap((w) => data.flatMap((d) => [`${w} -> ${d}`, `${d} -> ${w}`]));
      if (dataVpc === 'NetworkRabbitVpc') {
        // The bastion reaches the RabbitMQ console: its subnet to the data subnets, and the data subnets back to its address only.
        const bastionSubnet = vpc('NetworkAppVpc').subnets.find((s) => s.startsWith('Public ') && s.endsWith(` ${region.zones[0]}`))!;
        expected.push(...data.flatMap((d) => [`${label('NetworkAppVpc', bastionSubnet)} -> ${d}`, `${d} -> BastionInstance.PrivateIp/32`]));
      }
      expect([...routes].sort()).toEqual(expected.sort());
    }
  });

  test('network ACLs of the data VPCs admit only the application VPC (the bastion is in it) and answer only to it', () => {
    const acls = network().networkAcls;
    expect(acls.map((acl) => acl.acl)).toEqual(['NetworkMongoAcl', 'NetworkRabbitAcl']);
    expect(acls[0].entries).toEqual([`ingress 100 allow tcp 27017 from ${brand.network.appCidr}`, `egress 100 allow tcp 1024-65535 to ${brand.network.appCidr}`]);
    expect(acls[1].entries).toEqual([
      `ingress 100 allow tcp 5671 from ${brand.network.appCidr}`,
      'ingress 200 allow tcp 443 from BastionInstance.PrivateIp/32',
      `egress 100 allow tcp 1024-65535 to ${brand.network.appCidr}`,
    ]);
    expect(acls[0].subnets).toHaveLength(3);
    expect(acls[0].subnets.every((s) => s.startsWith('NetworkMongoVpc/Data '))).toBe(true);
    expect(acls[1].subnets.every((s) => s.startsWith('NetworkRabbitVpc/Data '))).toBe(true);
  });

  test('MongoDB admits only 27017 from the workload subnets; Aurora only 5432 from them', () => {
    expect(rulesOf('NetworkMongoSecurityGroup').map((r) => `${r.protocol} ${r.ports} ${r.source}`).sort()).toEqual(workloadCidrs().map((c) => `tcp 27017 ${c}`).sort());
    expect(rulesOf('NetworkDatabaseSecurityGroup').map((r) => `${r.protocol} ${r.ports} ${r.source}`).sort()).toEqual(workloadCidrs().map((c) => `tcp 5432 ${c}`).sort());
  });

  test('RabbitMQ admits only 5671 from the workload subnets, and its console (443) from the bastion only', () => {
    expect(rulesOf('NetworkRabbitSecurityGroup').map((r) => `${r.protocol} ${r.ports} ${r.source}`).sort()).toEqual(
      [...workloadCidrs().map((c) => `tcp 5671 ${c}`), 'tcp 443 sg:BastionSecurityGroup'].sort(),
    );
  });

  test('the data security groups open no connection of their own', () => {
    const { template } = synthesized();
    for (const description of ['MongoDB (TLS)', 'RabbitMQ (AMQPS)', 'Aurora PostgreSQL']) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp(`^${description.replace(/[()]/g, '\\$&')}`),
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
      });
    }
  });

  test('no ingress rule admits 0.0.0.0/0 or ::/0 except on 443', () => {
    const worldOpen = ingress().filter((rule) => WORLD.includes(rule.source));
    expect(worldOpen.filter((rule) => !(rule.protocol === 'tcp' && rule.ports === '443'))).toEqual([]);
  });

  test('plaintext AMQP (5672) is open nowhere', () => {
    const rules = ingress();
    expect(rules.filter((rule) => rule.ports.split('-').includes('5672'))).toEqual([]);
    expect(rulesOf('NetworkRabbitSecurityGroup').filter((rule) => covers(rule, 5672))).toEqual([]);
    expect(network().networkAcls.flatMap((acl) => acl.entries).filter((entry) => /^ingress .* (5672|all) from/.test(entry))).toEqual([]);
    // Nor on the broker itself: only TLS ports are ever named in security group rules of the template.
    expect(JSON.stringify(synthesized().json)).not.toMatch(/"(FromPort|ToPort)":5672\b/);
  });

  test('SSH (22) is admitted only from the VPN CIDR, and only to the bastion', () => {
    // All-traffic rules between security groups (EKS node-to-node) are not SSH exposure; every CIDR is.
    const ssh = ingress().filter((rule) => rule.protocol !== 'udp' && covers(rule, 22) && !(rule.protocol === 'all' && rule.source.startsWith('sg:')));
    expect(ssh).toEqual([{ securityGroup: 'BastionSecurityGroup', protocol: 'tcp', ports: '22', source: brand.network.vpnCidr }]);
  });

  test('the bastion is the only public host, reachable on SSH from the VPN only', () => {
    expect(network().internetReachable).toEqual([`BastionInstance (public via Elastic IP BastionAddress) admits tcp 22 from ${brand.network.vpnCidr}`]);
    synthesized().template.resourceCountIs('AWS::EC2::Instance', 1);
  });

  test('IMDSv2 is required on every instance and every launch template of the stack', () => {
    expect(network().instanceMetadata).toContain('BastionInstance: IMDSv2 required');
    expect(network().instanceMetadata.filter((line) => !line.endsWith(': IMDSv2 required'))).toEqual([]);
    const json = synthesized().json;
    const templates = new Map(resourcesOf(json, 'AWS::EC2::LaunchTemplate'));
    const requiresV2 = (metadata: any) => metadata?.HttpTokens === 'required';
    for (const [id, launchTemplate] of templates) {
      expect([id, requiresV2(launchTemplate.Properties.LaunchTemplateData?.MetadataOptions)]).toEqual([id, true]);
    }
    const viaTemplate = (spec: any) => {
      const ref = spec?.LaunchTemplateId?.Ref ?? spec?.Id?.Ref;
      const byName = [...templates.values()].find((t) => spec?.LaunchTemplateName !== undefined && t.Properties.LaunchTemplateName === spec.LaunchTemplateName);
      return requiresV2((ref ? templates.get(ref) : byName)?.Properties.LaunchTemplateData?.MetadataOptions);
    };
    const instances = resourcesOf(json, 'AWS::EC2::Instance');
    expect(instances.length).toBeGreaterThan(0);
    for (const [id, instance] of instances) {
      expect([id, requiresV2(instance.Properties.MetadataOptions) || viaTemplate(instance.Properties.LaunchTemplate)]).toEqual([id, true]);
    }
    for (const [id, configuration] of resourcesOf(json, 'AWS::AutoScaling::LaunchConfiguration')) {
      expect([id, requiresV2(configuration.Properties.MetadataOptions)]).toEqual([id, true]);
    }
    for (const [id, group] of resourcesOf(json, 'AWS::AutoScaling::AutoScalingGroup')) {
      if (group.Properties.LaunchTemplate) expect([id, viaTemplate(group.Properties.LaunchTemplate)]).toEqual([id, true]);
    }
    for (const [id, nodegroup] of resourcesOf(json, 'AWS::EKS::Nodegroup')) {
      // A node group without a launch template gets EKS's metadata defaults; ours must say required.
      expect([id, viaTemplate(nodegroup.Properties.LaunchTemplate)]).toEqual([id, true]);
    }
  });

  test('the bastion: public subnet, Elastic IP, root volume encrypted with the platform key, no key pair', () => {
    const { template, json } = synthesized();
    const [[, instance]] = resourcesOf(json, 'AWS::EC2::Instance');
    const subnet = json.Resources[instance.Properties.SubnetId.Ref];
    expect(subnet.Properties.Tags).toContainEqual({ Key: 'aws-cdk:subnet-type', Value: 'Public' });
    expect(instance.Properties.KeyName).toBeUndefined();
    expect(instance.Properties.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ Encrypted: true, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^KeysPlatformKey/), 'Arn'] } }) },
    ]);
    // The region's pinned image (lib/config/bastion-amis.ts): neither an SSM parameter resolved at deploy time nor a lookup at synth.
    expect(instance.Properties.ImageId).toBe(bastionAmiFor(region.code));
    expect(Object.keys(json.Parameters ?? {}).filter((name) => name.startsWith('SsmParameterValueawsserviceami'))).toEqual([]);
    template.hasResourceProperties('AWS::EC2::EIP', { InstanceId: { Ref: Match.stringLikeRegexp('^BastionInstance') } });
  });

  test('the bastion role: no AWS-managed policy, and writes only to its own log groups', () => {
    const { json } = synthesized();
    const [[, profile]] = resourcesOf(json, 'AWS::IAM::InstanceProfile');
    const role = json.Resources[profile.Properties.Roles[0].Ref];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain('iam::aws:policy');
    expect(role.Properties.Policies).toBeUndefined();
    const roleRef = profile.Properties.Roles[0].Ref;
    expect(resourcesOf(json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(roleRef))).toEqual([]);
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: expect.stringMatching(/^BastionPolicy/) }]);
    const policy = json.Resources[role.Properties.ManagedPolicyArns[0].Ref];
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const writes = statements.find((s) => s.Sid === 'WriteOwnLogs');
    expect(writes.Resource.map((r: any) => r['Fn::GetAtt'][0])).toEqual([expect.stringMatching(/^BastionAuthLog/), expect.stringMatching(/^BastionSessionLog/)]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('auth and session logs go to KMS-encrypted log groups; sessions use a document that requires the encrypted group', () => {
    const { template, json } = synthesized();
    for (const [id, group] of resourcesOf(json, 'AWS::Logs::LogGroup').filter(([id]) => /^(Bastion|Network)/.test(id))) {
      expect([id, group.Properties.KmsKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.stringMatching(/^KeysPlatformKey/), 'Arn'] }]);
    }
    template.hasResourceProperties('AWS::SSM::Document', {
      DocumentType: 'Session',
      Content: Match.objectLike({ inputs: Match.objectLike({ cloudWatchLogGroupName: { Ref: Match.stringLikeRegexp('^BastionSessionLog') }, cloudWatchEncryptionEnabled: true }) }),
    });
    // The CloudWatch agent ships /var/log/secure to the auth log group.
    const [[, instance]] = resourcesOf(json, 'AWS::EC2::Instance');
    const parts: any[] = instance.Properties.UserData['Fn::Base64']['Fn::Join'][1];
    const groupAt = parts.findIndex((part) => typeof part === 'string' && part.endsWith('"log_group_name":"'));
    expect(parts[groupAt]).toContain('"file_path":"/var/log/secure"');
    expect(parts[groupAt + 1]).toEqual({ Ref: expect.stringMatching(/^BastionAuthLog/) });
  });

  test('repeated authentication failures raise an alarm to the security contact over an encrypted, TLS-only topic', () => {
    const { template, json } = synthesized();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^BastionAuthLog') },
      FilterPattern: AUTH_FAILURE_TERMS.map((term) => `?"${term}"`).join(' '),
    });
    const [[topicId]] = resourcesOf(json, 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeysPlatformKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: brand.securityContactEmail, TopicArn: { Ref: topicId } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // CloudWatch can use the platform key to publish to the encrypted topic.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });
});

/** A posture subnet line (`<group> <cidr> <zone>`) as the route label `<vpc>/<group> <zone> (<cidr>)`. */
function label(vpc: string, subnetLine: string): string {
  const [group, cidr, zone] = subnetLine.split(' ');
  return `${vpc}/${group} ${zone} (${cidr})`;
}
