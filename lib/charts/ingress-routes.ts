/**
 * The namespace's public routes: an Ingress served by the cluster's Traefik
 * controller, and the Traefik middlewares that limit each client IP's request
 * rate and concurrent requests on every route.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import type { IngressControllerRef } from './contract';

/** The ingress controller and the limits it applies to each client IP. */
export interface IngressLimits extends IngressControllerRef {
  /** Sustained requests per second per client IP. @default 20 */
  readonly requestsPerSecond?: number;
  /** Requests a client IP may burst above the sustained rate. @default 40 */
  readonly burst?: number;
  /** Concurrent in-flight requests per client IP (NGINX's `limit_conn` counts the same thing). @default 20 */
  readonly concurrentRequests?: number;
}

/** Paths of the public hosts routed to one service. */
export interface PublicRoute {
  readonly service: kplus.Service;
  /** The service port the paths reach. */
  readonly port: number;
  /** Path prefixes (Kubernetes `Prefix` matching, per path element). */
  readonly paths: readonly string[];
  /** Paths matched exactly (Kubernetes `Exact`), e.g. one health endpoint. @default none */
  readonly exactPaths?: readonly string[];
}

export interface IngressRoutesProps {
  /** Name of the Ingress. */
  readonly name: string;
  /**
   * Namespace of the Ingress and of its middlewares: the controller's CRD provider
   * refuses cross-namespace middleware references (IngressController).
   */
  readonly namespace: string;
  /**
   * The hosts the routes answer on: the stack's own hostname, and the brand's
   * public name where the stack serves it. A request for any other Host is not routed.
   */
  readonly hosts: readonly string[];
  /** The ingress controller and its per-client limits. */
  readonly ingress: IngressLimits;
  /** The routes; with none, no Ingress is created and nothing is public. */
  readonly routes: readonly PublicRoute[];
}

export class IngressRoutes extends Construct {
  readonly rateLimit: ApiObject;
  readonly concurrencyLimit: ApiObject;
  /** The public Ingress, when there are routes. */
  readonly ingress?: kplus.Ingress;

  constructor(scope: Construct, id: string, props: IngressRoutesProps) {
    super(scope, id);
    const limits = {
      requestsPerSecond: props.ingress.requestsPerSecond ?? 20,
      burst: props.ingress.burst ?? 40,
      concurrentRequests: props.ingress.concurrentRequests ?? 20,
    };
    for (const [field, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`IngressRoutes: 'ingress.${field}' must be a positive integer (got ${value})`);
    }
    if (props.hosts.length === 0) throw new Error("IngressRoutes: 'hosts' must name at least one host");
    const ns = props.namespace;

    // Per-client-IP limits. The NLB forwards the client address with proxy protocol v2, so the
    // remote address Traefik sees (ipStrategy depth 0) is the client's, not a forwarded header it could be lied to with.
    const sourceCriterion = { ipStrategy: { depth: 0 } };
    this.rateLimit = new ApiObject(this, 'ClientRateLimit', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: 'client-rate-limit', namespace: ns },
      spec: { rateLimit: { average: limits.requestsPerSecond, period: '1s', burst: limits.burst, sourceCriterion } },
    });
    this.concurrencyLimit = new ApiObject(this, 'ClientConcurrency', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: 'client-concurrency', namespace: ns },
      spec: { inFlightReq: { amount: limits.concurrentRequests, sourceCriterion } },
    });

    const rules: kplus.IngressRule[] = props.hosts.flatMap((host) =>
      props.routes.flatMap((route) => {
        const backend = kplus.IngressBackend.fromService(route.service, { port: route.port });
        return [
          ...route.paths.map((path) => ({ host, path, pathType: kplus.HttpIngressPathType.PREFIX, backend })),
          ...(route.exactPaths ?? []).map((path) => ({ host, path, pathType: kplus.HttpIngressPathType.EXACT, backend })),
        ];
      }),
    );
    if (rules.length === 0) return;
    // Traefik names a CRD middleware `<namespace>-<name>@kubernetescrd` in router annotations.
    const middlewares = [this.rateLimit, this.concurrencyLimit].map((m) => `${ns}-${m.name}@kubernetescrd`).join(',');
    this.ingress = new kplus.Ingress(this, 'PublicRoutes', {
      metadata: {
        name: props.name,
        namespace: ns,
        annotations: {
          'traefik.ingress.kubernetes.io/router.entrypoints': props.ingress.entryPoint,
          'traefik.ingress.kubernetes.io/router.middlewares': middlewares,
        },
      },
      className: props.ingress.ingressClassName,
      rules,
    });
  }
}
