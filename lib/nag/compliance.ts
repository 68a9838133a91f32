/**
 * The compliance packs every brand stack is checked against at synth. They are
 * registered on the Stage that owns the stacks (the App, or a pipeline Stage):
 * policy validation runs per Stage, so packs registered on the App alone never
 * see stacks inside a pipeline Stage.
 */
import { Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { applyAcknowledgements } from './acknowledgements';

export const COMPLIANCE_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'] as const;

export function addCompliancePacks(stage: Stage): void {
  Validations.of(stage).addPlugins(
    new AwsSolutionsChecks(stage),
    new NIST80053R5Checks(stage),
    new PCIDSS321Checks(stage),
    new HIPAASecurityChecks(stage),
  );
}

/** Applies the project's acknowledgements to a stack's constructs. */
export function acknowledgeFindings(root: IConstruct): void {
  applyAcknowledgements(root);
}
