#!/usr/bin/env bash
# Removes the Siding binaries, units, docs, man pages and completions. Node data in /var/lib/siding
# (keys, databases) is kept unless --delete-data is given; the `siding` user and group are kept with it.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo Deploy/uninstall.sh [--delete-data]" >&2; exit 1; }
delete_data=no
[ "${1:-}" = "--delete-data" ] && delete_data=yes
if [ -d /run/systemd/system ]; then
    for unit in $(systemctl list-units --all --plain --no-legend 'sidingd@*.service' 'sidingd.service' | awk '{print $1}'); do
        systemctl disable --now "$unit" || true
    done
fi
rm -f /usr/local/bin/sidingd /usr/local/bin/siding /etc/systemd/system/sidingd.service /etc/systemd/system/sidingd@.service
rm -rf /usr/local/share/doc/siding
rm -f /usr/local/share/man/man1/siding.1 /usr/local/share/man/man8/sidingd.8
rm -f /usr/local/share/bash-completion/completions/siding /usr/local/share/bash-completion/completions/sidingd
rm -f /usr/local/share/zsh/site-functions/_siding /usr/local/share/zsh/site-functions/_sidingd
rm -f /usr/local/share/fish/vendor_completions.d/siding.fish /usr/local/share/fish/vendor_completions.d/sidingd.fish
if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
if [ "$delete_data" = yes ]; then
    rm -rf /var/lib/siding /run/siding
    rm -f /usr/lib/sysusers.d/siding.conf
    getent passwd siding >/dev/null && userdel siding
    getent group siding >/dev/null && groupdel siding || true
    echo "Removed Siding and all node data."
else
    echo "Removed Siding; node data kept in /var/lib/siding (run with --delete-data to erase keys and databases)."
fi
