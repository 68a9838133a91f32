/**
 * Encryption lines: keys by alias; which key encrypts each stateful resource
 * (its alias, `aws-owned (reason: ...)`, `aws-managed alias/aws/<service> (reason: ...)`
 * or `unencrypted`); TLS per data service; backups; what AWS keeps outside the stack.
 */
import { ACCOUNT_ROOT, actionMatches, grantsOnlyForAwsResources } from '../facts/encryption/keys';
import { keyLabel } from '../naming';
import type { AtRestProtection, BackupFacts, BackupRuleFacts, EncryptionFacts, KeyFacts, KeyPolicyStatementFacts, StatefulResourceFacts, TransitFacts } from '../facts/encryption';

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

export function renderEncryption(facts: EncryptionFacts): EncryptionPosture {
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
  };
}
