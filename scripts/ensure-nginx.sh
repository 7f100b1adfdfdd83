#!/usr/bin/env bash
# A system test runs the app behind nginx with the README's proxy recipe
# (docs/nginx/screener-proxy.conf). Install Debian's nginx-light when it is missing and we
# may (root with apt-get); otherwise say how. In CI a missing nginx fails that test;
# elsewhere it skips with this reason. The package's own server is not needed: stop it.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's nginx-light for the proxy test..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  (command -v systemctl >/dev/null && systemctl stop nginx 2>/dev/null) || pkill -x nginx || true
else
  echo "nginx is missing: run 'sudo apt-get install -y nginx-light' to run the proxy test." >&2
fi
