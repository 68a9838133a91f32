import { postureRule, type Finding } from '../rule';
import { keyLabel } from '../../naming';
import { actionMatches } from './iam-actions';

/**
 * What the runtime does with a customer key for personal data (issue 14): GenerateDataKey for a
 * new per-user or blind-index key, Decrypt for a stored one, ReEncryptFrom/ReEncryptTo when the
 * re-wrap command moves a tenant to another customer's key
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html).
 */
const PERSONAL_DATA_OPERATIONS = ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/**
 * Every workload that handles personal data (sets PII_KEY_PROVIDER) wraps it under the brand's
 * customer keys through KMS, and its settings and its role agree with the stack:
 * - PII_KEY_PROVIDER is `kms`: `local` keeps the master keys in the pod, outside any customer key;
 * - BRANDSTACK_BRAND is the stack's brand, so the aliases the runtime derives are this stack's keys;
 * - BRANDSTACK_CUSTOMERS lists exactly the customers with a key: a customer without a key would
 *   be accepted at onboarding and fail at the first KMS call; a key not listed leaves its
 *   customer's tenants unable to onboard;
 * - for each of them, the key's policy lets the workload's role perform the personal-data
 *   operations under that customer's encryption context (a statement bound to another
 *   context, or to none, is reported by keys/customer-key-use-bound-to-encryption-context).
 */
export const PersonalDataUnderCustomerKeys = postureRule(
  'keys/personal-data-under-customer-keys',
  "A workload handling personal data wraps it through KMS under each of the brand's customer keys, with that customer's context.",
  (facts) => {
    const keys = facts.runtimeKeys.customerKeys;
    const keyed = keys.map((k) => k.customer);
    return facts.runtimeKeys.workloads
      .filter((w) => w.personalDataProvider !== undefined)
      .flatMap((w): Finding[] => {
        const found: Finding[] = [];
        const at = (reason: string) => found.push({ resource: w.workload, reason });
        if (w.personalDataProvider !== 'kms') at(`PII_KEY_PROVIDER=${w.personalDataProvider}: personal data would be wrapped by master keys held in the pod, not by the customer keys`);
        if (w.brand !== facts.placement.brand) at(`BRANDSTACK_BRAND is ${w.brand ?? 'unset'}, not the stack's brand ${facts.placement.brand ?? '(none tagged)'}`);
        const listed = w.customers ?? [];
        for (const customer of listed.filter((c) => !keyed.includes(c))) at(`BRANDSTACK_CUSTOMERS lists ${customer}, which has no customer key in this stack`);
        for (const customer of keyed.filter((c) => !listed.includes(c))) at(`BRANDSTACK_CUSTOMERS does not list ${customer}: its tenants cannot be onboarded`);
        for (const { customer, key } of keys.filter((k) => listed.includes(k.customer))) {
          const bound = w.customerKeyUse.filter((u) => u.customer === customer && u.customerContext === customer);
          const missing = PERSONAL_DATA_OPERATIONS.filter((op) => !bound.some((u) => u.actions.some((a) => actionMatches(a, op))));
          if (missing.length) at(`${keyLabel(key)}: the key policy does not let role ${w.role ?? '(none)'} ${missing.join(', ')} with ${customer}'s encryption context`);
        }
        return found;
      });
  },
);
