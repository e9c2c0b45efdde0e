#!/usr/bin/env bash
# The system packages the tests need, from Debian: Chromium and ChromeDriver for the browser
# tests (dash[testing] pins selenium <= 4.2, which cannot fetch a driver itself).
# Installs only what is missing; uses sudo when not run as root.
set -euo pipefail
packages=(chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
