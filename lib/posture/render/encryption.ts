/**
 * Encryption lines: keys by alias; which key encrypts each stateful resource
 * (its alias, `aws-owned (reason: ...)`, `aws-managed alias/aws/<service> (reason: ...)`
 * or `unencrypted`); TLS per data service; backups; what AWS keeps outside the stack;
 * per customer, the key that wraps that customer's personal data in the runtime, and the
 * key that seals the runtime's signing keys, each with the context its grant requires.
 */
import { PERSONAL_DATA_CONTEXT_KEYS } from '../../config/naming';
import { encryptionContextText } from '../facts/encryption/context-conditions';
import { ACCOUNT_ROOT, actionMatches, cryptographicOperationsAllowed, grantsOnlyForAwsResources } from '../facts/encryption/keys';
import { keyLabel } from '../naming';
import type { AtRestProtection, BackupFacts, BackupRuleFacts, EncryptionFacts, KeyFacts, KeyPolicyStatementFacts, StatefulResourceFacts, TransitFacts } from '../facts/encryption';
import type { CustomerKeyUseFacts, PlatformKeyUseFacts, RuntimeKeyFacts, RuntimeKeyWorkloadFacts } from '../facts/runtime-keys';

export interface EncryptionPosture {
  /** Each KMS key by alias: what it is for and how it is kept. */
  readonly keys: Record<string, string>;
  /** `<type> <name>` → the key that encrypts it at rest. */
  readonly atRest: Record<string, string>;
  /** `<type> <name>` → how the data service enforces TLS. */
  readonly inTransit: Record<string, string>;
  /** `<type> <name>` → native backups and AWS Backup plans that cover it; vaults and their protection. */
  readonly backups: Record<string, string>;
  /** Stateful things AWS services create outside the stack, and how they are encrypted. */
  readonly outsideTheStack: string[];
  /**
   * Per customer: the key that protects that customer's personal data in the identity runtime
   * (per-user data keys wrapped by the customer key), and which workload wraps them under which context.
   */
  readonly personalData: Record<string, string>;
  /** Per workload that seals signing keys: the key the private signing keys are sealed under, and under which context. */
  readonly signingKeys: Record<string, string>;
}

const sorted = (entries: Array<[string, string]>): Record<string, string> => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));

const resourceName = (r: { readonly type: string; readonly name: string; readonly subject?: string }) => `${r.type.replace(/^AWS::/, '')} ${r.name}${r.subject ? ` (${r.subject})` : ''}`;

const reasonText = (reason: string | undefined) => (reason ? `(reason: ${reason})` : '(no reason given)');

function protectionText(p: AtRestProtection, reason: string | undefined): string {
  switch (p.kind) {
    case 'key':
      return p.key.kind === 'aws-managed' ? `aws-managed ${p.key.alias} ${reasonText(reason)}` : keyLabel(p.key);
    case 'service-default-key':
      return `aws-managed ${p.alias} ${reasonText(reason)}`;
    case 'aws-owned':
      return `aws-owned${p.scheme ? ` (${p.scheme})` : ''} ${reasonText(reason)}`;
    case 'unencrypted':
      return 'unencrypted';
    case 'no-block-device-mapping':
      return `unencrypted unless the account enables EBS encryption by default: no block device mapping ${reasonText(reason)}`;
  }
}

function atRestText(r: StatefulResourceFacts): string {
  const labels = [...new Set(r.protections.map((p) => protectionText(p, r.exceptionReason)))].join(', ');
  const insights = [...new Set(r.performanceInsights.map(keyLabel))];
  return labels + (insights.length ? `; Performance Insights ${insights.join(', ')}` : '');
}

function transitText(t: TransitFacts): string {
  switch (t.kind) {
    case 'rds':
      if (!t.forceSsl) return 'TLS NOT enforced (rds.force_ssl is not 1)';
      return `TLS required (rds.force_ssl=1${t.minimumTlsVersion ? `, minimum ${t.minimumTlsVersion}` : ''})`;
    case 'docdb':
      return t.tls === 'disabled' ? 'TLS NOT enforced (tls=disabled)' : `TLS required (tls=${t.tls ?? 'enabled (engine default)'}); audit_logs=${t.auditLogs ?? 'disabled'}`;
    case 'rabbitmq':
      return `AMQPS only: Amazon MQ for RabbitMQ listens on 5671 (AMQP over TLS) and 443 (HTTPS management), never plain AMQP; ${t.publiclyAccessible ? 'PUBLIC' : 'private'}`;
  }
}

const planText = (rule: BackupRuleFacts) =>
  `AWS Backup ${rule.plan}: ${rule.continuous ? 'continuous (point-in-time)' : rule.schedule}, kept ${rule.deleteAfterDays ?? 'forever'} days`;

function backupText(b: BackupFacts): string {
  switch (b.kind) {
    case 'database-cluster':
      return [
        `automated backups ${b.retentionDays} days (point-in-time restore)`,
        ...(b.plans.length ? b.plans.map(planText) : ['in no AWS Backup plan']),
        b.deletionProtection ? 'deletion protection on' : 'deletion protection OFF',
        `${b.instances} instance(s)` + (b.zones.length ? ` in ${b.zones.join(', ')}` : ''),
      ].join('; ');
    case 'broker':
      return `${b.deploymentMode}; no backups (Amazon MQ has none): queues hold messages in flight, not records`;
    case 'vault':
      return [
        b.deniedToEveryone.length ? `denies ${b.deniedToEveryone.join(', ')} to everyone` : 'recovery points deletable by IAM principals',
        b.minRetentionDays !== undefined ? `vault lock: minimum retention ${b.minRetentionDays} days` : 'no vault lock',
        b.retainedOnStackDeletion ? 'retained when the stack is deleted' : 'deleted with the stack',
      ].join('; ');
    case 'instance-volumes':
      if (!b.plans.length) return 'EBS volumes in no AWS Backup plan';
      if (!b.tagsPropagated) return 'EBS volumes in no AWS Backup plan: the tags the plan selects on are not propagated to the volumes';
      return b.plans.map((rule) => `EBS volumes: ${planText(rule)}`).join('; ');
  }
}

/** One phrase per Allow statement of a key policy, and the count of other principals it names. */
function keyPolicyText(statements: readonly KeyPolicyStatementFacts[]): string {
  const usage = /^kms:(\*|Encrypt|Decrypt|GenerateDataKey|ReEncrypt)/;
  const parts: string[] = [];
  const allows = statements.filter((s) => s.effect === 'Allow');
  for (const s of allows) {
    if (s.accountRoot && s.actions.includes('kms:*')) parts.push('account root kms:* (use delegated to IAM grants)');
    else if (s.accountRoot && s.viaService) parts.push(`account principals via ${s.viaService}`);
    else if (s.accountRoot && s.actions.some((a) => usage.test(a))) parts.push('account root may use');
    else if (s.services.length) {
      const keys = s.conditions.map((c) => c.key);
      parts.push(`${s.services.join(', ')} (${keys.length ? `only with ${keys.join(', ')}` : 'unconditioned'})`);
    }
    // A kms:* statement says so already; a ViaService statement's grants go through that service.
    if (!s.actions.includes('kms:*') && !s.viaService && s.actions.some((a) => actionMatches(a, 'kms:CreateGrant'))) {
      const who = s.accountRoot ? 'account root' : 'named principals';
      parts.push(grantsOnlyForAwsResources(s) ? `${who} may create grants only for AWS resources` : `${who} may create any grant, to itself included`);
    }
  }
  const grantees = new Set(allows.filter((s) => !s.accountRoot && s.actions.some((a) => usage.test(a))).flatMap((s) => s.grantees));
  const withContext = statements.some((s) => s.customerContext !== undefined);
  if (grantees.size) parts.push(`${grantees.size} grantee(s)${withContext ? ' with the customer encryption context' : ''}`);
  return `key policy: ${[...new Set(parts)].join(', ') || 'none'}`;
}

/** The principals (`account root` or grantees) an Allow statement lets use the key directly. */
function usersOf(policy: readonly KeyPolicyStatementFacts[]): Set<string> {
  const uses = (s: KeyPolicyStatementFacts) => s.actions.some((a) => ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'].some((op) => actionMatches(a, op)));
  return new Set(policy.filter((s) => s.effect === 'Allow' && uses(s)).flatMap((s) => [...(s.accountRoot ? [ACCOUNT_ROOT] : []), ...s.grantees]));
}

/** Who may rewrite the key policy, and so give anyone (itself included) use of the key. */
function administratorsText(k: KeyFacts): string {
  if (!k.administrators.length) return 'no administrator (unmanageable key)';
  const users = usersOf(k.policy);
  const names = k.administrators.map((a) => (a === ACCOUNT_ROOT ? 'account root (IAM policies of the account decide who)' : a));
  const use = k.administrators.some((a) => users.has(a)) ? 'some may also use the key' : 'none may use the key directly';
  return `administrators (may rewrite the key policy; ${use}): ${names.join(', ')}`;
}

function keyText(k: KeyFacts): string {
  const purpose =
    k.purpose.kind === 'platform'
      ? ['platform key']
      : k.purpose.kind === 'customer'
        ? // The brand's customers share its databases (kept apart by the tenant layer), so
          // storage is under the platform key and customer keys wrap each customer's records.
          [`customer key for ${k.purpose.customer}`, "envelope encryption of this customer's records inside the brand's shared databases"]
        : [];
  return [
    ...purpose,
    k.keySpec,
    k.rotation ? 'rotation on' : 'rotation OFF',
    `deletion window ${k.pendingWindowDays} days`,
    keyPolicyText(k.policy),
    administratorsText(k),
  ].join('; ');
}

const OUTSIDE = {
  'rds-enhanced-monitoring':
    'RDSOSMetrics: RDS enhanced monitoring writes to this account-wide log group, shared by every RDS instance of the account and region, so a brand stack cannot own it; CloudWatch Logs default encryption',
  'broker-general-log':
    '/aws/amazonmq/broker/<broker-id>/general: created by Amazon MQ, which assigns the broker id at creation, so the group cannot be created beforehand with a CMK; CloudWatch Logs default encryption',
};

const { customer: CUSTOMER, tenant: TENANT, user: USER, purpose: PURPOSE } = PERSONAL_DATA_CONTEXT_KEYS;

/** A key-policy or IAM statement's actions, and for cryptographic ones the context it requires. */
function useText(actions: readonly string[], context: string): string {
  return cryptographicOperationsAllowed(actions).length ? `${actions.join(', ')} ${context}` : actions.join(', ');
}

const customerUseText = (u: CustomerKeyUseFacts) => useText(u.actions, u.customerContext === undefined ? 'WITHOUT the customer encryption context' : `only with ${CUSTOMER}=${u.customerContext}`);

const platformUseText = (u: PlatformKeyUseFacts) => useText(u.actions, encryptionContextText(u.conditions) || 'with ANY encryption context');

/** Who wraps one customer's personal data, with which key and under which context. */
function personalDataText(customer: string, key: RuntimeKeyFacts['customerKeys'][number]['key'], workloads: readonly RuntimeKeyWorkloadFacts[]): string {
  const concerned = workloads.filter((w) => w.customerKeyUse.some((u) => u.customer === customer) || (w.personalDataProvider !== undefined && (w.customers?.includes(customer) ?? false)));
  if (concerned.length === 0) return `${keyLabel(key)}: NO workload wraps this customer's personal data with it`;
  const byWorkload = concerned.map((w) => {
    if (w.personalDataProvider !== 'kms') return `${w.workload}: PII_KEY_PROVIDER=${w.personalDataProvider ?? 'unset'}, so NOT under this key (master keys held in the pod)`;
    const listed = w.customers?.includes(customer) ? '' : `; BRANDSTACK_CUSTOMERS does NOT list ${customer}, so its tenants cannot be onboarded`;
    const uses = w.customerKeyUse.filter((u) => u.customer === customer).map(customerUseText);
    return `wrapped by ${w.workload} (PII_KEY_PROVIDER=kms${listed}): ${uses.join('; ') || 'NO use granted by the key policy'}`;
  });
  return [
    `${keyLabel(key)}: per-user data keys (encryption context ${CUSTOMER}, ${TENANT}, ${USER}) and per-tenant blind-index keys (${CUSTOMER}, ${TENANT}, ${PURPOSE}=blind-index)`,
    ...byWorkload,
  ].join('; ');
}

/** Where one workload seals its private signing keys. */
function signingKeyText(w: RuntimeKeyWorkloadFacts, platformKey: RuntimeKeyFacts['platformKey']): string {
  const legacy = w.legacyKeyEncryptionKey ? 'KEY_ENCRYPTION_KEY delivered to open signing keys sealed before (v1)' : 'no KEY_ENCRYPTION_KEY: signing keys sealed before (v1) cannot be opened';
  if (w.signingKeySeal !== 'kms') return `SIGNING_KEY_SEAL=${w.signingKeySeal ?? 'unset'}: private signing keys NOT sealed under KMS; ${legacy}`;
  const uses = w.platformKeyUse.map(platformUseText);
  const key = platformKey ? keyLabel(platformKey) : 'the platform key (NOT in this stack)';
  return `SIGNING_KEY_SEAL=kms: private signing keys sealed, and public JWKs and client JWKS attested, with data keys of ${key}: ${uses.join('; ') || 'the role may NOT use it directly, so sealing fails'}; ${legacy}`;
}

/** Customers a workload's BRANDSTACK_CUSTOMERS lists that have no customer key in the stack. */
function keylessCustomers(runtimeKeys: RuntimeKeyFacts): Array<{ customer: string; workloads: string[] }> {
  const keyed = new Set(runtimeKeys.customerKeys.map((k) => k.customer));
  const listed = [...new Set(runtimeKeys.workloads.flatMap((w) => w.customers ?? []))].filter((c) => !keyed.has(c));
  return listed.map((customer) => ({ customer, workloads: runtimeKeys.workloads.filter((w) => w.customers?.includes(customer)).map((w) => w.workload) }));
}

export function renderEncryption(facts: EncryptionFacts, runtimeKeys: RuntimeKeyFacts): EncryptionPosture {
  const sealers = runtimeKeys.workloads.filter((w) => w.signingKeySeal !== undefined || w.platformKeyUse.some((u) => cryptographicOperationsAllowed(u.actions).length > 0));
  return {
    keys: sorted(facts.keys.map((k) => [keyLabel(k.key), keyText(k)])),
    atRest: sorted(facts.atRest.map((r) => [resourceName(r), atRestText(r)])),
    inTransit: sorted(facts.dataServices.map((d) => [resourceName(d), transitText(d.transit)])),
    backups: sorted(facts.backups.map((b) => [resourceName(b), backupText(b.backup)])),
    outsideTheStack: facts.outsideTheStack.map((o) =>
      o.kind === 'lambda-log-groups'
        ? `/aws/lambda/<function>: created by Lambda at first invocation for ${o.functions} function(s) without a log group in the stack (CDK custom-resource handlers); CloudWatch Logs default encryption`
        : OUTSIDE[o.kind],
    ),
    personalData: Object.fromEntries([
      ...runtimeKeys.customerKeys.map(({ customer, key }) => [customer, personalDataText(customer, key, runtimeKeys.workloads)]),
      ...keylessCustomers(runtimeKeys).map(({ customer, workloads }) => [customer, `NO customer key in this stack, yet BRANDSTACK_CUSTOMERS of ${workloads.join(', ')} lists it`]),
    ]),
    signingKeys: sorted(sealers.map((w) => [w.workload, signingKeyText(w, runtimeKeys.platformKey)])),
  };
}
