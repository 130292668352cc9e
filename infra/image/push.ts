/**
 * Copies the agent image from its OCI layout to a registry with skopeo. Credentials are skopeo's own lookup
 * (${XDG_RUNTIME_DIR}/containers/auth.json, then ~/.docker/config.json) unless an auth file is named.
 * `execPrefix` runs skopeo elsewhere: the lab pushes from inside its namespace (`ip netns exec`), where its
 * registry is, as the host has no route into the lab.
 */
import { exec } from '../exec.ts';

export interface PushOptions {
  /** The OCI layout directory and the tag in it. */
  readonly layout: string;
  readonly tag: string;
  /** REGISTRY/NAME:TAG */
  readonly to: string;
  readonly authfile?: string;
  readonly tlsVerify: boolean;
  readonly execPrefix?: readonly string[];
}

/** A reference skopeo's docker transport accepts: host[:port]/path:tag or @digest, no scheme. */
export const imageReference = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

export async function pushImage(o: PushOptions): Promise<void> {
  await exec([
    ...(o.execPrefix ?? []),
    'skopeo',
    'copy',
    '--retry-times',
    '3',
    `--dest-tls-verify=${o.tlsVerify}`,
    ...(o.authfile ? ['--dest-authfile', o.authfile] : []),
    `oci:${o.layout}:${o.tag}`,
    `docker://${o.to}`,
  ]);
}
