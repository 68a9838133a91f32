/** Encryption facts, read from the template. */
import type { TemplateView } from '../../template';
import { atRestFacts } from './at-rest';
import { backupFacts } from './backups';
import { dataServiceFacts } from './in-transit';
import { keyFacts } from './keys';
import { outsideTheStackFacts } from './outside-the-stack';
import type { EncryptionFacts } from './types';

export type * from './types';
export { CUSTOMER_CONTEXT_CONDITION, statementFacts } from './keys';

/** `brand` (from the stack's tags) tells the platform key from customer keys by alias. */
export function encryptionFacts(view: TemplateView, brand: string | undefined): EncryptionFacts {
  return {
    keys: keyFacts(view, brand),
    atRest: atRestFacts(view),
    dataServices: dataServiceFacts(view),
    backups: backupFacts(view),
    outsideTheStack: outsideTheStackFacts(view),
  };
}
