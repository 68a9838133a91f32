/** The network's facts, read from the template. */
import type { TemplateView } from '../../template';
import { apiEndpointFacts, instanceMetadataFacts, loadBalancerFacts, publicHostFacts } from './exposure';
import { networkAclFacts } from './network-acls';
import { peeringFacts } from './peerings';
import { ingressRuleFacts } from './security-groups';
import type { NetworkFacts } from './types';
import { vpcFacts } from './vpcs';

export type * from './types';

export function networkFacts(view: TemplateView): NetworkFacts {
  return {
    vpcs: vpcFacts(view),
    peerings: peeringFacts(view),
    ingressRules: ingressRuleFacts(view),
    networkAcls: networkAclFacts(view),
    publicHosts: publicHostFacts(view),
    loadBalancers: loadBalancerFacts(view),
    apiEndpoints: apiEndpointFacts(view),
    instanceMetadata: instanceMetadataFacts(view),
  };
}
