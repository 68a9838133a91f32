#!/usr/bin/env node
/**
 * The CDK app: `cdk synth BrandStack --context brand=<id> --context region=<code> --context stage=<low|high>`.
 * A configuration error, or a compliance acknowledgement that matches nothing, prints one clear message
 * and exits non-zero before anything is synthesized.
 */
import { buildApp } from '../lib/app';
import { BrandConfigError } from '../lib/config/errors';
import { UnmatchedAcknowledgementError } from '../lib/nag/acknowledgement';

try {
  buildApp().synth();
} catch (error) {
  if (error instanceof BrandConfigError || error instanceof UnmatchedAcknowledgementError) {
    process.stderr.write(`brandstack: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
