/**
 * Which EC2 instance this is, from the instance metadata service with IMDSv2 (the launch template
 * requires it): PUT a session token, then GET the metadata with that token. Off EC2 nothing
 * answers at 169.254.169.254, so every call is bounded by a short timeout and the answer says
 * plainly that this is not EC2.
 */
export interface InstanceInfo {
  readonly onEc2: boolean;
  readonly instanceId: string | null;
  readonly availabilityZone: string | null;
  /** Why the instance id is unknown (off EC2 or IMDS failing). */
  readonly reason?: string;
}

export interface InstanceLookup {
  lookup(): Promise<InstanceInfo>;
}

export interface ImdsOptions {
  /** Base URL, e.g. http://169.254.169.254 (tests use a local fake). */
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** A failed lookup is remembered this long, so a stream of /instance calls off EC2 stays fast. */
  readonly negativeCacheMs?: number;
  readonly now?: () => number;
}

const TOKEN_TTL_SECONDS = 21_600;

export class ImdsInstanceLookup implements InstanceLookup {
  // The instance id and zone never change for a running process: fetched once, then cached.
  private found?: InstanceInfo;
  private failure?: { info: InstanceInfo; at: number };
  private inFlight?: Promise<InstanceInfo>;

  constructor(private readonly options: ImdsOptions) {}

  lookup(): Promise<InstanceInfo> {
    if (this.found) return Promise.resolve(this.found);
    const now = (this.options.now ?? Date.now)();
    if (this.failure && now - this.failure.at < (this.options.negativeCacheMs ?? 60_000)) return Promise.resolve(this.failure.info);
    // Concurrent callers share one round of IMDS calls.
    this.inFlight ??= this.fetchInfo().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchInfo(): Promise<InstanceInfo> {
    try {
      const token = await this.call('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) });
      const headers = { 'X-aws-ec2-metadata-token': token };
      const [instanceId, availabilityZone] = await Promise.all([
        this.call('GET', '/latest/meta-data/instance-id', headers),
        this.call('GET', '/latest/meta-data/placement/availability-zone', headers).catch(() => null),
      ]);
      this.found = { onEc2: true, instanceId, availabilityZone };
      return this.found;
    } catch (error) {
      const info: InstanceInfo = {
        onEc2: false,
        instanceId: null,
        availabilityZone: null,
        reason: `EC2 instance metadata not available (${(error as Error).message}); not running on EC2?`,
      };
      this.failure = { info, at: (this.options.now ?? Date.now)() };
      return info;
    }
  }

  private async call(method: 'PUT' | 'GET', path: string, headers: Record<string, string>): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.options.endpoint}${path}`, { method, headers, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      const cause = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new Error(`${method} ${path}: ${cause}`);
    }
    const text = (await response.text()).trim();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
    if (!text) throw new Error(`${method} ${path}: empty answer`);
    return text;
  }
}
