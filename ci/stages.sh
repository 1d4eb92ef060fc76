# Sourced by ci/test: stages run in two lanes side by side, each stage's
# output held in reports/out/ci/SLUG.log and printed whole when it ends, with
# its wall time, so that two lanes never interleave their lines.
logs=reports/out/ci
mkdir -p "$logs"
ci_start=$SECONDS

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

# lanes FUNCTION...: each FUNCTION a lane of stages in order (a lane stops at
# its first failure); all run side by side; fails when one of them did.
lanes() {
  local pids=() failed=0 pid
  for lane in "$@"; do "$lane" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}
