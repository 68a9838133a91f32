/**
 * Where each secret setting of a workload comes from: an environment variable
 * from a Secret key, or a file of a secret volume that a `<NAME>_FILE` variable
 * points at; the ExternalSecret that writes that key; and the Secrets Manager
 * secrets (and their keys) the External Secrets Operator fills it from.
 * https://external-secrets.io/latest/api/externalsecret/
 */
import { keyOf, referencedId, stripHash } from '../../naming';
import type { TemplateView } from '../../template';
import type { Container, Manifests, PodSpec } from './manifests';
import type { ConnectionFacts, SecretSettingFacts, SecretSourceFacts, SecretsManagerSecretRef } from './types';

export function secretSettings(view: TemplateView, manifests: Manifests, namespace: string, pod: PodSpec, container: Container): SecretSettingFacts[] {
  const fromEnv = (container.env ?? []).flatMap((env): SecretSettingFacts[] => {
    const ref = env.valueFrom?.secretKeyRef;
    return ref ? [{ setting: env.name, via: { kind: 'env' }, secret: { name: ref.name, key: ref.key }, source: sourceOf(view, manifests, namespace, ref.name, ref.key) }] : [];
  });
  const fromFiles = secretFiles(pod, container).map(
    (file): SecretSettingFacts => ({
      setting: file.variable.replace(/_FILE$/, ''),
      via: { kind: 'file', variable: file.variable, path: file.path, mode: file.mode, readOnly: file.readOnly, subPath: file.subPath },
      secret: { name: file.secretName, key: file.key },
      source: sourceOf(view, manifests, namespace, file.secretName, file.key),
    }),
  );
  return [...fromEnv, ...fromFiles];
}

interface SecretFile {
  readonly variable: string;
  readonly path: string;
  readonly secretName: string;
  readonly key: string;
  readonly mode: number;
  readonly readOnly: boolean;
  readonly subPath: boolean;
}

/** `<NAME>_FILE` variables that point into a mounted secret volume: the runtime reads NAME from that file. */
function secretFiles(pod: PodSpec, container: Container): SecretFile[] {
  const files: SecretFile[] = [];
  for (const env of container.env ?? []) {
    const path = env.value;
    if (!env.name.endsWith('_FILE') || typeof path !== 'string') continue;
    for (const mount of container.volumeMounts ?? []) {
      const secret = (pod.volumes ?? []).find((v) => v.name === mount.name)?.secret;
      // A subPath mount puts one file of the volume at mountPath; a whole-volume mount puts the volume under it.
      const relative =
        mount.subPath !== undefined ? (path === mount.mountPath ? mount.subPath : undefined) : path.startsWith(`${mount.mountPath}/`) ? path.slice(mount.mountPath.length + 1) : undefined;
      if (!secret || relative === undefined) continue;
      const item = secret.items?.find((i) => i.path === relative);
      const key = item ? item.key : secret.items ? undefined : relative;
      if (key === undefined) continue;
      // Kubernetes' defaults: a secret volume's files are 0644 unless the volume or the item says otherwise.
      files.push({ variable: env.name, path, secretName: secret.secretName, key, mode: item?.mode ?? secret.defaultMode ?? 0o644, readOnly: mount.readOnly === true, subPath: mount.subPath !== undefined });
    }
  }
  return files;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ExternalSecret and Secrets Manager secrets behind one key of a Kubernetes Secret. */
function sourceOf(view: TemplateView, manifests: Manifests, namespace: string, secretName: string, key: string): SecretSourceFacts {
  const external = manifests.inNamespace('ExternalSecret', namespace).find((o) => (o.spec?.target?.name ?? o.metadata.name) === secretName);
  if (!external) return { kind: 'no-external-secret' };
  const spec = external.spec ?? {};
  const name = `${namespace}/${external.metadata.name}`;
  const data = spec.data ?? [];
  // A target template composes keys from the remote values (Go templates: `{{ .name }}`).
  const template = spec.target?.template?.data?.[key];
  const inputs = template === undefined ? data.filter((d) => d.secretKey === key) : data.filter((d) => new RegExp(`\\{\\{-?\\s*\\.${escapeRegExp(d.secretKey)}\\b`).test(template));
  if (inputs.length === 0) return { kind: 'key-not-written', externalSecret: name };
  const bySecret = new Map<string, { secret: SecretsManagerSecretRef; properties: string[] }>();
  for (const input of inputs) {
    const secret = secretsManagerSecret(view, input.remoteRef?.key);
    const id = secret.kind === 'stack' ? secret.logicalId : secret.reference;
    const entry = bySecret.get(id) ?? { secret, properties: [] };
    if (input.remoteRef?.property) entry.properties.push(input.remoteRef.property);
    bySecret.set(id, entry);
  }
  return {
    kind: 'external-secrets',
    externalSecret: name,
    store: spec.secretStoreRef?.name,
    // The operator's default refresh interval is one hour.
    refreshInterval: spec.refreshInterval ?? '1h',
    verbatim: template === undefined || /^\{\{\s*\.\w+\s*\}\}$/.test(template),
    inputs: [...bySecret.values()],
    connection: template === undefined ? undefined : connectionOf(template),
  };
}

/** The connection a composed URL asks for, from its scheme and query (Go template actions stand for the credentials and host). */
export function connectionOf(template: string): ConnectionFacts | undefined {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):\/\//i.exec(template)?.[1]?.toLowerCase();
  const query = new URLSearchParams(template.includes('?') ? template.slice(template.indexOf('?') + 1) : '');
  // URI options are case-insensitive in MongoDB's and libpq's URLs alike.
  const option = (name: string) => [...query].filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', sslMode: option('sslmode')[0], rootCert: option('sslrootcert')[0] };
    case 'amqp':
    case 'amqps':
      return { kind: 'amqp', tls: scheme === 'amqps' };
    case 'mongodb':
    case 'mongodb+srv': {
      const tls = [...option('tls'), ...option('ssl')].map((v) => v.toLowerCase());
      return {
        kind: 'mongodb',
        tls: tls.length > 0 ? tls.every((v) => v === 'true') : scheme === 'mongodb+srv',
        caFile: option('tlsCAFile')[0],
        insecureOptions: ['tlsInsecure', 'tlsAllowInvalidCertificates', 'tlsAllowInvalidHostnames'].filter((name) => option(name).some((v) => v.toLowerCase() !== 'false')),
      };
    }
    default:
      return undefined;
  }
}

/** A Secrets Manager secret of the stack by the reference in a manifest; an RDS secret attachment (whose Ref is the secret's ARN) is followed to its secret. */
function secretsManagerSecret(view: TemplateView, reference: string | undefined): SecretsManagerSecretRef {
  const id = followAttachment(view, referencedId(reference));
  const secret = view.getOfType(id, 'AWS::SecretsManager::Secret');
  if (!id || !secret) return { kind: 'external', reference: String(reference) };
  const key = secret.Properties?.KmsKeyId;
  return { kind: 'stack', logicalId: id, name: stripHash(id), key: key === undefined ? { kind: 'aws-managed', alias: 'alias/aws/secretsmanager' } : keyOf(view, key) };
}

/** The secret behind a reference to a SecretTargetAttachment, else the reference itself. */
export function followAttachment(view: TemplateView, id: string | undefined): string | undefined {
  const attachment = view.getOfType(id, 'AWS::SecretsManager::SecretTargetAttachment');
  return attachment ? referencedId(attachment.Properties?.SecretId) : id;
}
