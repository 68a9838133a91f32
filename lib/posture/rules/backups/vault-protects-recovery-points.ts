import { postureRule } from '../rule';
import type { Finding } from '../rule';

/** What would let a compromised principal destroy backups before they expire. */
const MUST_DENY = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'];

/**
 * Every backup vault denies deleting recovery points (and shortening their
 * lifecycle) to everyone, has a vault lock with a minimum retention, and is kept
 * when the stack is deleted: backups survive a compromised admin and a deleted stack.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export const VaultProtectsRecoveryPoints = postureRule('backups/vault-protects-recovery-points', 'Every backup vault denies recovery point deletion, is locked and is retained.', (facts) =>
  facts.encryption.backups.flatMap(({ type, name, backup }): Finding[] => {
    if (backup.kind !== 'vault') return [];
    const resource = `${type} ${name}`;
    return [
      ...MUST_DENY.filter((action) => !backup.deniedToEveryone.includes(action)).map((action) => ({ resource, reason: `does not deny ${action} to everyone` })),
      ...(backup.minRetentionDays === undefined ? [{ resource, reason: 'no vault lock' }] : []),
      ...(backup.retainedOnStackDeletion ? [] : [{ resource, reason: 'deleted with the stack' }]),
    ];
  }),
);
