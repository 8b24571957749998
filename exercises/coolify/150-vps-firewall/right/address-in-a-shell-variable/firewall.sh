#!/bin/sh
set -eu
ME=203.0.113.7
COOLIFY_NET=10.0.1.0/24
ufw default deny incoming
ufw default allow outgoing
ufw allow in proto tcp from "$ME" to any port 22
# Coolify manages this server ("localhost") over SSH from its container
ufw allow in proto tcp from "$COOLIFY_NET" to any port 22
# dashboard plus its realtime (6001) and terminal (6002) ports while reached by IP
ufw allow in proto tcp from "$ME" to any port 8000
ufw allow in proto tcp from "$ME" to any port 6001:6002
ufw allow in 80/tcp
ufw allow in 443/tcp
echo y | ufw enable
