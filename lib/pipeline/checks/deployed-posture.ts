/**
 * `brandstack verify`: what the brand file and the stage promise, checked
 * against the deployed account with read-only KMS and RDS calls.
 */
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { auroraClusterIdentifier, keyAlias, platformKeyAlias } from '../../config/naming';
import type { BrandTarget } from '../../config/registry';
import { callAws } from './aws-failure';
import { expectation, type Expectation } from './expectation';

export interface DeployedPostureClients {
  readonly kms: KMSClient;
  readonly rds: RDSClient;
}

/**
 * Fail fast where AWS cannot be reached: a short connect timeout and one retry,
 * so no network means a clear sentence within seconds, not minutes of backoff.
 */
export function postureClients(region: string): DeployedPostureClients {
  const config = { region, maxAttempts: 2, requestHandler: { connectionTimeout: 3000, requestTimeout: 10000 } };
  return { kms: new KMSClient(config), rds: new RDSClient(config) };
}

export async function verifyDeployedPosture(target: BrandTarget, clients: DeployedPostureClients): Promise<Expectation[]> {
  const region = target.region.code;
  const results: Expectation[] = [];

  const platformAlias = platformKeyAlias(target.brand.id);
  const platformKey = await checkKey(clients.kms, region, platformAlias, results);
  for (const customer of target.brand.customers) await checkKey(clients.kms, region, keyAlias(target.brand.id, customer), results);

  const identifier = auroraClusterIdentifier(target);
  const cluster = await findCluster(clients.rds, region, identifier);
  const subject = `Aurora cluster ${identifier}`;
  results.push(expectation(`${subject} exists`, cluster !== undefined, cluster ? 'found' : 'no such cluster'));
  if (cluster) {
    results.push(expectation(`${subject} is StorageEncrypted`, cluster.StorageEncrypted === true, cluster.StorageEncrypted ?? false));
    const expectedKey = platformKey?.Arn;
    results.push(
      expectation(
        `${subject} is encrypted with ${platformAlias}${expectedKey ? ` (${expectedKey})` : ''}`,
        expectedKey !== undefined && cluster.KmsKeyId === expectedKey,
        cluster.KmsKeyId ?? 'no key',
      ),
    );
    results.push(expectation(`${subject} has IAM database authentication`, cluster.IAMDatabaseAuthenticationEnabled === true, cluster.IAMDatabaseAuthenticationEnabled ?? false));
    if (target.stage.deletionProtection) {
      results.push(expectation(`${subject} has deletion protection (stage ${target.stage.name})`, cluster.DeletionProtection === true, cluster.DeletionProtection ?? false));
    }
  }
  return results;
}

/** Existence, state, spec and rotation of one key; returns its metadata when it exists. */
async function checkKey(kms: KMSClient, region: string, alias: string, results: Expectation[]): Promise<KeyMetadata | undefined> {
  let metadata: KeyMetadata | undefined;
  try {
    metadata = (await callAws('kms:DescribeKey', region, () => kms.send(new DescribeKeyCommand({ KeyId: alias })))).KeyMetadata;
  } catch (error) {
    if ((error as Error).name !== 'NotFoundException') throw error;
  }
  results.push(expectation(`key ${alias} exists`, metadata !== undefined, metadata ? metadata.Arn : 'no such alias'));
  if (!metadata) return undefined;
  results.push(expectation(`key ${alias} is Enabled`, metadata.KeyState === 'Enabled', metadata.KeyState));
  results.push(expectation(`key ${alias} is SYMMETRIC_DEFAULT`, metadata.KeySpec === 'SYMMETRIC_DEFAULT', metadata.KeySpec));
  const rotation = await callAws('kms:GetKeyRotationStatus', region, () => kms.send(new GetKeyRotationStatusCommand({ KeyId: metadata!.KeyId })));
  results.push(expectation(`key ${alias} has rotation on`, rotation.KeyRotationEnabled === true, rotation.KeyRotationEnabled ?? false));
  return metadata;
}

async function findCluster(rds: RDSClient, region: string, identifier: string): Promise<DBCluster | undefined> {
  try {
    const found = await callAws('rds:DescribeDBClusters', region, () => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })));
    return found.DBClusters?.[0];
  } catch (error) {
    if ((error as Error).name === 'DBClusterNotFoundFault') return undefined;
    throw error;
  }
}
