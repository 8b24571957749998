ufw default deny incoming
ufw allow 22/tcp
# The shop is HTTPS only.
ufw allow 443/tcp
ufw allow 8000/tcp
ufw --force enable
