/** How each data service enforces TLS, from its cluster parameter group or its engine. */
import { referencedId } from '../../naming';
import type { CfnValue, TemplateView } from '../../template';
import type { DataServiceFacts } from './types';
import { physicalName } from './at-rest';

const text = (value: CfnValue): string | undefined => (value === undefined ? undefined : String(value));

export function dataServiceFacts(view: TemplateView): DataServiceFacts[] {
  const facts: DataServiceFacts[] = [];
  for (const [id, resource] of view.all()) {
    const base = { logicalId: id, type: resource.Type, name: physicalName(id, resource) };
    if (resource.Type === 'AWS::RDS::DBCluster') {
      // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html#AuroraPostgreSQL.Security.SSL.Requiring
      const cluster = view.getOfType(id, 'AWS::RDS::DBCluster');
      const group = view.getOfType(referencedId(cluster?.Properties?.DBClusterParameterGroupName), 'AWS::RDS::DBClusterParameterGroup');
      const parameters = group?.Properties?.Parameters ?? {};
      facts.push({ ...base, transit: { kind: 'rds', forceSsl: String(parameters['rds.force_ssl']) === '1', minimumTlsVersion: text(parameters.ssl_min_protocol_version) } });
    } else if (resource.Type === 'AWS::DocDB::DBCluster') {
      // https://docs.aws.amazon.com/documentdb/latest/developerguide/security.encryption.ssl.html
      const cluster = view.getOfType(id, 'AWS::DocDB::DBCluster');
      const group = view.getOfType(referencedId(cluster?.Properties?.DBClusterParameterGroupName), 'AWS::DocDB::DBClusterParameterGroup');
      const parameters = group?.Properties?.Parameters ?? {};
      facts.push({ ...base, transit: { kind: 'docdb', tls: text(parameters.tls), auditLogs: text(parameters.audit_logs) } });
    } else if (resource.Type === 'AWS::AmazonMQ::Broker') {
      const broker = view.getOfType(id, 'AWS::AmazonMQ::Broker');
      if (broker?.Properties?.EngineType === 'RABBITMQ') facts.push({ ...base, transit: { kind: 'rabbitmq', publiclyAccessible: broker.Properties.PubliclyAccessible !== false } });
    }
  }
  return facts;
}
