/** SVG figures, generated as strings (no DOM, no browser): traces, morphology shape, run folders. */
export { tracesSvg, downsampleMinMax, type TraceSeries, type TracesPlotOptions } from './traces.ts';
export { shapeSvg, pathDistances, distanceColor, pointAt, type ShapeColor, type ShapeMarker, type ShapePlotOptions, type ShapeMorphology, type ShapeSection } from './shape.ts';
export { plotRunDir, readTracesCsv, readTracesNpy, readSpikesCsv, type PlotRunOptions, type PlotRunResult, type RunTraces } from './rundir.ts';
export { niceTicks, colormap, PALETTE, COLORMAPS, type ColormapName } from './util.ts';
