#!/bin/sh
# Firewall for the Coolify VPS (run as root, once, on the fresh server).
ufw default deny incoming
ufw default allow outgoing
# SSH first: enabling applies at once, to this session too.
ufw allow from 203.0.113.7 to any port 22 proto tcp
# Coolify deploys here by SSH from its container on the `coolify` Docker network.
ufw allow from 10.0.1.0/1 to any port 22 proto tcp
# Visitors, and Let's Encrypt's HTTP-01 challenge on port 80.
ufw allow 80/tcp
ufw allow 443/tcp
# The Coolify dashboard, until it has a domain behind Traefik.
ufw allow 8000/tcp
ufw --force enable
