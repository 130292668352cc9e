import { Command } from 'commander';
import { consoleLog } from '../events.ts';
import { UserError } from '../errors.ts';
import { buildAgentImage, defaultLayout, scalelabVersion } from '../../infra/image/build-image.ts';
import { readImageFacts } from '../../infra/image/image-facts.ts';
import { imageReference, pushImage } from '../../infra/image/push.ts';

const tagPattern = /^[\w][\w.-]{0,127}$/;

/** `scalelab image build|push`: the traffic agent as an OCI image (docs/kubeconfig.md, "On your own cluster"). */
export function imageCommand(): Command {
  const image = new Command('image').description(
    "The traffic agent's OCI image: build it (buildah, offline) and push it to a registry (skopeo)",
  );
  image
    .command('build')
    .description(
      'Bundle runners/traffic/agent.ts into a Node single executable and build the image FROM scratch with ' +
        'the repo Containerfile; writes an OCI layout directory',
    )
    .option('--tag <tag>', "the image's tag in the layout", scalelabVersion())
    .option('--out <dir>', 'the OCI layout directory', defaultLayout)
    .option('--stage-only <dir>', "only stage the image's file tree here (the Containerfile's build context)")
    .action(async (o: { tag: string; out: string; stageOnly?: string }) => {
      if (!tagPattern.test(o.tag))
        throw new UserError(`--tag: expected an OCI tag ([A-Za-z0-9_.-]), got "${o.tag}"`);
      const facts = await buildAgentImage(
        { tag: o.tag, out: o.stageOnly ?? o.out, stageOnly: Boolean(o.stageOnly) },
        consoleLog(),
      );
      if (!facts) return void process.stdout.write(`${o.stageOnly}\n`);
      process.stderr.write(
        `image: oci:${o.out}:${facts.tag} ${facts.digest} (${(facts.bytes / 1e6).toFixed(1)} MB compressed)\n`,
      );
      process.stdout.write(`oci:${o.out}:${facts.tag}\n`);
    });
  image
    .command('push')
    .description('Copy the built image to a registry (skopeo copy); credentials from the usual auth files')
    .requiredOption('--to <ref>', 'REGISTRY/NAME:TAG, e.g. registry.example.com/scalelab/agent:0.1.0')
    .option('--from <dir>', 'the OCI layout `image build` wrote', defaultLayout)
    .option('--tag <tag>', 'the tag in that layout (default: the one it was built with)')
    .option(
      '--authfile <file>',
      'registry credentials (default: skopeo looks in containers/auth.json, ~/.docker)',
    )
    .option('--tls-verify <bool>', 'require HTTPS with a verified certificate', 'true')
    .action(async (o: { to: string; from: string; tag?: string; authfile?: string; tlsVerify: string }) => {
      if (!imageReference.test(o.to))
        throw new UserError(
          `--to: expected REGISTRY/NAME:TAG (e.g. registry.example.com/scalelab/agent:0.1.0), got "${o.to}"`,
        );
      if (!['true', 'false'].includes(o.tlsVerify))
        throw new UserError(`--tls-verify: expected true or false, got "${o.tlsVerify}"`);
      const tag = o.tag ?? readImageFacts(o.from)?.tag;
      if (!tag)
        throw new UserError(
          `--from: ${o.from} is not an image layout scalelab built`,
          'run: npx scalelab image build',
        );
      await pushImage({
        layout: o.from,
        tag,
        to: o.to,
        authfile: o.authfile,
        tlsVerify: o.tlsVerify === 'true',
      });
      process.stderr.write(`pushed oci:${o.from}:${tag} to ${o.to}\n`);
    });
  return image;
}
