import { postureRule } from '../rule';
import type { Finding } from '../rule';
import { isBrandKey } from '../brand-keys';
import type { IamStatementFacts } from '../../facts/cluster';

/** What reading a secret needs: its value, and the key to decrypt it through Secrets Manager. */
const ALLOWED_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt'];

/**
 * The External Secrets Operator reads AWS secrets as its own EKS Pod Identity
 * role (no static credentials in the cluster), and that role may only read the
 * stack's Secrets Manager secrets and decrypt with a brand key through Secrets
 * Manager (kms:ViaService), nothing else.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
 */
export const SecretStoreLeastPrivilege = postureRule('secrets/secret-store-least-privilege', "Secret stores use the operator's Pod Identity role, which reads only the stack's secrets.", (facts) =>
  (facts.cluster?.secretStores ?? []).flatMap((store): Finding[] => {
    const resource = `${store.kind} ${store.namespace ? `${store.namespace}/` : ''}${store.name}`;
    if (store.provider.kind !== 'aws') return [];
    const auth = store.provider.auth;
    if (auth.kind === 'explicit-credentials') return [{ resource, reason: 'reads AWS with explicit credentials' }];
    if (auth.kind === 'role') return [];
    if (!auth.roles.length) return [{ resource, reason: "the operator has no Pod Identity role" }];
    return auth.roles.flatMap(({ role, statements }) => statements.filter((s) => s.effect === 'Allow').flatMap((s) => statementProblems(facts, s).map((reason) => ({ resource, reason: `role ${role}: ${reason}` }))));
  }),
);

function statementProblems(facts: Parameters<typeof isBrandKey>[0], s: IamStatementFacts): string[] {
  const problems = s.actions.filter((a) => !ALLOWED_ACTIONS.includes(a)).map((a) => `allows ${a}`);
  for (const r of s.resources) {
    if (s.actions.some((a) => a.startsWith('secretsmanager:')) && !(r.kind === 'resource' && r.type === 'AWS::SecretsManager::Secret')) problems.push(`reads secrets of ${r.kind === 'literal' ? r.text : r.kind === 'resource' ? r.name : 'a key'}`);
    if (s.actions.includes('kms:Decrypt') && !(r.kind === 'key' && isBrandKey(facts, r.key))) problems.push('decrypts with a key that is not the brand\'s');
  }
  if (s.actions.includes('kms:Decrypt') && !s.viaService?.startsWith('secretsmanager.')) problems.push('decrypts outside Secrets Manager (no kms:ViaService)');
  return problems;
}
