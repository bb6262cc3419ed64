/**
 * What an API instance runs at first boot: the user data script and the CloudWatch agent
 * configuration. Both are plain text built from values that may be Terraform references, so
 * literal `${` must be written `$${` (Terraform would read it as an interpolation); the bash
 * below uses `$VAR` only, never `${VAR}`, and no double quotes (Terraform function arguments
 * cannot carry them unescaped); the values it quotes are bucket keys, hashes and names.
 */

import type { ApiEnvironment } from '../../api/contract/api-settings';
import { METRICS_NAMESPACE } from '../../api/contract/telemetry';

/** The Node.js line the instances run: 22 LTS (20 reached its end of life on 2026-04-30), Amazon Linux 2023's `nodejs22`. */
export const NODE_MAJOR = 22;

/** The log file the API writes (LOG_FILE) and the agent ships (SPEC A3). */
export const API_LOG_FILE = '/var/log/taskmanager.log';
/** Longest the API takes to drain in-flight requests on SIGTERM; the ALB deregistration delay stays below it. */
export const API_SHUTDOWN_TIMEOUT_SECONDS = 30;

export interface UserDataParams {
  readonly region: string;
  readonly artifactBucket: string;
  readonly artifactKey: string;
  /** Hex SHA-256 of the bundle: the instance refuses a download that does not match. */
  readonly artifactSha256: string;
  /** Environment of the API process (systemd EnvironmentFile), with the names the API reads. */
  readonly environment: ApiEnvironment;
  /** SSM parameter holding the CloudWatch agent configuration. */
  readonly agentConfigParameter: string;
}

export function renderUserData(p: UserDataParams): string {
  const envFile = Object.entries(p.environment)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  return `#!/bin/bash
# First boot of a task-manager API instance (Amazon Linux 2023).
set -euo pipefail
exec > >(tee -a /var/log/taskmanager-setup.log) 2>&1

dnf install -y nodejs${NODE_MAJOR} amazon-cloudwatch-agent

id taskmanager >/dev/null 2>&1 || useradd --system --home-dir /opt/taskmanager --shell /sbin/nologin taskmanager
install -d -o root -g root -m 0755 /opt/taskmanager

# The API build, verified against the hash this launch template version was made for.
aws s3 cp --region ${p.region} 's3://${p.artifactBucket}/${p.artifactKey}' /opt/taskmanager/index.js
echo '${p.artifactSha256}  /opt/taskmanager/index.js' | sha256sum --check --strict -

install -o root -g taskmanager -m 0640 /dev/null /etc/taskmanager.env
cat > /etc/taskmanager.env <<'ENV'
${envFile}
ENV
install -o taskmanager -g taskmanager -m 0640 /dev/null ${API_LOG_FILE}

cat > /etc/systemd/system/taskmanager.service <<'UNIT'
[Unit]
Description=Task manager API
After=network-online.target
Wants=network-online.target

[Service]
User=taskmanager
Group=taskmanager
EnvironmentFile=/etc/taskmanager.env
ExecStart=/usr/bin/node-${NODE_MAJOR} /opt/taskmanager/index.js
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=${API_SHUTDOWN_TIMEOUT_SECONDS + 10}
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=${API_LOG_FILE}

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now taskmanager.service

/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c 'ssm:${p.agentConfigParameter}'
`;
}

export interface AgentConfigParams {
  readonly logGroupName: string;
}

/** CloudWatch agent configuration (SPEC O2): CPU, memory and root-disk metrics, and the API log file. */
export function cloudwatchAgentConfig(p: AgentConfigParams): object {
  return {
    agent: { metrics_collection_interval: 60, run_as_user: 'root' },
    metrics: {
      namespace: METRICS_NAMESPACE,
      // `$${` keeps Terraform from reading the agent's own placeholders.
      append_dimensions: { AutoScalingGroupName: '$${aws:AutoScalingGroupName}', InstanceId: '$${aws:InstanceId}' },
      // One series per Auto Scaling group too, which the dashboard and alarms use.
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: {
        cpu: { measurement: ['cpu_usage_idle', 'cpu_usage_user', 'cpu_usage_system'], totalcpu: true },
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: [{ file_path: API_LOG_FILE, log_group_name: p.logGroupName, log_stream_name: '{instance_id}', retention_in_days: -1 }],
        },
      },
    },
  };
}
