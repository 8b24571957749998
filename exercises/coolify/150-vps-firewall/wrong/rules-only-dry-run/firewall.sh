#!/bin/sh
# check each rule first
ufw --dry-run default deny incoming
ufw --dry-run allow from 203.0.113.7 to any port 22 proto tcp
ufw --dry-run allow from 203.0.113.7 to any port 8000 proto tcp
ufw --dry-run allow 80/tcp
ufw --dry-run allow 443/tcp
ufw enable
