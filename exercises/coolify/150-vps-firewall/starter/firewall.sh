#!/bin/sh
# Firewall for the Coolify VPS (run as root, once, on the fresh server).
ufw enable
