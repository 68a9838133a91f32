import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface VpcPeeringProps {
  /** The VPC that requests the peering (the application VPC). */
  readonly requesterVpc: ec2.IVpc;
  /** Requester subnets routed to the accepter: only these reach it. */
  readonly requesterSubnets: readonly ec2.ISubnet[];
  /** The VPC that accepts the peering (a data VPC), in the same account and region. */
  readonly accepterVpc: ec2.IVpc;
  /** Accepter subnets the requester subnets are routed to, and that route back. */
  readonly accepterSubnets: readonly ec2.ISubnet[];
  /**
   * Whether each side resolves the other's public DNS host names to private
   * addresses, so TLS endpoints are reached over the peering, not the internet.
   * @default true
   */
  readonly dnsResolution?: boolean;
}

/**
 * A same-account, same-region VPC peering with routes in both directions
 * between named subnets only (subnet CIDRs, never the whole VPC), so a subnet
 * not named here has no path over the peering.
 */
export class VpcPeering extends Construct {
  readonly peeringConnection: ec2.CfnVPCPeeringConnection;
  /** The peering connection id (pcx-...). */
  readonly peeringConnectionId: string;
  private readonly accepterSubnets: readonly ec2.ISubnet[];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    if (props.requesterSubnets.length === 0) throw new Error(`VpcPeering ${id}: 'requesterSubnets' must name at least one subnet`);
    if (props.accepterSubnets.length === 0) throw new Error(`VpcPeering ${id}: 'accepterSubnets' must name at least one subnet`);
    this.accepterSubnets = props.accepterSubnets;

    // Same account and region: CloudFormation accepts the peering itself.
    this.peeringConnection = new ec2.CfnVPCPeeringConnection(this, 'Connection', {
      vpcId: props.requesterVpc.vpcId,
      peerVpcId: props.accepterVpc.vpcId,
    });
    this.peeringConnectionId = this.peeringConnection.ref;

    for (const subnet of props.requesterSubnets) this.routeSubnet(subnet.node.id, subnet, subnet.ipv4CidrBlock);

    if (props.dnsResolution ?? true) this.enableDnsResolution();
  }

  /**
   * Routes `cidr` (a requester subnet, or one host in it) to the accepter
   * subnets over this peering, and the accepter subnets back to `cidr` only.
   * `label` names the routes; it must be unique within this peering.
   */
  routeSubnet(label: string, subnet: ec2.ISubnet, cidr: string): void {
    for (const accepter of this.accepterSubnets) {
      new ec2.CfnRoute(this, `${label}To${accepter.node.id}`, {
        routeTableId: subnet.routeTable.routeTableId,
        destinationCidrBlock: accepter.ipv4CidrBlock,
        vpcPeeringConnectionId: this.peeringConnectionId,
      });
      new ec2.CfnRoute(this, `${accepter.node.id}To${label}`, {
        routeTableId: accepter.routeTable.routeTableId,
        destinationCidrBlock: cidr,
        vpcPeeringConnectionId: this.peeringConnectionId,
      });
    }
  }

  /**
   * CloudFormation has no property for peering DNS options
   * (aws-cloudformation/cloudformation-coverage-roadmap#154, #169), so the
   * ModifyVpcPeeringConnectionOptions call is made by a custom resource,
   * allowed on this peering connection only. Deleting the peering removes
   * the options with it, so there is nothing to undo on delete.
   */
  private enableDnsResolution(): void {
    const stack = Stack.of(this);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'ModifyVpcPeeringConnectionOptions',
      parameters: {
        VpcPeeringConnectionId: this.peeringConnectionId,
        AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
        RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.peeringConnectionId}-dns-resolution`),
    };
    new cr.AwsCustomResource(this, 'DnsResolution', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['ec2:ModifyVpcPeeringConnectionOptions'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'vpc-peering-connection', resourceName: this.peeringConnectionId })],
        }),
      ]),
    });
  }
}
