/**
 * What of a lab's state may leave it as evidence (artifacts.ts): never private keys, tokens or credentials.
 * Two layers, because either alone can miss: files that hold secrets by construction are left out by name
 * (the PKI directory, *.key, pods' volumes, which hold Secrets and service-account tokens), and every file
 * that is copied has anything shaped like a secret replaced in its text.
 */

/** Why a state file is not copied (its path relative to the state directory), or undefined to copy it. */
export function leftOutReason(rel: string): string | undefined {
  const parts = rel.split('/');
  const base = parts.at(-1) ?? '';
  if (parts.includes('pki')) return 'the PKI directory (private keys)';
  if (parts.includes('volumes')) return "a pod's volumes (Secrets, service-account tokens)";
  if (/\.key$/i.test(base) || /^token$/i.test(base)) return 'a key or token file';
  if (/\.sock$/.test(base)) return 'a socket';
  // A cilium node's mounts: its pinned maps and programs, and its cgroup, are kernel objects, not files.
  if (parts[0] === 'cilium' && parts.length === 3 && (base === 'bpffs' || base === 'cgroup'))
    return `a cilium node's ${base === 'bpffs' ? 'bpf filesystem (pinned maps and programs)' : 'cgroup'}`;
  if (parts[0] === 'cilium' && parts.length === 3 && base === 'lib')
    return "the datapath sources (a copy of the pinned module's bpf/)";
  return undefined;
}

const pemPrivateKey = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
// A JSON Web Token (service-account and bootstrap tokens): three base64url parts, the first a JSON header.
const jwt = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
const bearer = /\b(Bearer|Basic)\s+[\w\-.~+/=]{8,}/gi;
// YAML, JSON or flag forms: `token: x`, `"client-key-data": "x"`, `--token=x`, `password=x`.
const keyed =
  /((?:^|[\s"'{,-])(?:token|client-key-data|client-key|password|secret|private-key)["']?\s*[:=]\s*["']?)([^\s"',}]{4,})/gim;

/** The text with private key blocks, tokens and credentials replaced by a marker naming what was removed. */
export function redact(text: string): string {
  return text
    .replace(pemPrivateKey, '[private key removed]')
    .replace(jwt, '[token removed]')
    .replace(bearer, '$1 [removed]')
    .replace(keyed, (_, head: string, value: string) =>
      // A path to a key file is not the key: `client-key: /run/scalelab/x/pki/admin.key` stays.
      value.startsWith('/') ? `${head}${value}` : `${head}[removed]`,
    );
}

/** Whether a file's first bytes look like text (no NUL): binary files are not copied. */
export function looksLikeText(head: Buffer): boolean {
  return !head.subarray(0, 8192).includes(0);
}
