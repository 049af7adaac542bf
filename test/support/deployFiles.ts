import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const repo = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Probe {
  readonly httpGet: { readonly path: string };
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
}

/** The DaemonSet's parts the deployment tests read. */
export interface DaemonSetDoc {
  readonly kind: string;
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly nodeSelector?: Record<string, string>;
        readonly securityContext?: { readonly supplementalGroups?: number[] };
        readonly containers: Array<{
          readonly env: Array<{ name: string }>;
          readonly livenessProbe: Probe;
          readonly readinessProbe?: Probe;
        }>;
      };
    };
  };
}

/** A compose file's collector service (docker-compose.yml, deploy/swarm-stack.yml). */
export interface ComposeService {
  readonly environment?: Record<string, string>;
  readonly healthcheck?: { readonly test: string[] };
  readonly group_add?: string[];
  readonly user?: string;
  readonly deploy?: { readonly mode: string };
}

export const daemonSet = (): DaemonSetDoc => parseYaml(repo('deploy/kubernetes/daemonset.yaml')) as DaemonSetDoc;

export const composeService = (file: 'docker-compose.yml' | 'deploy/swarm-stack.yml'): ComposeService =>
  (parseYaml(repo(file)) as { services: Record<string, ComposeService> }).services['docker-stats-service']!;

/** The path a `fetch('http://127.0.0.1:'+port+'/path')` health command asks for. */
const fetchedPath = (command: string): string | undefined => /\+'(\/[a-z]+)'\)/.exec(command)?.[1];

/**
 * The liveness path each deploy file names: the Dockerfile's HEALTHCHECK, the DaemonSet's
 * livenessProbe, the swarm stack's and the compose file's healthcheck.
 */
export function livenessPaths(): Record<string, string | undefined> {
  const healthcheck = /^HEALTHCHECK .*\\\n\s*CMD (.*)$/m.exec(repo('Dockerfile'))?.[1];
  const composed = (file: 'docker-compose.yml' | 'deploy/swarm-stack.yml'): string | undefined =>
    fetchedPath(composeService(file).healthcheck?.test.join(' ') ?? '');
  return {
    Dockerfile: healthcheck === undefined ? undefined : fetchedPath(healthcheck),
    daemonset: daemonSet().spec.template.spec.containers[0]?.livenessProbe.httpGet.path,
    'swarm-stack': composed('deploy/swarm-stack.yml'),
    'docker-compose': composed('docker-compose.yml'),
  };
}

/** The readiness path the DaemonSet's readinessProbe names. */
export const readinessPath = (): string | undefined =>
  daemonSet().spec.template.spec.containers[0]?.readinessProbe?.httpGet.path;
