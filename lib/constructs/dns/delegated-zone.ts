import { CfnOutput, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

export interface DelegatedZoneProps {
  /** The name the zone is authoritative for: the stack hostname. */
  readonly zoneName: string;
  /**
   * What happens to the zone when it leaves the stack. Deleting a zone that the parent
   * still delegates to leaves a dangling NS delegation, which another account could
   * claim by creating a zone of the same name on the same name servers; keep it until
   * the parent's NS record is removed. A failed first create still removes it: Route 53
   * allows several zones of one name, so a retry never collides.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A public hosted zone for one stack hostname, delegated once from the parent zone:
 * the owner of the parent (the brand's domain) adds an NS record for `zoneName` with
 * the four name servers of the `NameServers` output. Until then the stack's certificate
 * cannot validate, so BrandStack is deployed after the delegation exists
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/CreatingNewSubdomain.html,
 * "Adding NS records to the parent zone").
 */
export class DelegatedZone extends Construct {
  readonly zone: route53.PublicHostedZone;

  constructor(scope: Construct, id: string, props: DelegatedZoneProps) {
    super(scope, id);
    this.zone = new route53.PublicHostedZone(this, 'Zone', {
      zoneName: props.zoneName,
      comment: `brandstack: ${props.zoneName}, delegated from its parent zone`,
    });
    this.zone.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);

    new CfnOutput(this, 'NameServers', {
      value: Fn.join(',', this.zone.hostedZoneNameServers!),
      description: `One-time step: in the zone of the parent domain, create an NS record '${props.zoneName}' with these four name servers; the certificate of ${props.zoneName} validates only after that.`,
    });
    new CfnOutput(this, 'HostedZoneId', { value: this.zone.hostedZoneId, description: `The Route 53 hosted zone of ${props.zoneName}` });
  }
}
