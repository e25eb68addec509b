#!/usr/bin/env bash
# Round-trip counter: run.sh links this script as ssh, sftp and scp in a directory of its own
# and points ANSIBLE_SSH_EXECUTABLE, ANSIBLE_SFTP_EXECUTABLE and ANSIBLE_SCP_EXECUTABLE at the
# links. Every time Ansible's ssh connection plugin runs one of them (a command on a host, or a
# file transfer), this appends one line to $BENCH_TRIPS and then becomes the real program:
#
#   <epoch seconds> <kind> <address>
#
# kind: exec (ssh running a command), put (sftp or scp), control (ssh -O, which only talks to
# the local ControlMaster, not to the host). Only the arguments equal to one of
# $BENCH_TRIP_ADDRS (space-separated host addresses) name the host; sftp and scp write the
# address as [ADDR] or [ADDR]:PATH. Bash, not sh: EPOCHREALTIME needs no fork, so the counter
# costs one exec per connection and nothing else.
set -u
kind=${0##*/}
addr=-
tag=$kind
[[ $kind == ssh ]] && tag="exec"
[[ $kind == sftp || $kind == scp ]] && tag="put"
for a in "$@"; do
    [[ $a == -O ]] && tag=control
    a=${a#\[}
    a=${a%%]*}
    a=${a%%:*}
    if [[ $addr == - && " ${BENCH_TRIP_ADDRS:-} " == *" $a "* ]]; then addr=$a; fi
done
if [[ -n ${BENCH_TRIPS:-} ]]; then
    printf '%s %s %s\n' "$EPOCHREALTIME" "$tag" "$addr" >>"$BENCH_TRIPS"
fi
# The links live outside PATH, so this finds the real program.
exec "$kind" "$@"
