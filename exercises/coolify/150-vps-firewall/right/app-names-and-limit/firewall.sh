sudo ufw default deny incoming
sudo ufw default allow outgoing
sudo ufw limit from 203.0.113.7 to any app OpenSSH   # slows down password guessing
sudo ufw allow from 10.0.0.0/8 to any app OpenSSH    # Docker networks: Coolify SSHes into its own host (no limit, it opens many sessions)
sudo ufw allow http
sudo ufw allow https
sudo ufw allow 8000/tcp       # Coolify dashboard
sudo ufw --force enable
sudo ufw status verbose
