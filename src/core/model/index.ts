// The cost model's public surface: parameters, profiles, estimates, crossovers, descriptions.
// Pure functions and data only; no file system, no `vscode`.
export { MODEL_VERSION, PROFILE_FORMAT_VERSION } from './version';
export { ModelInputError, MAX_BYTES } from './errors';
export {
  PARAMS, PARAM_IDS, CALIBRATABLE_PARAM_IDS, BUILTIN_PROFILE_NAMES, paramDef, isParamId, defaultParams,
  type ParamDef, type ParamId, type Params, type BuiltinProfileName,
} from './params';
export {
  readMachineFacts, kernelAtLeast, kernelVersion, machineKey,
  type MachineFacts, type MachineReading, type MachineEnv, type ReadFn, type Arch, type ThpMode, type PtiState,
} from './machine';
export {
  builtinProfile, thisMachineProfile, loadProfile, resolveProfile, machineDifferences, isBuiltinName, calibrationFile, PROFILE_NAMES,
  type LoadOptions,
  type Profile, type CalibrationFile,
} from './profile';
export {
  estimateOp, estimateNs, copyLevel, copyShares, hostCorun, hostFaultPages, hostHugePages, ALLOCATORS, GLIBC_TOP_PAD, GLIBC_MMAP_THRESHOLD_MIN, GLIBC_MMAP_THRESHOLD_MAX, MUSL_MMAP_THRESHOLD,
  type Allocator, type Alignment, type Estimate, type ModelContext, type Operation,
} from './estimate';
export {
  OP_NAMES, OP_DOCS, ALTERNATIVE, DOUBLING, CROSSOVER_PAIR, isOpName, makeContext, namedOperation, estimateNamed, namedNs,
  type OpName, type NamedEstimate, type ScenarioOptions,
} from './ops';
export { solveCrossover, crossoverFor, CROSSOVER_MAX_BYTES, type Crossover } from './crossover';
export {
  describeEstimate, describeFinding, breakdownTable, formatNs, formatBytes, formatRatio, opPhrase, opShort, crossoverSentence,
  type Description,
} from './describe';
export { estimateJs, jsAlternative, jsOpShort, growthTotals, isCopyingJs, LINEAR_GROWTH_ILLUSTRATION_BYTES, type JsGrow, type JsOpName, type GrowthTotals, type CopyingJsPrimitive } from './js';
