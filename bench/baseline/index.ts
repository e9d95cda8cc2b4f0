// The classic baseline server the bench compares Skirmish with.

export { createBaselineServer } from './server';
export type { BaselineOptions, BaselineServer } from './server';
export { BASELINE_PREFIX } from './metrics';
