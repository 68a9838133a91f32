import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Lazy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { TRAEFIK_INGRESS } from '../../charts/contract';
import { parseCidr } from '../../config/cidr';

/**
 * Traefik Proxy's Helm chart, pinned; chart 41.x ships Traefik v3 (the chart
 * repository's release notes name the proxy version of each chart release).
 */
export const TRAEFIK_CHART_VERSION = '41.6.0';
const TRAEFIK_REPOSITORY = 'https://traefik.github.io/charts';

/**
 * The TLS policy of the load balancer listener: TLS 1.3 and 1.2 with forward-secret AEAD ciphers only.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
 */
export const INGRESS_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface IngressControllerProps {
  readonly cluster: eks.ICluster;
  /** The brand's public domain: every name {@link IngressController.serve} publishes is it or a name under it. */
  readonly domain: string;
  /**
   * @deprecated Not used. Trusting PROXY headers from the whole VPC let any pod forge the
   * client address the per-client limits key on; the trusted sources are
   * {@link trustedProxyCidrs}. Accepted until BrandCluster stops passing it.
   */
  readonly vpcCidr?: string;
  /**
   * The only sources whose PROXY protocol header Traefik believes: where the Network Load
   * Balancer's nodes are. With IP targets and TLS listeners the NLB does not preserve the
   * client IP, so it connects to the pods from its own private addresses in the subnets it
   * was placed in (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation),
   * and EKS Auto Mode places an internet-facing NLB in the public subnets it finds by their
   * `kubernetes.io/role/elb` tag (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html,
   * https://kubernetes-sigs.github.io/aws-load-balancer-controller/v2.10/deploy/subnet_discovery),
   * which aws-eks-v2's Cluster puts on the VPC's public subnets (Cluster.tagSubnets).
   * @default the CIDRs of the cluster VPC's public subnets
   */
  readonly trustedProxyCidrs?: readonly string[];
  /** Controller replicas, spread across zones. @default 3 */
  readonly replicas?: number;
}

/** What the load balancer serves: its certificate and the names published for it. */
export interface IngressEndpoint {
  /** The TLS listener's certificate (in the load balancer's region). */
  readonly certificate: acm.ICertificate;
  /**
   * Annotations for the load balancer Service that tell ExternalDNS which names to publish
   * (and, for a latency record, its region and health check).
   * @default - none: the names are published outside the cluster
   */
  readonly dnsAnnotations?: Readonly<Record<string, string>>;
  /** The names the endpoint answers on, for validation and the posture. */
  readonly hostnames: readonly string[];
}

/**
 * The public entry: an internet-facing Network Load Balancer (EKS Auto Mode's
 * built-in load balancing) terminating TLS with an ACM certificate, in front
 * of Traefik, which routes to the services and applies per-client-IP limits.
 *
 * Why Traefik: the community ingress-nginx controller was retired in March
 * 2026. Traefik v3 is maintained, serves the standard Ingress API, and limits
 * both the request rate (RateLimit) and the concurrent requests (InFlightReq)
 * per client IP as plain CRD middlewares, the two limits NGINX's limit_req and
 * limit_conn gave the reference design. Envoy Gateway's local rate limit has no
 * per-IP concurrency limit; NGINX's Ingress Controller needs snippets for limit_conn.
 *
 * The NLB admits only TCP on 443 and completes TLS itself, so UDP and SYN floods
 * stop at AWS; it passes the client address on with proxy protocol v2, so the
 * per-IP limits count real clients. AWS WAF cannot attach to an NLB, so the
 * limits live in Traefik.
 *
 * The certificate and DNS names come from the stack (lib/constructs/dns,
 * StackHostname) through {@link serve}: synth fails until it is called, so no
 * listener goes out without a certificate that can validate.
 */
export class IngressController extends Construct {
  /** The controller (and its Middleware CRDs); routes depend on it. */
  readonly chart: eks.HelmChart;
  /** The sources whose PROXY protocol header Traefik believes. */
  readonly trustedProxyCidrs: readonly string[];
  private readonly domain: string;
  private readonly serviceAnnotations: Record<string, string>;
  private endpoint?: IngressEndpoint;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    const replicas = props.replicas ?? 3;
    if (!Number.isInteger(replicas) || replicas < 2) throw new Error(`IngressController: 'replicas' must be an integer of at least 2 (got ${replicas})`);

    this.domain = props.domain;
    this.trustedProxyCidrs = [...(props.trustedProxyCidrs ?? props.cluster.vpc.publicSubnets.map((subnet) => subnet.ipv4CidrBlock))];
    if (this.trustedProxyCidrs.length === 0) throw new Error(`IngressController: 'trustedProxyCidrs' must name the load balancer's subnets (the cluster VPC has no public subnets)`);
    for (const cidr of this.trustedProxyCidrs) {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') throw new Error(`IngressController: 'trustedProxyCidrs' entry '${cidr}' ${parsed}`);
    }
    this.serviceAnnotations = {
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': Lazy.string({ produce: () => this.endpoint?.certificate.certificateArn }),
      'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': '443',
      'service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy': INGRESS_TLS_POLICY,
      'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp',
      'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*',
      'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
    };
    this.node.addValidation({
      validate: () => (this.endpoint ? [] : ['IngressController: no certificate: call serve() with the certificate and names of the stack (StackHostname)']),
    });

    const namespace = props.cluster.addManifest('TraefikNamespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: TRAEFIK_INGRESS.controllerNamespace,
        // In the mesh, so its calls to the services are mTLS under their STRICT policy.
        labels: { 'istio.io/dataplane-mode': 'ambient', 'pod-security.kubernetes.io/enforce': 'restricted' },
      },
    });

    const labels = TRAEFIK_INGRESS.controllerPodLabels;
    this.chart = props.cluster.addHelmChart('Traefik', {
      chart: 'traefik',
      release: 'traefik',
      repository: TRAEFIK_REPOSITORY,
      version: TRAEFIK_CHART_VERSION,
      namespace: TRAEFIK_INGRESS.controllerNamespace,
      createNamespace: false,
      wait: true,
      values: {
        deployment: { replicas },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } },
        ],
        resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
        ingressClass: { enabled: true, isDefaultClass: false, name: TRAEFIK_INGRESS.ingressClassName },
        providers: {
          kubernetesCRD: { enabled: true, allowCrossNamespace: false },
          kubernetesIngress: { enabled: true },
        },
        ports: {
          // Only the TLS listener of the NLB is exposed; TLS ends at the NLB, so Traefik serves HTTP behind it.
          web: { expose: { default: false } },
          [TRAEFIK_INGRESS.entryPoint]: {
            port: 8443,
            exposedPort: 443,
            expose: { default: true },
            tls: { enabled: false },
            proxyProtocol: { trustedIPs: this.trustedProxyCidrs },
          },
        },
        service: {
          type: 'LoadBalancer',
          spec: { loadBalancerClass: 'eks.amazonaws.com/nlb' },
          annotations: this.serviceAnnotations,
        },
        logs: { access: { enabled: true } },
      },
    });
    this.chart.node.addDependency(namespace);
  }

  /** The names the load balancer answers on; empty until {@link serve}. */
  get hostnames(): readonly string[] {
    return this.endpoint?.hostnames ?? [];
  }

  /** The TLS listener's certificate, once {@link serve} gave it. */
  get certificate(): acm.ICertificate | undefined {
    return this.endpoint?.certificate;
  }

  /**
   * Gives the load balancer its certificate and the ExternalDNS annotations of its names.
   * Called once, by the stack, with what StackHostname issued.
   */
  serve(endpoint: IngressEndpoint): void {
    if (this.endpoint) throw new Error('IngressController: serve() was already called; one load balancer has one certificate');
    if (endpoint.hostnames.length === 0) throw new Error(`IngressController: 'hostnames' must name at least one name`);
    for (const name of endpoint.hostnames) {
      if (name !== this.domain && !name.endsWith(`.${this.domain}`)) {
        throw new Error(`IngressController: hostname '${name}' is not '${this.domain}' or a name under it (the brand's domain)`);
      }
    }
    this.endpoint = endpoint;
    Object.assign(this.serviceAnnotations, endpoint.dnsAnnotations ?? {});
  }
}
