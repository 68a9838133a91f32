import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { TRAEFIK_INGRESS } from '../../charts/contract';

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
  /** Public domain the ingress answers on; an ACM certificate is issued for it. */
  readonly domain: string;
  /** CIDR of the VPC the load balancer runs in: the only source whose proxy-protocol header Traefik trusts. */
  readonly vpcCidr: string;
  /** Controller replicas, spread across zones. @default 3 */
  readonly replicas?: number;
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
 * The certificate uses DNS validation without a hosted zone (synth looks up
 * nothing): the brand's DNS owner must create the validation CNAME that ACM
 * shows for the certificate, and the deployment waits until it exists.
 */
export class IngressController extends Construct {
  readonly certificate: acm.Certificate;
  /** The controller (and its Middleware CRDs); routes depend on it. */
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    const replicas = props.replicas ?? 3;
    if (!Number.isInteger(replicas) || replicas < 2) throw new Error(`IngressController: 'replicas' must be an integer of at least 2 (got ${replicas})`);

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domain,
      validation: acm.CertificateValidation.fromDns(),
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
            proxyProtocol: { trustedIPs: [props.vpcCidr] },
          },
        },
        service: {
          type: 'LoadBalancer',
          spec: { loadBalancerClass: 'eks.amazonaws.com/nlb' },
          annotations: {
            'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
            'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
            'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': this.certificate.certificateArn,
            'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': '443',
            'service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy': INGRESS_TLS_POLICY,
            'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp',
            'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*',
            'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
          },
        },
        logs: { access: { enabled: true } },
      },
    });
    this.chart.node.addDependency(namespace);
  }
}
