#!/usr/bin/env bash
# Installs Siding as a systemd service (Debian/Ubuntu, as root): builds release binaries, installs them
# to /usr/local/bin, the units to /etc/systemd/system, the `siding` system user and group, and the docs.
# Then: siding init --home /var/lib/siding/NAME --name "…" --listen 0.0.0.0:7400 && systemctl enable --now sidingd@NAME
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo Deploy/install.sh" >&2; exit 1; }
bash Deploy/build-deps.sh
swift build -c release --product sidingd
swift build -c release --product siding
install -m 0755 .build/release/sidingd .build/release/siding /usr/local/bin/
install -m 0644 Deploy/systemd/sidingd.service Deploy/systemd/sidingd@.service /etc/systemd/system/
install -D -m 0644 Deploy/systemd/siding.sysusers.conf /usr/lib/sysusers.d/siding.conf
install -D -m 0644 README.md /usr/local/share/doc/siding/README.md
install -D -m 0644 Deploy/siding.example.toml /usr/local/share/doc/siding/siding.example.toml
if command -v systemd-sysusers >/dev/null; then
    systemd-sysusers /usr/lib/sysusers.d/siding.conf
else
    getent group siding >/dev/null || groupadd --system siding
    getent passwd siding >/dev/null || useradd --system --gid siding --home-dir /var/lib/siding --shell /usr/sbin/nologin siding
fi
install -d -m 0755 -o root -g root /var/lib/siding
if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
echo "Installed. Next: siding init --home /var/lib/siding/NAME --name \"Organisation\" --listen 0.0.0.0:7400"
echo "          then: systemctl enable --now sidingd@NAME   (staff: add them to group siding)"
