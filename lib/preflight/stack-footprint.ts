/**
 * Builds the target's BrandStack (constructs only: no synthesis, no lookups)
 * to read what it will create. Kept apart from the checks so that they, and
 * their tests, do not load the whole stack.
 */
import { App } from 'aws-cdk-lib';
import type { BrandTarget } from '../config/registry';
import { BrandStack } from '../stacks/brand-stack';
import { footprintOf, type StackFootprint } from './footprint';

export function footprintOfTarget(target: BrandTarget): StackFootprint {
  return footprintOf(new BrandStack(new App(), 'BrandStack', { target }));
}
