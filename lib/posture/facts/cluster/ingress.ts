/**
 * Ingress: the controller's load balancer (from the AWS Load Balancer annotations
 * of its Helm values), its entrypoints, and each route with the Traefik
 * middlewares that limit it.
 * Annotations: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
import { referencedId } from '../../naming';
import type { TemplateView } from '../../template';
import { HELM_RESOURCE_TYPE, helmValues, type Labels, type Manifests, type SourceCriterion } from './manifests';
import type { CertificateFacts, ClientCriterion, EntrypointFacts, IngressFacts, LoadBalancerServiceFacts, RouteFacts, RouteLimit } from './types';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';

/** The parts of the Traefik chart's values read here. */
interface TraefikValues {
  readonly service?: { readonly type?: string; readonly spec?: { readonly loadBalancerClass?: string }; readonly annotations?: Labels };
  readonly ports?: Readonly<Record<string, { readonly port?: number; readonly exposedPort?: number; readonly expose?: { readonly default?: boolean }; readonly tls?: { readonly enabled?: boolean } }>>;
}

export function ingressFacts(view: TemplateView, manifests: Manifests): IngressFacts {
  const controllers: Array<{ loadBalancer: LoadBalancerServiceFacts; entrypoints: EntrypointFacts[] }> = [];
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
        .map(([name, port]) => ({ release, name, exposedPort: port.exposedPort ?? port.port ?? 'none', tlsAtTraefik: port.tls?.enabled !== false })),
    });
  }
  return { controllers, routes: routeFacts(manifests) };
}

function certificateOf(view: TemplateView, arn: string | undefined): CertificateFacts {
  const cert = view.getOfType(referencedId(arn), 'AWS::CertificateManager::Certificate');
  if (cert) return { kind: 'acm', domain: String(cert.Properties?.DomainName), validation: String(cert.Properties?.ValidationMethod) };
  return arn ? { kind: 'external', arn } : { kind: 'none' };
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
