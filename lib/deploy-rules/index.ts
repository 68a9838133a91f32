export { DEPLOY_RULES, DEPLOY_RULES_PACK, DeployRulesChecks } from './deploy-rules-checks';
