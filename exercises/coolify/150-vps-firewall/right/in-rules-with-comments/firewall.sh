#!/usr/bin/env bash
set -euo pipefail
ufw --force reset
ufw default deny incoming
ufw default allow outgoing
ufw allow in from 203.0.113.7 to any port 22 proto tcp comment 'SSH: keep this session'
ufw allow in from 10.0.1.0/24 to any port 22 proto tcp comment 'Coolify container -> its own server'
ufw allow in proto tcp to any port 80 comment 'HTTP and ACME HTTP-01'
ufw allow in proto tcp to any port 443 comment 'HTTPS'
ufw allow in 8000/tcp comment 'Coolify dashboard'
ufw --force enable
ufw status verbose
