/**
 * The cluster in the synthesized BrandStack, high and low: what a rolled-back or
 * deleted stack leaves behind (only the cluster, its role and its log group, in
 * high; never a Lambda, a Helm release, a manifest or a security group), and who
 * reaches the API (the bastion on 443; the brand's operator roles, each only in
 * its own account).
 */
import { synthTarget } from '../../helpers/synth';
import { HELM_RESOURCE_TYPE, MANIFEST_RESOURCE_TYPE } from '../../../lib/posture';
import { CLUSTER_OUTPUTS } from '../../../lib/constructs/cluster/brand-cluster';
import { keptWithFixedNames, suffixed } from '../data/fixture';

type Resources = Record<string, any>;

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const clusterOf = (resources: Resources) => {
  const clusters = ofType(resources, 'AWS::EKS::Cluster');
  expect(clusters).toHaveLength(1);
  return clusters[0];
};

describe.each([
  { brand: 'acme', stage: 'high' as const },
  { brand: 'acme', stage: 'low' as const },
  { brand: 'koala', stage: 'high' as const },
])('BrandStack $brand/$stage', (target) => {
  const resources = (): Resources => synthTarget(target).json.Resources;
  const kept = target.stage === 'high';

  test(`the cluster, its role and its control-plane log group are ${kept ? 'kept except when their create rolls back' : 'deleted with the stack'}`, () => {
    const [clusterId, cluster] = clusterOf(resources());
    const expected = kept ? { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' } : { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' };
    expect(cluster).toMatchObject(expected);
    const roleId = cluster.Properties.RoleArn['Fn::GetAtt'][0];
    expect(resources()[roleId]).toMatchObject(expected);
    const rolePolicies = ofType(resources(), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect(rolePolicies).toHaveLength(1);
    expect(rolePolicies[0][1]).toMatchObject(expected);
    const logGroup = ofType(resources(), 'AWS::Logs::LogGroup').find(([, g]) => String(JSON.stringify(g.Properties?.LogGroupName)).includes('/aws/eks/'));
    expect(logGroup![1]).toMatchObject(expected);
    expect(clusterId).toMatch(/^Cluster/);
  });

  test('no kept resource has a name that the next creation of the stack would reuse: the cluster and its log group carry the stack-creation suffix', () => {
    const [, cluster] = clusterOf(resources());
    const prefix = `${target.brand}-${target.stage}-`;
    expect(cluster.Properties.Name).toEqual(suffixed(prefix));
    const logGroup = ofType(resources(), 'AWS::Logs::LogGroup').find(([, g]) => String(JSON.stringify(g.Properties?.LogGroupName)).includes('/aws/eks/'))!;
    expect(logGroup[1].Properties.LogGroupName).toEqual(suffixed(`/aws/eks/${prefix}`, '/cluster'));
    const cdkClusterResources = Object.fromEntries(Object.entries(resources()).filter(([id]) => id.startsWith('Cluster')));
    expect(keptWithFixedNames(cdkClusterResources)).toEqual([]);
  });

  test('kubectl provider functions, Helm releases, Kubernetes manifests, access entries and security groups are deleted with the stack', () => {
    const all = resources();
    const deleted = [
      ...ofType(all, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('ClusterKubectlProvider')),
      ...ofType(all, 'AWS::Lambda::LayerVersion'),
      ...ofType(all, HELM_RESOURCE_TYPE),
      ...ofType(all, MANIFEST_RESOURCE_TYPE),
      ...ofType(all, 'AWS::EKS::AccessEntry'),
      ...ofType(all, 'AWS::EC2::SecurityGroup'),
      ...ofType(all, 'AWS::SSM::Parameter').filter(([id]) => id.startsWith('ClusterKubectlReadyBarrier')),
    ];
    expect(ofType(all, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('ClusterKubectlProvider')).length).toBeGreaterThanOrEqual(2);
    expect(ofType(all, HELM_RESOURCE_TYPE).length).toBeGreaterThan(0);
    expect(ofType(all, MANIFEST_RESOURCE_TYPE).length).toBeGreaterThan(0);
    const keptOnes = deleted.filter(([, r]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete').map(([id, r]) => `${id}: ${r.DeletionPolicy}`);
    expect(keptOnes).toEqual([]);
    // The roles of the kubectl provider go too: only the cluster role is kept.
    const keptRoles = ofType(all, 'AWS::IAM::Role').filter(([, r]) => r.DeletionPolicy && r.DeletionPolicy !== 'Delete').map(([id]) => id);
    expect(keptRoles).toEqual(kept ? [clusterOf(all)[1].Properties.RoleArn['Fn::GetAtt'][0]] : []);
  });

  test('the API security group admits 443 from the bastion security group, and nothing else', () => {
    const all = resources();
    const [, cluster] = clusterOf(all);
    const groups = cluster.Properties.ResourcesVpcConfig.SecurityGroupIds;
    expect(groups).toHaveLength(1);
    const apiGroupId = groups[0]['Fn::GetAtt'][0];
    expect(apiGroupId).toMatch(/^ClusterApiSecurityGroup/);
    expect(all[apiGroupId].Properties.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = ofType(all, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === apiGroupId);
    expect(ingress.map(([, r]) => r.Properties)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^BastionSecurityGroup/), 'GroupId'] },
        GroupId: { 'Fn::GetAtt': [apiGroupId, 'GroupId'] },
        Description: 'Kubernetes API from the operators bastion',
      },
    ]);
  });

  test("cluster admins are the brand file's operator roles, each admitted only where the deploying account is the role's own", () => {
    const { json } = synthTarget(target);
    const operatorRoles = [222222222222, 333333333333, 444444444444, 555555555555].map((account) => `arn:aws:iam::${account}:role/${target.brand}-operators`);
    const entries = ofType(json.Resources, 'AWS::EKS::AccessEntry').filter(([, e]) => typeof e.Properties.PrincipalArn === 'string');
    expect(entries.map(([, e]) => e.Properties.PrincipalArn)).toEqual(operatorRoles);
    for (const [, entry] of entries) {
      const account = entry.Properties.PrincipalArn.split(':')[4];
      expect(json.Conditions[entry.Condition]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, account] });
      expect(entry.Properties.AccessPolicies).toEqual([
        { AccessScope: { Type: 'cluster' }, PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] } },
      ]);
    }
    // The other entries are the kubectl handler's and the Auto Mode nodes'; roles that only a service may assume.
    const others = ofType(json.Resources, 'AWS::EKS::AccessEntry').filter(([, e]) => typeof e.Properties.PrincipalArn !== 'string');
    const trustedBy = others.map(([, e]) => json.Resources[e.Properties.PrincipalArn['Fn::GetAtt'][0]].Properties.AssumeRolePolicyDocument.Statement.map((s: any) => s.Principal));
    expect(trustedBy).toEqual([[{ Service: 'lambda.amazonaws.com' }], [{ Service: 'ec2.amazonaws.com' }]]);
    const assumableByAccount = ofType(json.Resources, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(':root'));
    expect(assumableByAccount.map(([id]) => id)).toEqual([]);
  });

  test('the stack outputs what the operators\' commands need: the cluster name and the private API endpoint host', () => {
    const { json } = synthTarget(target);
    const [clusterId] = clusterOf(json.Resources);
    expect(json.Outputs[CLUSTER_OUTPUTS.clusterName].Value).toEqual({ Ref: clusterId });
    expect(json.Outputs[CLUSTER_OUTPUTS.apiEndpointHost].Value).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [clusterId, 'Endpoint'] }] }] });
  });
});
