/** SVG figures, generated as strings (no DOM, no browser): traces, morphology shape, run folders. */
export { tracesSvg, downsampleMinMax, clusterByRange, finiteRange, type TraceSeries, type TracesPlotOptions, type EventRow } from './traces.ts';
export { shapeSvg, pathDistances, distanceColor, pointAt, synapseColor, type MarkerKind, type ShapeColor, type ShapeMarker, type ShapePlotOptions, type ShapeMorphology, type ShapeSection } from './shape.ts';
export { plotRunDir, readTracesCsv, readTracesNpy, readSpikesCsv, stimulusLabel, type PlotRunOptions, type PlotRunResult, type RunTraces } from './rundir.ts';
export { parseView, viewProjection, project, VIEWS, type Projection, type ViewName } from './view.ts';
export { niceTicks, colormap, PALETTE, COLORMAPS, type ColormapName } from './util.ts';
