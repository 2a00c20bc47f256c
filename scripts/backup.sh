#!/usr/bin/env bash
# Backs up a ledger data directory, while the server runs or not, into a new directory:
#
#   scripts/backup.sh DATA_DIR BACKUP_DIR        e.g. scripts/backup.sh /srv/ledger/data /backup/ledger-$(date -u +%Y%m%dT%H%M%SZ)
#
# What and in which order (docs/operations.md, "Backup and restore", says why):
#   1. the keys: jwt-keys (or the legacy jwt-secret);
#   2. the snapshots: every complete snapshots/*.snap (never a *.tmp being written);
#   3. the journal: journal/ (metadata.cq4t, then the day files oldest first), after the snapshots, so that it holds
#      every command each copied snapshot covers;
#   4. last, the retention record: journal-retention.log and journal-archive/, so that a day file retention removed
#      while steps 2-3 ran is recorded in the backup (a restore then refuses a full replay over the gap instead of
#      rebuilding a wrong state).
# Not copied: writer.lock (the running server's OS lock), snapshot *.tmp files, damaged/ (keep that for forensics).
#
# A copy taken while the server appends is what a crash at that moment would have left: the last record may be torn
# (a restore skips it, as a restart does), and commands acknowledged after step 3 began may be missing. For an exact
# point in time with no downtime, take a file-system snapshot (LVM, ZFS, btrfs, a cloud volume snapshot) of the data
# directory instead; or stop the server (a clean stop writes a final snapshot), run this, start it again.
#
# Check every backup: ledger verify --data-dir BACKUP_DIR   (read-only; exit 0 when the journal and snapshots agree)
# Exit 0 when the backup is complete, 1 otherwise (the partial BACKUP_DIR is left for inspection), 2 for bad usage.
set -euo pipefail

usage() { echo "usage: $0 DATA_DIR BACKUP_DIR (BACKUP_DIR must not exist)" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
DATA="$1"
DEST="$2"
[[ -d "$DATA/journal" ]] || { echo "$0: $DATA/journal does not exist: not a ledger data directory" >&2; exit 2; }
[[ ! -e "$DEST" ]] || { echo "$0: $DEST exists; back up into a new directory" >&2; exit 2; }

mkdir -p "$DEST/snapshots" "$DEST/journal"

# 1. The keys. A key ring kept elsewhere (--jwt-keys FILE) must be backed up with the same care, from there.
for keys in jwt-keys jwt-secret; do
  if [[ -f "$DATA/$keys" ]]; then cp -p "$DATA/$keys" "$DEST/$keys"; fi
done

# 2. Complete snapshots: a snapshot becomes visible under its .snap name only once it is whole (it is renamed into
#    place after its fsync), so a .snap file is never half-written. One deleted by pruning meanwhile is skipped.
shopt -s nullglob
for snapshot in "$DATA"/snapshots/*.snap; do
  cp -p "$snapshot" "$DEST/snapshots/" 2>/dev/null || [[ ! -e "$snapshot" ]]
done

# 3. The journal, after the snapshots: metadata first, then the day files in name (= date) order.
for file in "$DATA"/journal/*.cq4t "$DATA"/journal/*.cq4; do
  cp -p "$file" "$DEST/journal/"
done

# 4. The retention record, last.
if [[ -f "$DATA/journal-retention.log" ]]; then cp -p "$DATA/journal-retention.log" "$DEST/"; fi
if [[ -d "$DATA/journal-archive" ]]; then cp -rp "$DATA/journal-archive" "$DEST/"; fi

sync
echo "backed up $DATA to $DEST; check it with: ledger verify --data-dir $DEST"
