# Sourced by ci/test: the stages run from one queue, taken in order by two
# lanes side by side (CI's two cores), so a lane that ends early takes the
# next stage rather than idling. A stage marked "asan" waits until the ASan
# build is done. Each stage's output is held in reports/out/ci/SLUG.log and
# printed whole when it ends, with its wall time, so the lanes never
# interleave their lines. After a stage fails, no new stage starts.
logs=reports/out/ci
rm -rf "$logs" && mkdir -p "$logs"
ci_start=$SECONDS
queue=()

# add SLUG NEEDS TITLE COMMAND...: NEEDS is "asan" (the ASan build first) or "-".
add() { queue+=("$(printf '%q ' "$@")"); }

# stage SLUG TITLE COMMAND...: runs COMMAND; its status is the stage's.
stage() {
  local slug=$1 title=$2 start=$SECONDS rc=0
  shift 2
  "$@" >"$logs/$slug.log" 2>&1 </dev/null || rc=$?
  {
    flock 9
    echo "== $title"
    cat "$logs/$slug.log"
    if [ "$rc" = 0 ]; then
      echo "   ($((SECONDS - start)) s; $(((SECONDS - ci_start) / 60)) min so far)"
    else
      echo "FAILED (exit $rc, after $((SECONDS - start)) s): $title"
    fi
  } 9>>"$logs/.print-lock"
  return "$rc"
}

# The next stage's index, or nothing once the queue is done or a stage failed.
take() {
  local n
  {
    flock 9
    n=$(cat "$logs/.next" 2>/dev/null || echo 0)
    echo $((n + 1)) >"$logs/.next"
  } 9>>"$logs/.queue-lock"
  [ ! -e "$logs/.failed" ] && [ "$n" -lt "${#queue[@]}" ] && echo "$n"
}

# Waits (bounded by the build's own end) until the ASan build is done.
asan_built() {
  until [ -e "$logs/.asan-built" ]; do
    [ -e "$logs/.failed" ] && return 1
    sleep 1
  done
}

lane() {
  local n slug needs title
  while n=$(take); do
    eval "set -- ${queue[$n]}"
    slug=$1 needs=$2 title=$3
    shift 3
    if [ "$needs" = asan ] && ! asan_built; then return 1; fi
    if ! stage "$slug" "$title" "$@"; then touch "$logs/.failed"; return 1; fi
    [ "$slug" = asan-build ] && touch "$logs/.asan-built"
  done
  [ ! -e "$logs/.failed" ]
}

# Runs the queue in two lanes; fails when a stage did.
run_queue() {
  lane & local a=$!
  lane & local b=$!
  local failed=0
  wait "$a" || failed=1
  wait "$b" || failed=1
  return "$failed"
}
