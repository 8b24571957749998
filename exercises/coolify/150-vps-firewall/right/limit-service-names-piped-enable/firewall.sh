ufw limit from 203.0.113.7 to any port 22 proto tcp
ufw allow from 10.0.0.0/8 to any port 22
ufw allow proto tcp from 203.0.113.7 to any port 8000
ufw allow http
ufw allow https
echo "y" | ufw enable
