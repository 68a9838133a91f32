/**
 * runtime/Dockerfile pulls nothing from a rate-limited registry and nothing that can move:
 * CodeBuild pulls anonymously from shared addresses, which Docker Hub throttles
 * (`toomanyrequests`), and a tag can point at another image tomorrow.
 */
import * as fs from 'fs';
import * as path from 'path';

const DOCKERFILE = path.join(__dirname, '..', '..', 'runtime', 'Dockerfile');
/**
 * Registries CodeBuild can pull from anonymously without meeting Docker Hub's per-address limit:
 * Amazon ECR Public, whose anonymous quotas are per second and per month
 * (https://docs.aws.amazon.com/AmazonECR/latest/public/public-service-quotas.html), and gcr.io.
 */
const ALLOWED_REGISTRIES = ['public.ecr.aws', 'gcr.io'];
const PINNED = /@sha256:[0-9a-f]{64}$/;

/** `FROM [--platform=...] <image> [AS <name>]`, line continuations joined. */
function baseImages(text: string): Array<{ image: string; stage?: string }> {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  return lines
    .map((line) => /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ image: m[1], stage: m[2] }));
}

/** Why `image` may not be a base image, or undefined when it may. A FROM naming an earlier stage is no pull. */
function refusal(image: string, stages: readonly string[]): string | undefined {
  if (stages.includes(image)) return undefined;
  const registry = image.split('/')[0];
  // A first segment without a dot or port is a Docker Hub namespace (`node`, `library/node`).
  if (!/[.:]/.test(registry) || !ALLOWED_REGISTRIES.includes(registry)) return `${image}: not from ${ALLOWED_REGISTRIES.join(' or ')}`;
  if (!PINNED.test(image)) return `${image}: not pinned by @sha256:<64 hex digits>`;
  return undefined;
}

function refusals(text: string): string[] {
  const stages: string[] = [];
  const found: string[] = [];
  for (const { image, stage } of baseImages(text)) {
    const why = refusal(image, stages);
    if (why) found.push(why);
    if (stage) stages.push(stage);
  }
  if (/^#\s*syntax\s*=/im.test(text)) found.push('a # syntax= directive pulls a frontend image (docker/dockerfile) from Docker Hub');
  return found;
}

test('every base image of runtime/Dockerfile is from ECR Public or gcr.io and pinned by digest', () => {
  const text = fs.readFileSync(DOCKERFILE, 'utf8');
  const images = baseImages(text).map((b) => b.image);
  expect(images).toEqual([
    'public.ecr.aws/docker/library/node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c',
    'gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e',
  ]);
  expect(refusals(text)).toEqual([]);
});

test('the Dockerfile says how to refresh the pins', () => {
  const text = fs.readFileSync(DOCKERFILE, 'utf8');
  expect(text).toContain('docker buildx imagetools inspect public.ecr.aws/docker/library/node:22-bookworm-slim');
  expect(text).toContain('docker buildx imagetools inspect gcr.io/distroless/nodejs22-debian12:nonroot');
});

test.each([
  ['FROM node:22-bookworm-slim AS build', 'node:22-bookworm-slim: not from public.ecr.aws or gcr.io'],
  ['FROM docker.io/library/node@sha256:' + 'a'.repeat(64), `docker.io/library/node@sha256:${'a'.repeat(64)}: not from public.ecr.aws or gcr.io`],
  ['FROM public.ecr.aws/docker/library/node:22-bookworm-slim', 'public.ecr.aws/docker/library/node:22-bookworm-slim: not pinned by @sha256:<64 hex digits>'],
  ['FROM --platform=linux/amd64 gcr.io/distroless/nodejs22-debian12:nonroot@sha256:abc', 'gcr.io/distroless/nodejs22-debian12:nonroot@sha256:abc: not pinned by @sha256:<64 hex digits>'],
  ['# syntax=docker/dockerfile:1\nFROM gcr.io/distroless/static@sha256:' + 'b'.repeat(64), 'a # syntax= directive pulls a frontend image (docker/dockerfile) from Docker Hub'],
])('refuses %j', (text, why) => {
  expect(refusals(text)).toEqual([why]);
});

test('a stage built FROM an earlier stage pulls nothing and is allowed', () => {
  expect(refusals(`FROM gcr.io/distroless/static@sha256:${'c'.repeat(64)} AS base\nFROM base AS final`)).toEqual([]);
});

/** The build stage's `RUN npm run bundle:runtime && test -f …` line: the files the image must contain. */
function checkedBundles(text: string): string[] {
  const run = text.split('\n').find((line) => /^RUN npm run bundle:runtime\b/.test(line)) ?? '';
  return [...run.matchAll(/test -f (\S+)/g)].map((m) => m[1]!);
}

test('the image ships both entrypoints runtime/build.ts bundles, and runs the identity runtime by default', async () => {
  const text = fs.readFileSync(DOCKERFILE, 'utf8');
  // What bundleRuntime names its outputs, relative to the image's working directory (/app, where dist/ is copied).
  const { DEFAULT_OUTDIR, AUDIT_WRITER_ENTRYPOINT, ENTRYPOINT } = await import('../../runtime/build');
  const outdir = path.relative(path.join(__dirname, '..', '..'), DEFAULT_OUTDIR);
  expect(outdir).toBe(path.join('dist', 'runtime'));
  expect(ENTRYPOINT).toMatch(/runtime\/src\/server\.ts$/);
  expect(AUDIT_WRITER_ENTRYPOINT).toMatch(/runtime\/src\/audit-writer\/main\.ts$/);
  expect(checkedBundles(text)).toEqual([`${outdir}/server.js`, `${outdir}/audit-writer.js`]);
  expect(text).toMatch(/^COPY --from=build --chown=65532:65532 \/src\/dist \.\/dist$/m);
  expect(text).toMatch(/^CMD \["dist\/runtime\/server\.js"\]$/m);
});
