/**
 * The source action's permission to use its connection, under both service prefixes.
 *
 * AWS CodeStar Connections was renamed AWS CodeConnections on 2024-03-29: connections created
 * since carry `codeconnections` in their ARN, older ones `codestar-connections`, and both
 * prefixes' actions remain valid. "When specifying a resource in the IAM policy, the service
 * prefix needs to match that of the resource"
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html), so each action is
 * granted on the connection's ARN spelled with its own prefix. CDK's
 * CodeStarConnectionsSourceAction grants only `codestar-connections:UseConnection`, on the ARN
 * as given, which does not match a `codeconnections` ARN.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/** The two service prefixes of one connection, old and new. */
export const CONNECTION_SERVICE_PREFIXES = ['codestar-connections', 'codeconnections'] as const;
export type ConnectionServicePrefix = (typeof CONNECTION_SERVICE_PREFIXES)[number];

const CONNECTION_ARN = /^arn:(aws[a-z-]*):(codestar-connections|codeconnections):([a-z0-9-]+):(\d{12}):connection\/([0-9a-f-]{36})$/;

/** The same connection's ARN under `prefix`. Throws on anything that is not a connection ARN. */
export function connectionArnWithPrefix(connectionArn: string, prefix: ConnectionServicePrefix): string {
  const match = CONNECTION_ARN.exec(connectionArn);
  if (!match) throw new Error(`'${connectionArn}' is not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)`);
  const [, partition, , region, account, id] = match;
  return `arn:${partition}:${prefix}:${region}:${account}:connection/${id}`;
}

/** `<prefix>:UseConnection` on the ARN with that prefix, for both prefixes. */
export function useConnectionStatements(connectionArn: string): iam.PolicyStatement[] {
  return CONNECTION_SERVICE_PREFIXES.map(
    (prefix) => new iam.PolicyStatement({ actions: [`${prefix}:UseConnection`], resources: [connectionArnWithPrefix(connectionArn, prefix)] }),
  );
}

/** Grants `grantee` UseConnection on the connection under both prefixes. */
export function grantUseConnection(grantee: iam.IGrantable, connectionArn: string): iam.Grant {
  const [first, ...rest] = useConnectionStatements(connectionArn).map((statement) =>
    iam.Grant.addToPrincipal({ grantee, actions: statement.actions, resourceArns: statement.resources }),
  );
  return rest.reduce((grant, next) => grant.combine(next), first);
}
