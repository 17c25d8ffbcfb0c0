#!/usr/bin/env bash
# What Shoal's lab and tests need from Debian: Docker Engine 20.10 (docker.io), busybox for the lab image,
# namespaces and iptables tools, openssl (TLS test certificates), docker-compose 1.29, dnsmasq (a UDP peer
# in the cross-engine tests, and the DNS benchmark's reference), dnsperf and iperf3 (the cross-engine paths
# benchmark, run in containers through the helper image), chromium (the cluster view's browser test, driven
# by playwright-core; it never downloads a browser of its own), and g++, make and python3 (node-gyp builds
# the DNS workers' batched UDP, native/udp_batch.c, with them). No system service is started, and the
# policy-rc.d that keeps them from starting is removed again when this script made it.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-deps: run as root" >&2; exit 1; fi
need=()
for pkg in docker.io busybox-static iproute2 iptables curl util-linux tar openssl docker-compose docker-registry dnsmasq dnsperf iperf3 chromium g++ make python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  # Without a policy-rc.d, installing docker.io would start a system dockerd (172.17/16, FORWARD DROP), and
  # dnsmasq a resolver on port 53. Left behind, it would keep every service from starting after any later
  # install, so it goes again if it was not there before.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
  fi
  trap 'if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" || { apt-get update && apt-get install -y --no-install-recommends "${need[@]}"; }
fi
