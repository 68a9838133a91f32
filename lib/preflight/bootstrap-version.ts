/**
 * The account and region are bootstrapped with a CDK bootstrap stack recent
 * enough for the template: every template carries a CheckBootstrapVersion rule
 * that fails the deploy otherwise ("CDK bootstrap stack version N required").
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { callAws, isNotFound, result, type PreflightCheck } from './check';

export const bootstrapVersion: PreflightCheck = async ({ target, account, footprint, clients }) => {
  const { parameter, requiredVersion } = footprint.bootstrap;
  const name = `CDK bootstrap version (${parameter})`;
  const region = target.region.code;
  let value: string | undefined;
  try {
    const answer = await callAws('ssm:GetParameter', region, () => clients.ssm.send(new GetParameterCommand({ Name: parameter })));
    value = answer.Parameter?.Value;
  } catch (error) {
    if (!isNotFound(error, 'ParameterNotFound')) throw error;
    return result(name, false, `not bootstrapped (no parameter); ${requiredVersion} required: run cdk bootstrap aws://${account}/${region}`);
  }
  const version = Number(value);
  if (!Number.isInteger(version)) return result(name, false, `parameter holds '${value}', not a version number; ${requiredVersion} required`);
  return result(name, version >= requiredVersion, `${version} ${version >= requiredVersion ? '>=' : '<'} ${requiredVersion} required` + (version >= requiredVersion ? '' : `: run cdk bootstrap aws://${account}/${region}`));
};
