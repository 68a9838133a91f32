import { CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, type IDependable } from 'constructs';
import { EXTERNAL_DNS_ANNOTATIONS, ExternalDns } from './external-dns';

/**
 * The runtime's readiness path (runtime/src/operations/plugin.ts): 200 only when the
 * store answers and the keys sign, so a region that cannot issue tokens leaves the
 * latency group. The public ingress must route this exact path on the stack hostname.
 */
export const HEALTH_CHECK_PATH = '/healthz/ready';

/**
 * Logical ids of the stack outputs that name the stack's hostname and public name: what
 * operators, smoke tests and the posture read (`aws cloudformation describe-stacks`).
 */
export const HOSTNAME_OUTPUTS = { hostname: 'StackHostname', publicName: 'PublicName' } as const;

/**
 * Who publishes a stack's names and how its certificate is issued.
 * - `brand-zone`: the brand's Route 53 public hosted zone (`dns.hostedZones`); the
 *   certificate validates through it and ExternalDNS publishes the names into it.
 * - `delegated-zone`: a zone for the stack hostname alone, created by brandstack and
 *   delegated once by the parent zone's owner (`dns.delegatedSubdomain`).
 * - `certificate`: a pre-issued ACM certificate (`dns.certificates`); the brand
 *   publishes the names itself.
 */
export type HostnameAuthority =
  | { readonly kind: 'brand-zone'; readonly zone: route53.IHostedZone }
  | { readonly kind: 'delegated-zone'; readonly zone: route53.IHostedZone }
  | { readonly kind: 'certificate'; readonly certificate: acm.ICertificate };

/** Where ExternalDNS reads the names from, and who owns its records. */
export interface RecordPublisherOptions {
  /** The ingress controller's namespace, whose LoadBalancer Service carries {@link StackHostname.serviceAnnotations}. */
  readonly sourceNamespace: string;
  /** The TXT registry owner: unique per stack (the stack name), so stacks sharing a zone keep apart. */
  readonly ownerId: string;
  /** Installed after these (the ingress controller, itself after the node pool). @default none */
  readonly after?: readonly IDependable[];
}

export interface StackHostnameProps {
  /** The stack's own hostname, `<region>.<environment>.<domain>` (lib/config/naming.ts, stackHostname). */
  readonly hostname: string;
  /**
   * The brand's public name, served by every production region through a latency record
   * with a health check. Not possible from a delegated zone, which holds only the hostname.
   * @default - the stack answers on its own hostname only
   */
  readonly publicName?: string;
  /** Who publishes the names and issues the certificate. */
  readonly authority: HostnameAuthority;
  /**
   * The path the Route 53 health check of the latency record requests over HTTPS.
   * @default HEALTH_CHECK_PATH
   */
  readonly healthCheckPath?: string;
}

/**
 * The names one BrandStack answers on and the certificate for them, with no manual step:
 * a DNS-validated certificate whose validation records ACM adds to the zone itself
 * (CertificateValidation.fromDns(zone) sets DomainValidationOption.HostedZoneId:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-certificatemanager-certificate-domainvalidationoption.html),
 * and the records ExternalDNS writes for the load balancer from the annotations below.
 * ACM reuses one validation record per name within an account (observed:
 * dflook/cloudformation-dns-certificate#7), so the production regions' certificates share
 * the public name's record; CloudFormation leaves that record when it deletes a certificate
 * (aws-cloudformation/cloudformation-coverage-roadmap#1603), so removing one region does not
 * break the other's renewal.
 *
 * A production stack also serves the public name: a latency record per region (set
 * identifier and region, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-latency.html)
 * tied to an HTTPS health check of the region's own hostname, so Route 53 stops answering
 * with a region whose runtime is not ready. ExternalDNS applies a Service's routing
 * annotations to every name of the Service, so the regional hostname is a latency group of
 * one region: Route 53 answers it like a simple record, and when every record of a group
 * is unhealthy it answers as if all were healthy
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html).
 */
export class StackHostname extends Construct {
  readonly hostname: string;
  readonly publicName?: string;
  /** The listener certificate: issued here, or the brand's. */
  readonly certificate: acm.ICertificate;
  /** The zone records are published into; undefined when the brand publishes them. */
  readonly zone?: route53.IHostedZone;
  readonly authority: HostnameAuthority['kind'];
  /** The health check of this region's latency record. */
  readonly healthCheck?: route53.HealthCheck;
  private _publisher?: ExternalDns;

  constructor(scope: Construct, id: string, props: StackHostnameProps) {
    super(scope, id);
    this.hostname = props.hostname;
    this.publicName = props.publicName;
    this.authority = props.authority.kind;
    const names = [props.hostname, ...(props.publicName ? [props.publicName] : [])];
    new CfnOutput(this, 'Hostname', { value: props.hostname, description: 'The hostname this stack answers on' }).overrideLogicalId(HOSTNAME_OUTPUTS.hostname);
    if (props.publicName) {
      new CfnOutput(this, 'PublicName', { value: props.publicName, description: "The brand's public name, which this stack also serves" }).overrideLogicalId(HOSTNAME_OUTPUTS.publicName);
    }

    if (props.authority.kind === 'certificate') {
      this.certificate = props.authority.certificate;
      return;
    }

    const zone = props.authority.zone;
    this.zone = zone;
    if (props.authority.kind === 'delegated-zone' && props.publicName) {
      throw new Error(
        `StackHostname: 'publicName' (${props.publicName}) cannot be served from a delegated zone, which holds only '${props.hostname}'; ` +
          'use the brand zone (dns.hostedZones) or a pre-issued certificate (dns.certificates)',
      );
    }
    if (!Token.isUnresolved(zone.zoneName)) {
      for (const name of names) {
        if (name !== zone.zoneName && !name.endsWith(`.${zone.zoneName}`)) {
          throw new Error(`StackHostname: '${name}' is not in hosted zone '${zone.zoneName}': the certificate could not validate there`);
        }
      }
    }

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.hostname,
      subjectAlternativeNames: props.publicName ? [props.publicName] : undefined,
      validation: acm.CertificateValidation.fromDns(zone),
    });

    if (props.publicName) {
      this.healthCheck = new route53.HealthCheck(this, 'RegionHealth', {
        type: route53.HealthCheckType.HTTPS,
        fqdn: props.hostname,
        port: 443,
        resourcePath: props.healthCheckPath ?? HEALTH_CHECK_PATH,
        enableSNI: true,
        requestInterval: Duration.seconds(30),
        failureThreshold: 3,
      });
    }
  }

  /** The controller that publishes the records, once {@link publishFrom} installed it. */
  get publisher(): ExternalDns | undefined {
    return this._publisher;
  }

  /** The names of this stack: its hostname, then the public name if it serves it. */
  get names(): string[] {
    return [this.hostname, ...(this.publicName ? [this.publicName] : [])];
  }

  /** Whether brandstack publishes the records (a zone), or the brand does (a pre-issued certificate). */
  get publishesRecords(): boolean {
    return this.zone !== undefined;
  }

  /**
   * The ExternalDNS annotations for the ingress load balancer's Service: its names and,
   * with a public name, the latency routing and health check of this region.
   * Empty when the brand publishes its names itself.
   */
  get serviceAnnotations(): Record<string, string> {
    if (!this.zone) return {};
    const annotations: Record<string, string> = { [EXTERNAL_DNS_ANNOTATIONS.hostname]: this.names.join(',') };
    if (this.healthCheck) {
      const region = Stack.of(this).region;
      annotations[EXTERNAL_DNS_ANNOTATIONS.setIdentifier] = region;
      annotations[EXTERNAL_DNS_ANNOTATIONS.awsRegion] = region;
      annotations[EXTERNAL_DNS_ANNOTATIONS.awsHealthCheckId] = this.healthCheck.healthCheckId;
    }
    return annotations;
  }

  /**
   * Installs ExternalDNS into `cluster`, allowed to publish exactly these names into the
   * zone, reading the load balancer Services of the ingress controller's namespace. Does
   * nothing when the brand publishes its names itself (a pre-issued certificate).
   */
  publishFrom(cluster: eks.ICluster, options: RecordPublisherOptions): ExternalDns | undefined {
    if (!this.zone) return undefined;
    if (this._publisher) throw new Error('StackHostname: publishFrom was already called; one ExternalDNS publishes the names');
    this._publisher = new ExternalDns(this, 'ExternalDns', { cluster, zone: this.zone, hostnames: this.names, ...options });
    return this._publisher;
  }
}
