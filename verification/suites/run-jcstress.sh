#!/usr/bin/env bash
# Bounded jcstress pass over the engine's concurrent pieces, for CI (about 2-3 minutes on 2 cores).
#
# Needs target/jcstress.jar: mvn -B -f verification/suites/pom.xml package (or verify).
# Fails (exit 1) when jcstress exits non-zero (a FORBIDDEN outcome, a test error or timeout, a bad option), when
# its output has "FATAL:" (jcstress 0.16 exits 0 on "FATAL: No matching tests."), when no test ran, or when the
# summary lists any failed or error test.
#
# Settings, from the environment:
#   JCSTRESS_TESTS    regex of tests to run            (default: org.jdsm.coherence.*Tests.*)
#   JCSTRESS_TIME_MS  time per iteration in ms         (default: 200)
#   JCSTRESS_ITERS    iterations per fork              (default: 1)
#   JCSTRESS_RESULTS  report directory                 (default: verification/suites/target/jcstress-results)
#
# -jvmArgs disables JVM flag auto-detection (one JVM configuration instead of several: 31 s instead of 166 s per
# test on 2 cores); -sc false disables split per-actor compilation modes (2 runs per test instead of 18). Agrona
# needs the --add-exports flag. jcstress 0.16 has no -tb (time budget): do not add it, it reads as "-t b".
set -u

here="$(cd "$(dirname "$0")" && pwd)"
jar="${here}/target/jcstress.jar"
tests="${JCSTRESS_TESTS:-org.jdsm.coherence.*Tests.*}"
time_ms="${JCSTRESS_TIME_MS:-200}"
iters="${JCSTRESS_ITERS:-1}"
results="${JCSTRESS_RESULTS:-${here}/target/jcstress-results}"

if [ ! -f "${jar}" ]
then
    echo "run-jcstress: ${jar} is missing: run 'mvn -B -f verification/suites/pom.xml package' first" >&2
    exit 1
fi

mkdir -p "${results}"
log="${results}/jcstress.log"
start=$(date +%s)

java -jar "${jar}" \
    -m quick \
    -f 1 \
    -iters "${iters}" \
    -time "${time_ms}" \
    -sc false \
    -jvmArgs "-Xmx256m --add-exports java.base/jdk.internal.misc=ALL-UNNAMED" \
    -t "${tests}" \
    -r "${results}" > "${log}" 2>&1
status=$?

# progress and the summary, without the per-second noise
grep -E "Results:|FATAL|FAILED|ERROR|FORBIDDEN|RUN RESULTS|tests:|matching test results" "${log}" | tail -n 40
elapsed=$(( $(date +%s) - start ))

fail()
{
    echo "run-jcstress: FAILED after ${elapsed}s: $1 (full output: ${log}, report: ${results}/index.html)" >&2
    exit 1
}

[ "${status}" -eq 0 ] || fail "jcstress exited with ${status}"
grep -q "FATAL:" "${log}" && fail "jcstress reported $(grep -m1 'FATAL:' "${log}")"
grep -q "RUN RESULTS:" "${log}" || fail "no RUN RESULTS summary: jcstress did not run"

summary="$(grep -E '^\(Results: [0-9]+ planned' "${log}" | tail -n 1)"
planned="$(echo "${summary}" | sed -E 's/^\(Results: ([0-9]+) planned.*/\1/')"
passed="$(echo "${summary}" | sed -E 's/.* ([0-9]+) passed.*/\1/')"
failed="$(echo "${summary}" | sed -E 's/.* ([0-9]+) failed.*/\1/')"
soft="$(echo "${summary}" | sed -E 's/.* ([0-9]+) soft errs.*/\1/')"
hard="$(echo "${summary}" | sed -E 's/.* ([0-9]+) hard errs.*/\1/')"

[ -n "${summary}" ] || fail "no results line: no test ran"
[ "${planned:-0}" -gt 0 ] || fail "0 results planned: no test matched '${tests}'"
[ "${failed}" -eq 0 ] && [ "${soft}" -eq 0 ] && [ "${hard}" -eq 0 ] || \
    fail "${failed} failed, ${soft} soft errors, ${hard} hard errors"
[ "${passed}" -eq "${planned}" ] || fail "${passed} of ${planned} results passed"
grep -E "^  (Failed|Error) tests:" "${log}" | grep -qv "No matches" && fail "the summary lists failed or error tests"

echo "run-jcstress: OK in ${elapsed}s: ${passed} of ${planned} results passed for '${tests}'"
