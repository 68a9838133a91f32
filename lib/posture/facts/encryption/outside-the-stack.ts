/** Stateful things AWS services create outside the stack, which the stack cannot give a key. */
import type { TemplateView } from '../../template';
import type { OutsideTheStackFacts } from './types';

export function outsideTheStackFacts(view: TemplateView): OutsideTheStackFacts[] {
  const found: OutsideTheStackFacts[] = [];
  const add = (fact: OutsideTheStackFacts) => {
    if (!found.some((f) => f.kind === fact.kind)) found.push(fact);
  };
  // Lambda creates /aws/lambda/<function> at first invocation unless the function names a log group.
  const withoutLogGroup = new Set(view.ofType('AWS::Lambda::Function').filter(([, f]) => !f.Properties?.LoggingConfig?.LogGroup).map(([id]) => id));
  for (const [id] of view.all()) {
    if (withoutLogGroup.has(id)) add({ kind: 'lambda-log-groups', functions: withoutLogGroup.size });
    if (Number(view.getOfType(id, 'AWS::RDS::DBInstance')?.Properties?.MonitoringInterval ?? 0) > 0) add({ kind: 'rds-enhanced-monitoring' });
    if (view.getOfType(id, 'AWS::AmazonMQ::Broker')?.Properties?.Logs?.General) add({ kind: 'broker-general-log' });
  }
  return found;
}
