#!/usr/bin/env bash
# Runs every Jazzer fuzz target (@FuzzTest) in fuzzing mode for a bounded time each:
#   scripts/fuzz.sh [seconds-per-target] [target-filter]
# e.g. scripts/fuzz.sh 30, or scripts/fuzz.sh 120 ForwardDecoder for one target. Default 30 s.
# Each target runs in its own Maven/JVM run (Jazzer fuzzes one @FuzzTest per JVM). The corpus a run
# grows stays in <module>/.cifuzz-corpus/ (not committed) and seeds the next run. A finding fails
# the script; its reproducer is copied beside the target's committed regression inputs
# (<module>/src/test/resources/<package>/<Class>Inputs/<method>/), where `./mvnw verify` replays it
# as a plain test from then on: fix the bug, add a unit test, and commit the file.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

seconds="${1:-30}"
filter="${2:-}"
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [seconds-per-target] [target-filter]" >&2; exit 2 ;; esac

# module  class  method (one line per target)
targets="
loglane-inputs io.loglane.inputs.forward.ForwardDecoderFuzzTest decodesAnyByteStream
loglane-inputs io.loglane.inputs.forward.ForwardHandshakeFuzzTest handshakeThenFrames
loglane-inputs io.loglane.inputs.http.JsonBodyDecoderFuzzTest decodesAnyBody
loglane-inputs io.loglane.inputs.cloudwatch.PutLogEventsFuzzTest readsAnyBody
loglane-inputs io.loglane.inputs.otlp.OtlpBodiesFuzzTest decodesAnyBody
loglane-inputs io.loglane.inputs.container.ContainerLinesFuzzTest readsAnyLines
loglane-core io.loglane.core.parse.ParsersFuzzTest parsesAnyMessage
loglane-core io.loglane.core.parse.ParsersFuzzTest buildsAnyPattern
loglane-core io.loglane.core.parse.TimestampsFuzzTest readsAnyTime
loglane-core io.loglane.core.multiline.MultilineJoinerFuzzTest joinsAnyLines
loglane-search io.loglane.search.filter.FilterPatternFuzzTest compilesAndMatchesAnything
loglane-query io.loglane.query.QueryParsersFuzzTest parsesAnyQuery
loglane-app io.loglane.app.ConfigLoaderFuzzTest loadsAnyYaml
"

log_dir=$(mktemp -d)
failed=0
summary=""
while read -r module class method; do
  [ -n "$module" ] || continue
  case "$class#$method" in *"$filter"*) ;; *) continue ;; esac
  simple="${class##*.}"
  inputs="$module/src/test/resources/$(dirname "${class//.//}")/${simple}Inputs/$method"
  log="$log_dir/$simple-$method.log"
  echo "fuzz: $simple#$method for ${seconds}s"
  status=0
  JAZZER_FUZZ=1 ./mvnw -B -ntp -q -pl "$module" -am test -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="${seconds}s" ${FUZZ_MAVEN_ARGS:-} >"$log" 2>&1 || status=$?
  runs=$(grep -a -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
  # Jazzer writes the reproducer into the target's inputs directory (it exists: the seeds), else the module directory
  found=$(grep -a -o 'Test unit written to [^ ]*' "$log" | head -1 | sed 's/^Test unit written to //' || true)
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    failed=1
    echo "fuzz: FINDING in $simple#$method (${runs:-no run count})"
    grep -a -A 12 -m 1 'FuzzTestFindingException\|== Java Exception\|ERROR\]' "$log" | head -30 || true
    if [ -n "$found" ] && [ -f "$found" ]; then
      case "$found" in
        */src/test/resources/*) ;;
        *) mkdir -p "$inputs"; mv "$found" "$inputs/"; found="$inputs/$(basename "$found")" ;;
      esac
      echo "fuzz: reproducer: $found (./mvnw verify replays it; the full log: $log)"
    else
      echo "fuzz: no reproducer file; the full log: $log"
    fi
    summary="$summary
  $simple#$method: FINDING${runs:+ ($runs)}"
  else
    echo "fuzz: ok (${runs:-no run count})"
    summary="$summary
  $simple#$method: ok (${runs:-no run count})"
  fi
done <<<"$targets"

echo "fuzz: summary (${seconds}s per target):$summary"
exit "$failed"
