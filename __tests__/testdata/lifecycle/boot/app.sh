#!/bin/bash
# Fixture: a custom boot script (compute.user_data_file) that answers the
# target group's health check on the app port.
set -euo pipefail
mkdir -p /srv/www/health && echo ok > /srv/www/health/index.html
cd /srv/www && exec python3 -m http.server 8080
