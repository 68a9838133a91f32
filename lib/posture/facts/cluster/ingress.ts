/**
 * Ingress: the controller's load balancer (from the AWS Load Balancer annotations
 * of its Helm values), its entrypoints, and each route with the Traefik
 * middlewares that limit it.
 * Annotations: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
import { describeValue, referencedId } from '../../naming';
import type { CfnValue, TemplateView } from '../../template';
import { HELM_RESOURCE_TYPE, helmValues, type Labels, type Manifests, type SourceCriterion } from './manifests';
import type { CertificateFacts, ClientCriterion, EntrypointFacts, IngressDnsFacts, IngressFacts, LoadBalancerServiceFacts, RouteFacts, RouteLimit, SubnetCidr, ZoneRef } from './types';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';

/** The parts of the Traefik chart's values read here. */
interface TraefikValues {
  readonly service?: { readonly type?: string; readonly spec?: { readonly loadBalancerClass?: string }; readonly annotations?: Labels };
  readonly ports?: Readonly<
    Record<
      string,
      {
        readonly port?: number;
        readonly exposedPort?: number;
        readonly expose?: { readonly default?: boolean };
        readonly tls?: { readonly enabled?: boolean };
        readonly proxyProtocol?: { readonly trustedIPs?: readonly string[] };
      }
    >
  >;
}

/** The parts of the ExternalDNS chart's values read here (kubernetes-sigs/external-dns charts/external-dns/values.yaml). */
interface ExternalDnsValues {
  readonly annotationPrefix?: string;
  readonly txtOwnerId?: string;
  readonly policy?: string;
  readonly extraArgs?: readonly string[];
}

/** ExternalDNS v0.21's default annotation prefix (source/annotations/annotations.go). */
const EXTERNAL_DNS_DEFAULT_PREFIX = 'external-dns.alpha.kubernetes.io/';
/** Logical ids of the outputs that name the stack's hostname and public name (StackHostname). */
const HOSTNAME_OUTPUTS = { hostname: 'StackHostname', publicName: 'PublicName' };

export function ingressFacts(view: TemplateView, manifests: Manifests): IngressFacts {
  const controllers: Array<{ loadBalancer: LoadBalancerServiceFacts; entrypoints: EntrypointFacts[]; annotations: Labels }> = [];
  for (const [, chart] of view.ofType(HELM_RESOURCE_TYPE)) {
    const values = helmValues(chart.Properties?.Values) as TraefikValues;
    const annotations = values.service?.annotations;
    if (!annotations) continue;
    const release = String(chart.Properties?.Release);
    controllers.push({
      loadBalancer: {
        release,
        scheme: annotations[`${ANNOTATION}scheme`] ?? 'internal',
        loadBalancerClass: values.service?.spec?.loadBalancerClass ?? String(values.service?.type),
        tlsPorts: annotations[`${ANNOTATION}ssl-ports`],
        certificate: certificateOf(view, annotations[`${ANNOTATION}ssl-cert`]),
        sslPolicy: annotations[`${ANNOTATION}ssl-negotiation-policy`],
        proxyProtocolV2: annotations[`${ANNOTATION}proxy-protocol`] === '*',
      },
      entrypoints: Object.entries(values.ports ?? {})
        .filter(([, port]) => port?.expose?.default !== false)
        .map(([name, port]) => ({
          release,
          name,
          exposedPort: port.exposedPort ?? port.port ?? 'none',
          tlsAtTraefik: port.tls?.enabled !== false,
          ...(port.proxyProtocol ? { trustedProxyCidrs: [...(port.proxyProtocol.trustedIPs ?? [])] } : {}),
        })),
      annotations,
    });
  }
  return {
    controllers: controllers.map(({ loadBalancer, entrypoints }) => ({ loadBalancer, entrypoints })),
    routes: routeFacts(manifests),
    dns: dnsFacts(view, controllers[0]?.annotations ?? {}, controllers[0]?.loadBalancer.certificate),
    ...subnetFacts(view),
  };
}

/**
 * Subnet discovery for load balancers: public subnets tagged `kubernetes.io/role/elb`
 * (https://kubernetes-sigs.github.io/aws-load-balancer-controller/v2.10/deploy/subnet_discovery,
 * which EKS Auto Mode follows: https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html).
 */
function subnetFacts(view: TemplateView): Pick<IngressFacts, 'loadBalancerSubnets' | 'podSubnets'> {
  const cidrOf = (id: string): SubnetCidr | undefined => {
    const subnet = view.getOfType(id, 'AWS::EC2::Subnet');
    return subnet ? { logicalId: id, cidr: describeValue(view, subnet.Properties?.CidrBlock) } : undefined;
  };
  const clusterSubnetIds = new Set(view.ofType('AWS::EKS::Cluster').flatMap(([, c]) => (c.Properties?.ResourcesVpcConfig?.SubnetIds ?? []).map((s) => referencedId(s) ?? '')));
  const clusterVpcs = new Set([...clusterSubnetIds].map((id) => referencedId(view.getOfType(id, 'AWS::EC2::Subnet')?.Properties?.VpcId)));
  const tagged = view
    .ofType('AWS::EC2::Subnet')
    .filter(([, s]) => clusterVpcs.has(referencedId(s.Properties?.VpcId)) && s.Properties?.Tags?.some((t) => t.Key === 'kubernetes.io/role/elb' && (t.Value === '1' || t.Value === '')))
    .map(([id]) => id);
  return {
    loadBalancerSubnets: tagged.map(cidrOf).filter((s): s is SubnetCidr => s !== undefined),
    podSubnets: [...clusterSubnetIds].sort().map(cidrOf).filter((s): s is SubnetCidr => s !== undefined),
  };
}

function certificateOf(view: TemplateView, arn: string | undefined): CertificateFacts {
  const cert = view.getOfType(referencedId(arn), 'AWS::CertificateManager::Certificate');
  if (cert) {
    return {
      kind: 'acm',
      domain: String(cert.Properties?.DomainName),
      validation: String(cert.Properties?.ValidationMethod),
      alternativeNames: [...(cert.Properties?.SubjectAlternativeNames ?? [])],
      validationZones: (cert.Properties?.DomainValidationOptions ?? []).map((o) => ({
        domain: String(o.DomainName),
        ...(o.HostedZoneId === undefined ? {} : { zone: zoneRef(o.HostedZoneId) }),
      })),
    };
  }
  return arn ? { kind: 'external', arn } : { kind: 'none' };
}

function zoneRef(value: CfnValue): ZoneRef {
  if (typeof value === 'string') return { kind: 'id', id: value };
  const imported = (value as { 'Fn::ImportValue'?: unknown } | null)?.['Fn::ImportValue'];
  if (typeof imported === 'string') return { kind: 'imported', exportName: imported };
  return { kind: 'unknown' };
}

/**
 * The stack's names (its outputs), ExternalDNS's release and what it publishes from the
 * load balancer Service's annotations, and the Route 53 health checks.
 * Annotations: https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/annotations/annotations.md
 */
function dnsFacts(view: TemplateView, annotations: Labels, certificate: CertificateFacts | undefined): IngressDnsFacts {
  const output = (id: string): string | undefined => {
    const value = (view.template.Outputs?.[id] as { Value?: unknown } | undefined)?.Value;
    return typeof value === 'string' ? value : undefined;
  };
  const healthChecks = view.ofType('AWS::Route53::HealthCheck').map(([logicalId, check]) => {
    const config = check.Properties?.HealthCheckConfig;
    return { logicalId, type: String(config?.Type), fqdn: config?.FullyQualifiedDomainName, port: config?.Port, path: config?.ResourcePath };
  });
  const names = { hostname: output(HOSTNAME_OUTPUTS.hostname), publicName: output(HOSTNAME_OUTPUTS.publicName) };

  const chart = view.ofType(HELM_RESOURCE_TYPE).find(([, c]) => c.Properties?.Chart === 'external-dns');
  if (!chart) return { ...names, publisher: { kind: 'brand' }, healthChecks };
  const values = helmValues(chart[1].Properties?.Values) as ExternalDnsValues;
  const prefix = values.annotationPrefix ?? EXTERNAL_DNS_DEFAULT_PREFIX;
  const zoneId = (values.extraArgs ?? []).find((arg) => arg.startsWith('--zone-id-filter='))?.slice('--zone-id-filter='.length);
  // A zone of another stack renders as a token in the values; the certificate names it.
  const certificateZone = certificate?.kind === 'acm' ? certificate.validationZones?.[0]?.zone : undefined;
  const zone: ZoneRef = zoneId && !zoneId.startsWith('{{') ? { kind: 'id', id: zoneId } : (certificateZone ?? { kind: 'unknown' });
  const setIdentifier = annotations[`${prefix}set-identifier`];
  const region = annotations[`${prefix}aws-region`];
  const healthCheck = annotations[`${prefix}aws-health-check-id`];
  return {
    ...names,
    publisher: {
      kind: 'external-dns',
      release: String(chart[1].Properties?.Release),
      names: (annotations[`${prefix}hostname`] ?? '').split(',').map((n) => n.trim()).filter(Boolean),
      zone,
      ownerId: values.txtOwnerId,
      policy: values.policy,
      ...(setIdentifier && region ? { latency: { setIdentifier, region, ...(healthCheck ? { healthCheck: referencedId(healthCheck) ?? healthCheck } : {}) } } : {}),
    },
    healthChecks,
  };
}

/** Routes of every Ingress, each with the rate and concurrency limits of the middlewares its router names. */
function routeFacts(manifests: Manifests): RouteFacts[] {
  // Traefik names a Kubernetes CRD middleware `<namespace>-<name>@kubernetescrd`.
  const middlewares = new Map(manifests.ofKind('Middleware').map((o) => [`${o.metadata.namespace}-${o.metadata.name}@kubernetescrd`, o.spec]));
  return manifests.ofKind('Ingress').flatMap((ingress) => {
    const refs = (ingress.metadata.annotations?.['traefik.ingress.kubernetes.io/router.middlewares'] ?? '').split(',').filter(Boolean);
    const limits = refs.map((ref): RouteLimit => {
      const spec = middlewares.get(ref);
      if (spec?.rateLimit) return { kind: 'rate', average: spec.rateLimit.average, period: spec.rateLimit.period, burst: spec.rateLimit.burst, per: criterion(spec.rateLimit.sourceCriterion) };
      if (spec?.inFlightReq) return { kind: 'in-flight', amount: spec.inFlightReq.amount, per: criterion(spec.inFlightReq.sourceCriterion) };
      return { kind: 'missing', middleware: ref };
    });
    return (ingress.spec?.rules ?? []).flatMap((rule) =>
      (rule.http?.paths ?? []).map((path) => ({
        host: rule.host,
        path: path.path,
        pathType: path.pathType,
        namespace: ingress.metadata.namespace,
        service: path.backend?.service?.name,
        port: path.backend?.service?.port?.number,
        limits,
      })),
    );
  });
}

/** Traefik's default source criterion is the request host: one bucket for every client. */
function criterion(sourceCriterion: SourceCriterion | undefined): ClientCriterion {
  if (sourceCriterion?.ipStrategy) return { kind: 'client-ip', depth: sourceCriterion.ipStrategy.depth ?? 0 };
  if (sourceCriterion?.requestHeaderName) return { kind: 'header', header: sourceCriterion.requestHeaderName };
  return { kind: 'host' };
}
