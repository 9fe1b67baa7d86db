#!/usr/bin/env bash
# Start a real single-node Slurm on this machine (for test/sweep/slurm.test.ts and for trying
# docs/cluster.md locally). Idempotent: running it again while the node is up does nothing.
#
#   sudo scripts/slurm/start-single-node.sh     # install if needed, configure, start, wait for idle
#   sudo scripts/slurm/stop-single-node.sh      # stop the daemons this script started
#
# What it does (Debian/Ubuntu, as root, no systemd needed):
#   1. installs slurmctld, slurmd, slurm-client and munge with apt-get if any is missing
#      (apt-get update first; the package registry is needed at this step only);
#   2. writes /etc/slurm/slurm.conf for one node = this host with its real CPUs and memory
#      (only if that file is absent or was written by this script: a site's own configuration is
#      never overwritten; the script stops with an error instead);
#   3. makes the munge key if missing, starts munged (as user munge), slurmctld and slurmd as root
#      with their state, spool, logs and pid files under $DENDRITE_SLURM_DIR (default
#      /tmp/dendrite-slurm);
#   4. waits until `sinfo` shows the node idle (60 s at most).
# Exit status 0 when the node is idle; non-zero with a one-line reason on stderr otherwise.
set -euo pipefail

STATE=${DENDRITE_SLURM_DIR:-/tmp/dendrite-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by dendrite scripts/slurm/start-single-node.sh'
NODE=$(hostname -s)

die() { echo "start-single-node: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"

# Already up? (idempotence: a second call leaves a running node alone)
if command -v sinfo >/dev/null 2>&1 && [ -f "$STATE/slurmd.pid" ] &&
   kill -0 "$(cat "$STATE/slurmd.pid" 2>/dev/null)" 2>/dev/null &&
   [ "$(sinfo -h -n "$NODE" -o '%t' 2>/dev/null | head -n1)" = idle ]; then
  echo "start-single-node: node $NODE already idle"
  exit 0
fi

# 1. Packages.
missing=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  echo "start-single-node: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed (no network to the package registry?)"
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null ||
    die "apt-get install slurmctld slurmd slurm-client munge failed"
fi
SLURMCTLD=$(command -v slurmctld || echo /usr/sbin/slurmctld)
SLURMD=$(command -v slurmd || echo /usr/sbin/slurmd)
MUNGED=$(command -v munged || echo /usr/sbin/munged)

# 2. slurm.conf (ours only).
if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  die "$CONF exists and was not written by this script; not overwriting it"
fi
mkdir -p "$STATE/state" "$STATE/spool" "$STATE/log" /etc/slurm
# The node's real CPUs and memory, as slurmd itself sees them (leave 5 % of the memory so a small
# difference between what slurmd measured here and at registration never drains the node).
hw=$("$SLURMD" -C 2>/dev/null | head -n1 | sed -e 's/^NodeName=[^ ]* //' -e 's/ *UpTime=.*//') ||
  die "slurmd -C failed"
mem=$(echo "$hw" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[ -n "$mem" ] || die "could not read RealMemory from slurmd -C: $hw"
hw=$(echo "$hw" | sed "s/RealMemory=[0-9]*/RealMemory=$((mem * 95 / 100))/")
conf_tmp=$(mktemp)
cat >"$conf_tmp" <<CONF
$MARK
# One node (this host), no accounting database, no cgroups, no systemd.
ClusterName=dendrite
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=1001
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$NODE $hw State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
mv "$conf_tmp" "$CONF"
chmod 644 "$CONF"

# 3. munge: key (normally made by the package), runtime dir, daemon.
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null 2>&1; then mungekey --create --force >/dev/null
  else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 755 /run/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
  if command -v runuser >/dev/null 2>&1; then runuser -u munge -- "$MUNGED" --force
  else su -s /bin/sh munge -c "$MUNGED --force"; fi
  for _ in $(seq 1 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null >/dev/null 2>&1 || die "munged did not start"
  touch "$STATE/munged.started"   # so stop-single-node.sh stops only a munged we started
fi

# 4. Daemons (each daemonises and writes its pid file under $STATE).
running() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }
running "$STATE/slurmctld.pid" || "$SLURMCTLD" || die "slurmctld did not start (see $STATE/log/slurmctld.log)"
for _ in $(seq 1 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
running "$STATE/slurmd.pid" || "$SLURMD" || die "slurmd did not start (see $STATE/log/slurmd.log)"

# 5. Wait for the node to be idle; a node left down/drained by an earlier run is resumed.
for i in $(seq 1 120); do
  st=$(sinfo -h -n "$NODE" -o '%t' 2>/dev/null | head -n1 || true)
  case "$st" in
    idle) echo "start-single-node: node $NODE idle ($hw); state in $STATE"; exit 0 ;;
    down*|drain*|drng*) [ $((i % 10)) -eq 0 ] && scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
die "node $NODE not idle after 60 s (sinfo state: ${st:-none}; logs in $STATE/log)"
