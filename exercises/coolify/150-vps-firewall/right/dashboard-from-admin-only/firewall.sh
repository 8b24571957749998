ufw default deny incoming
ufw allow proto tcp from 203.0.113.7 to any port 22
ufw allow proto tcp from 10.0.1.0/24 to any port 22
ufw allow proto tcp from any to any port 80,443
# Only my office reaches the dashboard.
ufw allow from 203.0.113.7 to any port 8000 proto tcp
ufw --force enable
