#!/bin/sh
ufw default deny incoming
ufw default allow outgoing
ufw allow 22/tcp
ufw allow 8000/tcp
ufw allow 80/tcp
ufw allow 443/tcp
ufw enable
