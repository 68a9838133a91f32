/** The source connection's ARN under each service prefix (the CodeConnections rename). */
import { connectionArnWithPrefix, useConnectionStatements } from '../../lib/pipeline/source-connection';

const NEW = 'arn:aws:codeconnections:eu-central-1:111111111111:connection/00000000-0000-4000-8000-000000000000';
const OLD = 'arn:aws:codestar-connections:eu-central-1:111111111111:connection/00000000-0000-4000-8000-000000000000';

test('either spelling gives both, keeping partition, region, account and id', () => {
  for (const arn of [NEW, OLD]) {
    expect(connectionArnWithPrefix(arn, 'codeconnections')).toBe(NEW);
    expect(connectionArnWithPrefix(arn, 'codestar-connections')).toBe(OLD);
  }
  expect(connectionArnWithPrefix(NEW.replace('arn:aws:', 'arn:aws-us-gov:'), 'codestar-connections')).toBe(OLD.replace('arn:aws:', 'arn:aws-us-gov:'));
});

test('each UseConnection action is granted on the ARN with its own prefix', () => {
  expect(useConnectionStatements(NEW).map((s) => s.toStatementJson())).toEqual([
    { Action: 'codestar-connections:UseConnection', Effect: 'Allow', Resource: OLD },
    { Action: 'codeconnections:UseConnection', Effect: 'Allow', Resource: NEW },
  ]);
});

test('anything else is refused, naming it', () => {
  expect(() => connectionArnWithPrefix('arn:aws:s3:::bucket', 'codeconnections')).toThrow("'arn:aws:s3:::bucket' is not a connection ARN");
});
