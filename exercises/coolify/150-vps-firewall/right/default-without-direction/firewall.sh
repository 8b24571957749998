#!/bin/sh
# Firewall for the Coolify VPS (run as root, once, on the fresh server).
# Rules first: ufw enable applies at once, to this SSH session too.
ufw allow from 203.0.113.7/32 to any port 22 proto tcp
ufw allow from 10.0.1.0/24 to any port 22 proto tcp
ufw allow http
ufw allow https
ufw allow from 203.0.113.7/32 to any port 8000 proto tcp
ufw default deny
ufw enable
