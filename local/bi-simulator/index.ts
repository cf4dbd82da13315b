export {
  startBiSimulator,
  DEMO_TIMINGS,
  UploadStatus,
  JobStatus,
  type BiSimulator,
  type BiSimulatorOptions,
  type BiTimings,
  type BiFaults,
  type BiStats,
  type Upload,
  type Job,
} from './simulator.ts';
export * from './errors.ts';
