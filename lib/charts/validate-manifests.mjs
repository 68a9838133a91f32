// Validates Kubernetes objects against the Kubernetes 1.34-era OpenAPI schemas
// shipped by kubernetes-models, offline. kubernetes-models is ESM-only, so this
// runs as its own Node process (see manifest-validation.ts): it reads a JSON
// array of objects on stdin and prints a JSON array of problems, one per
// invalid object ([] when all are valid).
//
// Custom resources have no schema in kubernetes-models; the kinds the charts
// use are checked structurally below. Any other kind is a problem: an object
// nobody can validate is not accepted silently.

const CORE_GROUPS = new Map([
  ['v1', 'v1'],
  ['apps/v1', 'apps/v1'],
  ['policy/v1', 'policy/v1'],
  ['autoscaling/v2', 'autoscaling/v2'],
  ['networking.k8s.io/v1', 'networking.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1'],
]);

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPositiveInt = (value) => Number.isInteger(value) && value > 0;

/** Structural checks of the custom resources the charts and cluster use, from their CRDs' required fields. */
const CUSTOM_KINDS = {
  'security.istio.io/v1/PeerAuthentication': (o) => {
    const mode = o.spec?.mtls?.mode;
    return ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'].includes(mode) ? [] : [`spec.mtls.mode must be UNSET, DISABLE, PERMISSIVE or STRICT (got ${JSON.stringify(mode)})`];
  },
  'traefik.io/v1alpha1/Middleware': (o) => {
    const spec = o.spec ?? {};
    const kinds = Object.keys(spec);
    if (kinds.length !== 1) return [`spec must configure exactly one middleware (got ${kinds.join(', ') || 'none'})`];
    const problems = [];
    if (spec.rateLimit) {
      if (!isPositiveInt(spec.rateLimit.average)) problems.push('spec.rateLimit.average must be a positive integer');
      if (spec.rateLimit.burst !== undefined && !isPositiveInt(spec.rateLimit.burst)) problems.push('spec.rateLimit.burst must be a positive integer');
      if (spec.rateLimit.period !== undefined && !/^\d+(ms|s|m|h)$/.test(spec.rateLimit.period)) problems.push('spec.rateLimit.period must be a duration such as 1s');
    }
    if (spec.inFlightReq && !isPositiveInt(spec.inFlightReq.amount)) problems.push('spec.inFlightReq.amount must be a positive integer');
    return problems;
  },
  'external-secrets.io/v1/SecretStore': (o) => {
    const providers = Object.keys(o.spec?.provider ?? {});
    if (providers.length !== 1) return [`spec.provider must configure exactly one provider (got ${providers.join(', ') || 'none'})`];
    const aws = o.spec.provider.aws;
    if (!aws) return [];
    const problems = [];
    if (!['SecretsManager', 'ParameterStore'].includes(aws.service)) problems.push(`spec.provider.aws.service must be SecretsManager or ParameterStore (got ${JSON.stringify(aws.service)})`);
    if (typeof aws.region !== 'string' || !aws.region) problems.push('spec.provider.aws.region is required');
    return problems;
  },
  'external-secrets.io/v1/ExternalSecret': (o) => {
    const spec = o.spec ?? {};
    const problems = [];
    if (!['SecretStore', 'ClusterSecretStore', undefined].includes(spec.secretStoreRef?.kind) || typeof spec.secretStoreRef?.name !== 'string') {
      problems.push('spec.secretStoreRef needs a name and kind SecretStore or ClusterSecretStore');
    }
    if (spec.refreshInterval !== undefined && !/^(\d+(ns|us|µs|ms|s|m|h))+$/.test(spec.refreshInterval)) problems.push('spec.refreshInterval must be a duration such as 1h');
    if (spec.target?.creationPolicy !== undefined && !['Owner', 'Orphan', 'Merge', 'None'].includes(spec.target.creationPolicy)) problems.push('spec.target.creationPolicy must be Owner, Orphan, Merge or None');
    if (spec.target?.deletionPolicy !== undefined && !['Delete', 'Merge', 'Retain'].includes(spec.target.deletionPolicy)) problems.push('spec.target.deletionPolicy must be Delete, Merge or Retain');
    const data = spec.data ?? [];
    if (!Array.isArray(data) || (data.length === 0 && !(spec.dataFrom ?? []).length)) problems.push('spec.data or spec.dataFrom must list at least one value');
    const keys = new Set();
    for (const [i, entry] of (Array.isArray(data) ? data : []).entries()) {
      if (typeof entry?.secretKey !== 'string' || !entry.secretKey) problems.push(`spec.data[${i}].secretKey is required`);
      if (typeof entry?.remoteRef?.key !== 'string' || !entry.remoteRef.key) problems.push(`spec.data[${i}].remoteRef.key is required`);
      if (keys.has(entry?.secretKey)) problems.push(`spec.data[${i}].secretKey ${entry.secretKey} is listed twice`);
      keys.add(entry?.secretKey);
    }
    const template = spec.target?.template;
    if (template) {
      if (template.engineVersion !== undefined && template.engineVersion !== 'v2') problems.push('spec.target.template.engineVersion must be v2');
      // Every `.name` a template reads must be a secretKey of spec.data, or the operator fails at render time.
      for (const [key, text] of Object.entries(template.data ?? {})) {
        for (const [, name] of String(text).matchAll(/\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
          if (!keys.has(name)) problems.push(`spec.target.template.data.${key} reads .${name}, which spec.data does not provide`);
        }
      }
    }
    return problems;
  },
  'eks.amazonaws.com/v1/NodeClass': (o) => {
    const problems = [];
    if (typeof o.spec?.role !== 'string' || !o.spec.role) problems.push('spec.role (node IAM role name) is required');
    for (const field of ['subnetSelectorTerms', 'securityGroupSelectorTerms']) {
      if (o.spec?.[field] !== undefined && (!Array.isArray(o.spec[field]) || o.spec[field].length === 0)) problems.push(`spec.${field} must be a non-empty array`);
    }
    return problems;
  },
  'karpenter.sh/v1/NodePool': (o) => {
    const problems = [];
    const ref = o.spec?.template?.spec?.nodeClassRef;
    if (!ref?.group || !ref?.kind || !ref?.name) problems.push('spec.template.spec.nodeClassRef needs group, kind and name');
    if (!Array.isArray(o.spec?.template?.spec?.requirements)) problems.push('spec.template.spec.requirements must be an array');
    for (const r of o.spec?.template?.spec?.requirements ?? []) {
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'].includes(r.operator)) problems.push(`requirement ${r.key}: unknown operator ${r.operator}`);
    }
    return problems;
  },
};

async function validate(object) {
  const id = `${object?.kind ?? '(no kind)'} ${object?.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object?.metadata?.name ?? '(no name)'}`;
  if (!isObject(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return { object: id, problems: ['apiVersion and kind are required'] };
  if (!isObject(object.metadata) || typeof object.metadata.name !== 'string') return { object: id, problems: ['metadata.name is required'] };
  const custom = CUSTOM_KINDS[`${object.apiVersion}/${object.kind}`];
  if (custom) {
    const problems = custom(object);
    return problems.length ? { object: id, problems } : undefined;
  }
  const group = CORE_GROUPS.get(object.apiVersion);
  if (!group) return { object: id, problems: [`no schema for ${object.apiVersion} ${object.kind}`] };
  let Model;
  try {
    Model = (await import(`kubernetes-models/${group}/${object.kind}`))[object.kind];
  } catch {
    return { object: id, problems: [`no schema for ${object.apiVersion} ${object.kind}`] };
  }
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return { object: id, problems: String(error.message).split(', ') };
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const objects = JSON.parse(input);
const results = (await Promise.all(objects.map(validate))).filter(Boolean);
process.stdout.write(JSON.stringify(results));
