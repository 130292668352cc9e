/**
 * The results types, as the run writes them and the report reads them. They come from one definition
 * (definition.ts), which also validates files and gives results.schema.json; this module only names them.
 */
export {
  resultsSchemaVersion,
  type RunResults,
  type RunManifest,
  type VariantResult,
  type PhaseResult,
  type MeasurementResult,
  type MeasurementResultOf,
  type SloVerdict,
  type HeadroomStep,
  type HeadroomKnee,
  type HeadroomResult,
  type ChurnStats,
  type FaultRecord,
  type Variant,
} from './definition.ts';
