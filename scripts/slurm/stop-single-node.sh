#!/usr/bin/env bash
# Stop the Slurm daemons started by scripts/slurm/start-single-node.sh (by their pid files under
# $DENDRITE_SLURM_DIR, default /tmp/dendrite-slurm) and the munged it started. Leaves the
# packages, /etc/slurm/slurm.conf and the state directory in place. Does nothing if nothing runs.
set -uo pipefail

STATE=${DENDRITE_SLURM_DIR:-/tmp/dendrite-slurm}

stop() { # name pidfile
  local pid
  [ -f "$2" ] || return 0
  pid=$(cat "$2" 2>/dev/null) || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    echo "stop-single-node: stopped $1 ($pid)"
  fi
  rm -f "$2"
}

stop slurmd "$STATE/slurmd.pid"
stop slurmctld "$STATE/slurmctld.pid"
# munged writes its pid file here; stopped only if start-single-node.sh started it (marker below).
if [ -f "$STATE/munged.started" ]; then
  stop munged /run/munge/munged.pid
  rm -f "$STATE/munged.started"
fi
exit 0
