# A kernel stand-in for TestGuardEndsWhatTheKernelLeaves: it leaves behind
# processes that try to escape the kernel guard, then exits. Every process it
# starts has $1 (a number, sleep's argument) on its command line; $2 is a
# folder for its records.
tag=$1 dir=$2
# A session of its own, an empty environment, SIGTERM ignored; orphaned
# when this script exits.
env -i setsid bash -c "trap '' TERM; exec sleep $tag" </dev/null >/dev/null 2>&1 &
# A double fork: the middle process exits at once.
(setsid bash -c "trap '' TERM; sleep $tag & sleep $tag & wait" </dev/null >/dev/null 2>&1 &)
# Forks as fast as it can, SIGTERM ignored (bounded: a test shares the machine).
setsid bash -c "trap '' TERM; for i in \$(seq 500); do sleep $tag & done; wait" </dev/null >/dev/null 2>&1 &
# Hops to a new pid, in a new session, every millisecond or so: each link
# starts the next and exits. Each link touches $dir/beat; none starts another
# once $dir/stop exists.
cat >"$dir/hop.sh" <<'HOP'
trap '' TERM
[ -e "$2/stop" ] && exit 0
: >"$2/beat"
setsid sh "$0" "$1" "$2" </dev/null >/dev/null 2>&1 &
exit 0
HOP
setsid sh "$dir/hop.sh" "$tag" "$dir" &
# A zombie: its parent never waits for it.
bash -c "sleep 0 & echo \$! >'$dir/zombie.pid'; exec sleep $tag" &
# A stopped process.
sleep "$tag" &
kill -STOP $!
sleep 0.5
exit 0
