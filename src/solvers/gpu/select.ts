/**
 * Which executor runs the GPU backend, and honestly so:
 * - `--backend gpu` needs a real GPU: WebGPU through Dawn (the optional `webgpu` package) must
 *   offer a hardware adapter (not a fallback or software one: llvmpipe, lavapipe, SwiftShader).
 *   Without one the run stops with a one-line reason (GpuUnavailableError).
 * - DENDRITE_GPU_MODE (test modes, never chosen by themselves):
 *     `cpu`      gpu.js's CPU mode runs the same kernels (CI tests them this way);
 *     `emu`      this package's strict float32 emulator (codegen f32, exec.ts);
 *     `software` gpu.js's webgpu mode on Dawn's software adapter (OpenGL ES on Mesa llvmpipe).
 * - `--backend auto` picks the GPU only when a real one is there, else the CPU, and says why.
 * Every run records what ran: the executor, gpu.js mode and the adapter string.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emuExecutor, gpuJsExecutor, loadGpuJs, type Executor } from './exec.ts';

/** Is the Vulkan loader there (Dawn needs it to see a GPU; without it Dawn only prints a warning)? */
function vulkanLoaderFound(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return true;
  if (process.platform !== 'linux') return true;
  const r = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8', timeout: 5000 });
  return (r.stdout ?? '').includes('libvulkan.so.1');
}

export class GpuUnavailableError extends Error {}

export type GpuMode = 'gpu' | 'cpu' | 'emu' | 'software';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** Dawn backend asked for ('' = default). */
  backend: string;
}

export function adapterString(a: AdapterInfo): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((x) => x && x.length > 0);
  return `${parts.join(' / ') || 'unnamed adapter'}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}${a.backend ? ` [Dawn ${a.backend}]` : ''}`;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|software|microsoft basic render/i;

/** A software adapter is no GPU, whatever it calls itself. */
export function isSoftwareAdapter(a: AdapterInfo): boolean {
  return a.isFallbackAdapter || SOFTWARE.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
}

interface DawnGpu {
  requestAdapter(o?: Record<string, unknown>): Promise<{ info: Record<string, string>; isFallbackAdapter?: boolean } | null>;
}

let installed: { gpu: DawnGpu; backend: string } | null = null;

/**
 * Make WebGPU available as `navigator.gpu` (gpu.js looks there) through Dawn, and ask for an
 * adapter. `software`: Dawn's OpenGL ES backend on Mesa (compatibility feature level). Returns the
 * adapter, or why there is none.
 */
export async function probeWebGpu(software: boolean): Promise<AdapterInfo | string> {
  let webgpu: { create: (o: string[]) => DawnGpu; globals: Record<string, unknown> };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (e) {
    return `the optional dependency webgpu (Dawn) is not installed or does not load here (${(e as Error).message.split('\n')[0]}); npm install webgpu@0.6.2`;
  }
  if (!software && !vulkanLoaderFound()) return 'no Vulkan loader (libvulkan.so.1) on this machine, so WebGPU (Dawn) sees no GPU';
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  if (software) process.env.EGL_PLATFORM ??= 'surfaceless';
  const backend = software ? 'opengles' : (process.env.DENDRITE_DAWN_BACKEND ?? '');
  let gpu: DawnGpu;
  try {
    gpu = webgpu.create(backend ? [`backend=${backend}`] : []);
  } catch (e) {
    return `Dawn could not start (${(e as Error).message.split('\n')[0]})`;
  }
  const opts: Record<string, unknown> = software ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' };
  const adapter = await gpu.requestAdapter(opts).catch(() => null);
  if (adapter === null) return 'WebGPU (Dawn) found no adapter: no GPU with a Vulkan driver is visible (libvulkan.so.1 and the vendor ICD)';
  for (const [k, v] of Object.entries(webgpu.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  // gpu.js calls navigator.gpu.requestAdapter() without options: pass ours.
  const wrapped = { requestAdapter: (o?: Record<string, unknown>) => gpu.requestAdapter({ ...(o ?? {}), ...opts }), getPreferredCanvasFormat: () => 'rgba8unorm' };
  Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis as { navigator?: object }).navigator, gpu: wrapped }, configurable: true, writable: true });
  installed = { gpu, backend };
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: adapter.isFallbackAdapter === true,
    backend,
  };
}

/** The test mode asked for in the environment, or 'gpu'. */
export function gpuModeFromEnv(env: NodeJS.ProcessEnv = process.env): GpuMode {
  const m = env.DENDRITE_GPU_MODE;
  if (m === undefined || m === '' || m === 'gpu') return 'gpu';
  if (m === 'cpu' || m === 'emu' || m === 'software') return m;
  throw new GpuUnavailableError(`DENDRITE_GPU_MODE="${m}" is not one of gpu, cpu, emu, software`);
}

/** The executor for `--backend gpu` (mode 'gpu': a real GPU or GpuUnavailableError). */
export async function gpuExecutor(mode: GpuMode): Promise<Executor> {
  if (mode === 'emu') return emuExecutor();
  if (mode === 'cpu') {
    const mod = await loadGpuJs();
    if (typeof mod === 'string') throw new GpuUnavailableError(mod);
    return gpuJsExecutor('cpu', 'gpu.js 2.24.1 mode cpu (test mode DENDRITE_GPU_MODE=cpu: the GPU kernels on the CPU, float64 inside kernels, float32 between them; not a GPU)');
  }
  const mod = await loadGpuJs();
  if (typeof mod === 'string') throw new GpuUnavailableError(`--backend gpu: ${mod}`);
  const a = await probeWebGpu(mode === 'software');
  if (typeof a === 'string') throw new GpuUnavailableError(`--backend gpu: no GPU: ${a}. Use --backend cpu (or auto); DENDRITE_GPU_MODE=cpu runs the GPU kernels on the CPU for testing`);
  if (mode === 'gpu' && isSoftwareAdapter(a)) {
    throw new GpuUnavailableError(`--backend gpu: no GPU: the only WebGPU adapter is software (${adapterString(a)}). Use --backend cpu (or auto); DENDRITE_GPU_MODE=software runs on it for testing`);
  }
  return gpuJsExecutor('webgpu', `gpu.js 2.24.1 mode webgpu on ${adapterString(a)}${mode === 'software' ? ' (test mode DENDRITE_GPU_MODE=software: not a GPU)' : ''}`);
}

/** Was a WebGPU context installed (for tests). */
export function webGpuInstalled(): boolean {
  return installed !== null;
}
