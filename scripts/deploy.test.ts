/**
 * The deploy workflow cannot run here (it needs the internet for the ImageNet weights), so
 * this checks what can be checked: it is valid YAML of the right shape, and every script,
 * flag and file its steps name exists. Also the site check it runs before publishing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkSite } from './check-site.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; needs?: string; steps: Step[]; environment?: { name: string } }>;
}

const workflow = parse(readFileSync(resolve(ROOT, '.github/workflows/deploy.yml'), 'utf8')) as Workflow;
const buildSteps = workflow.jobs.build!.steps;
const runLines = buildSteps.flatMap((s) => (s.run ?? '').split('\n').map((l) => l.trim()).filter(Boolean));

describe('.github/workflows/deploy.yml', () => {
  it('runs on pushes to main and by hand, with the permissions Pages needs', () => {
    expect(workflow.on).toHaveProperty('push');
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' });
  });

  it('builds, uploads dist/ as the Pages artifact, then deploys it', () => {
    const upload = buildSteps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('dist');
    const deploy = workflow.jobs.deploy!;
    expect(deploy.needs).toBe('build');
    expect(deploy.environment?.name).toBe('github-pages');
    expect(deploy.steps.some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
    // The export must come before the build, which must come before the upload.
    const order = (pred: (s: Step) => boolean) => buildSteps.findIndex(pred);
    const exportAt = order((s) => (s.run ?? '').includes('model/export.py'));
    const buildAt = order((s) => s.run === 'npm run build');
    expect(exportAt).toBeGreaterThan(-1);
    expect(exportAt).toBeLessThan(buildAt);
    expect(buildAt).toBeLessThan(order((s) => s === upload));
  });

  it('exports ConvNeXt-Tiny with ImageNet weights and fp16 weights as the default, with flags export.py really has', () => {
    const line = runLines.find((l) => l.includes('model/export.py'))!;
    const args = line.split(/\s+/).slice(line.split(/\s+/).indexOf('model/export.py') + 1);
    for (const flag of ['--weights', '--fp16-weights', '--update-index', '--make-default']) expect(args).toContain(flag);
    const help = execFileSync(PYTHON, ['model/export.py', '--help'], { cwd: ROOT, encoding: 'utf8' });
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help).toContain(flag);
    // export.py's own argument parser accepts the whole command line.
    const parsed = JSON.parse(
      execFileSync(PYTHON, ['-c', 'import json, sys; sys.path.insert(0, "model"); import export; print(json.dumps(vars(export.parse_args(sys.argv[1:]))))', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as Record<string, unknown>;
    expect(parsed).toMatchObject({ arch: 'convnext_tiny', weights: 'imagenet', fp16_weights: true, update_index: true, make_default: true, checkpoint: null });
  }, 60_000);

  it('names npm scripts, files and package pins that exist', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const l of runLines.filter((l) => l.startsWith('npm run '))) expect(pkg.scripts).toHaveProperty(l.split(/\s+/)[2]!);
    expect(existsSync(resolve(ROOT, 'package-lock.json'))).toBe(true); // npm ci needs it
    for (const l of runLines) {
      for (const file of l.match(/\b(?:model|scripts)\/[\w./-]+\.(?:py|mjs|txt)\b/g) ?? []) expect(existsSync(resolve(ROOT, file)), file).toBe(true);
    }
    // The CPU torch the workflow installs is the version model/requirements.txt pins.
    const requirements = readFileSync(resolve(ROOT, 'model/requirements.txt'), 'utf8');
    const pin = (name: string) => requirements.match(new RegExp(`^${name}==(\\S+)`, 'm'))?.[1];
    const cpuLine = runLines.find((l) => l.includes('--index-url'))!;
    expect(cpuLine).toContain(`torch==${pin('torch')}`);
    expect(cpuLine).toContain(`torchvision==${pin('torchvision')}`);
  });
});

describe('check-site', () => {
  let dist: string;
  const model = Buffer.from('not really onnx, but bytes with a sha256');
  function writeSite({ trained = true, html = '<script type="module" src="./assets/index-abc.js"></script>', precacheModel = true } = {}) {
    mkdirSync(join(dist, 'models/m1'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), html);
    writeFileSync(join(dist, 'models/index.json'), JSON.stringify({ default: 'm1', models: [{ id: 'm1', manifest: 'm1/manifest.json', trained }] }));
    writeFileSync(join(dist, 'models/m1/manifest.json'), JSON.stringify({ file: { name: 'model.onnx', bytes: model.length, sha256: createHash('sha256').update(model).digest('hex') } }));
    writeFileSync(join(dist, 'models/m1/model.onnx'), model);
    const urls = ['index.html', 'models/index.json', 'models/m1/manifest.json', ...(precacheModel ? ['models/m1/model.onnx'] : [])];
    writeFileSync(join(dist, 'sw.js'), `precache(${JSON.stringify(urls.map((url) => ({ revision: 'r', url })))})`);
  }
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'convlens-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('passes a complete site', () => {
    writeSite();
    expect(checkSite(dist, { expectTrainedDefault: true })).toEqual([]);
  });
  it('finds an untrained default, a model missing from the precache, CDN and absolute URLs, a corrupt model', () => {
    writeSite({ trained: false, precacheModel: false, html: '<script src="https://cdn.example/ort.js"></script><link href="/assets/x.css">' });
    writeFileSync(join(dist, 'models/m1/model.onnx'), Buffer.concat([model, Buffer.from('!')]));
    const problems = checkSite(dist, { expectTrainedDefault: true }).join('\n');
    expect(problems).toContain('untrained');
    expect(problems).toContain('does not precache models/m1/model.onnx');
    expect(problems).toContain('from another host');
    expect(problems).toContain('absolute path /assets/x.css');
    expect(problems).toContain('bytes, its manifest says');
  });
});
