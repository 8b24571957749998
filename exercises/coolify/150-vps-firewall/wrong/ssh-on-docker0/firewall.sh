#!/bin/sh
ufw default deny incoming
ufw default allow outgoing
ufw allow from 203.0.113.7 to any port 22 proto tcp
# Coolify's containers talk to the host through the Docker bridge
ufw allow in on docker0 to any port 22 proto tcp
ufw allow 80/tcp
ufw allow 443/tcp
ufw allow from 203.0.113.7 to any port 8000 proto tcp
ufw --force enable
