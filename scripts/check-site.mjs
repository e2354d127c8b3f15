#!/usr/bin/env node
// Checks a built site before it is published: the index's default model is there whole
// (bytes and sha256 as its manifest says), the service worker precaches it, and the page
// loads everything by relative path from this host (so it works under any sub-path).
// Usage: node scripts/check-site.mjs [dist] [--expect-trained-default]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Returns a list of problems (empty when the site is fit to publish). */
export function checkSite(dist, { expectTrainedDefault = false } = {}) {
  const problems = [];
  const read = (rel) => readFileSync(join(dist, rel));
  const has = (rel) => existsSync(join(dist, rel));
  for (const rel of ['index.html', 'sw.js', 'models/index.json']) if (!has(rel)) problems.push(`missing ${rel}`);
  if (problems.length) return problems;

  const html = read('index.html').toString('utf8');
  for (const [, attr, url] of html.matchAll(/\b(src|href)="([^"]*)"/g)) {
    if (/^(https?:)?\/\//.test(url)) problems.push(`index.html loads ${url} from another host (${attr})`);
    else if (url.startsWith('/')) problems.push(`index.html uses the absolute path ${url}: breaks under a sub-path`);
  }

  const index = JSON.parse(read('models/index.json').toString('utf8'));
  const entry = (index.models ?? []).find((m) => m.id === index.default);
  if (!entry) return [...problems, `models/index.json: default "${index.default}" is not among its models`];
  if (expectTrainedDefault && !entry.trained) problems.push(`the default model ${entry.id} is untrained`);
  const manifestRel = join('models', entry.manifest);
  if (!has(manifestRel)) return [...problems, `missing ${manifestRel}`];
  const manifest = JSON.parse(read(manifestRel).toString('utf8'));
  const modelRel = join(dirname(manifestRel), manifest.file.name);
  if (!has(modelRel)) return [...problems, `missing ${modelRel}`];
  const bytes = read(modelRel);
  if (bytes.length !== manifest.file.bytes) problems.push(`${modelRel} has ${bytes.length} bytes, its manifest says ${manifest.file.bytes}`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.file.sha256) problems.push(`${modelRel} sha256 ${sha.slice(0, 12)}… does not match its manifest`);

  const sw = read('sw.js').toString('utf8');
  for (const rel of [modelRel, manifestRel, 'models/index.json', 'index.html']) {
    if (!sw.includes(`"url":"${rel.split('\\').join('/')}"`)) problems.push(`sw.js does not precache ${rel}: it would not work offline`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const dist = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
  const problems = checkSite(dist, { expectTrainedDefault: args.includes('--expect-trained-default') });
  for (const p of problems) console.error(`check-site: ${p}`);
  if (problems.length) process.exit(1);
  const index = JSON.parse(readFileSync(join(dist, 'models/index.json'), 'utf8'));
  console.log(`check-site: ${dist} is fit to publish (default model ${index.default}, ${index.models.length} model(s))`);
}
