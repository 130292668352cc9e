/**
 * What an agent image's OCI layout holds, read from the layout itself (index.json → manifest → config) and
 * kept beside it as `scalelab-image.json`: the tag, the manifest digest, the size on the wire, the labels,
 * and the bundle's sha256, by which `lab up` knows whether the layout is still this checkout's agent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageFacts {
  readonly tag: string;
  /** The manifest's digest (sha256:…): what a registry serves the image as. */
  readonly digest: string;
  /** Compressed layers + config + manifest: what a pull transfers. */
  readonly bytes: number;
  readonly bundleSha256: string;
  readonly labels: Record<string, string>;
  readonly builtAt: string;
}

interface Descriptor {
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const factsFile = 'scalelab-image.json';

function blob(layout: string, digest: string): Buffer {
  const [alg, hex] = digest.split(':');
  return readFileSync(join(layout, 'blobs', alg!, hex!));
}

/** Reads the image tagged `tag` from the OCI layout at `layout`. */
export function imageFacts(layout: string, tag: string, bundleSha256: string): ImageFacts {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry)
    throw new Error(`${layout}/index.json: no manifest with org.opencontainers.image.ref.name "${tag}"`);
  const manifest = JSON.parse(blob(layout, entry.digest).toString()) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const config = JSON.parse(blob(layout, manifest.config.digest).toString()) as {
    config?: { Labels?: Record<string, string> };
  };
  const bytes = entry.size + manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0);
  return {
    tag,
    digest: entry.digest,
    bytes,
    bundleSha256,
    labels: config.config?.Labels ?? {},
    builtAt: new Date().toISOString(),
  };
}

export function writeImageFacts(layout: string, facts: ImageFacts): void {
  writeFileSync(join(layout, factsFile), JSON.stringify(facts, null, 2) + '\n');
}

/** The facts of the layout at `layout`, or undefined when there is none (never built, or built elsewhere). */
export function readImageFacts(layout: string): ImageFacts | undefined {
  const f = join(layout, factsFile);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ImageFacts) : undefined;
}
