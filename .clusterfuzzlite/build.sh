#!/bin/bash -eu
# Builds the libFuzzer targets the way OSS-Fuzz and ClusterFuzzLite do: the
# compiler, its flags and the fuzzing engine come from the environment
# ($CXX $CXXFLAGS $LIB_FUZZING_ENGINE; all C++, so $CC and $CFLAGS go unused), the build happens in $WORK
# and everything a fuzzer needs at run time goes to $OUT:
#   $OUT/TARGET                  the fuzzer
#   $OUT/TARGET_seed_corpus.zip  its seed corpus (fuzz/make-corpus)
#   $OUT/TARGET.dict             the POP3 dictionary
#   $OUT/TARGET.options          libFuzzer options (max_len)
#   $OUT/jenkins-junit.xsd       the schema fuzz_junit_writer validates against
#   $OUT/lib/                    the shared libraries the fuzzers link that a
#                                bare runner image lacks: found through an RPATH
#                                of $ORIGIN/lib, which (unlike RUNPATH) also
#                                serves the libraries' own dependencies
# Locally (what fuzz/run and CI do), with clang-14:
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,undefined,fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out WORK=/tmp/work \
#   .clusterfuzzlite/build.sh
src="$(cd "$(dirname "$0")/.." && pwd)"
: "${WORK:=$src/build-oss-fuzz}"
: "${OUT:?set OUT to the folder for the fuzzers}"
mkdir -p "$WORK" "$OUT/lib"
# Absolute: the seed corpora are zipped from inside their own folders.
WORK="$(cd "$WORK" && pwd)"
OUT="$(cd "$OUT" && pwd)"
targets=(fuzz_scenario_parser fuzz_response_reader fuzz_server_session fuzz_tls_flight fuzz_junit_writer)

# ASan and UBSan come from $CFLAGS here, as the engine does, not from CMake.
cmake -S "$src" -B "$WORK" -G Ninja -DPOP3_FUZZERS=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_CXX_FLAGS_RELEASE="" \
  -DPOP3_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
cmake --build "$WORK" -j "$(nproc)" --target "${targets[@]}" >/dev/null

for t in "${targets[@]}"; do
  cp "$WORK/$t" "$OUT/$t"
  cp "$src/fuzz/pop3.dict" "$OUT/$t.dict"
  printf '[libfuzzer]\nmax_len = 8192\ntimeout = 10\n' >"$OUT/$t.options"
  corpus="$WORK/seed-corpus/$t"
  rm -rf "$corpus"
  "$src/fuzz/make-corpus" "$t" "$corpus"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$corpus" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" .)
done
cp "$src/tests/data/jenkins-junit.xsd" "$OUT/"

# The libraries outside the C and C++ runtimes (RE2, OpenSSL's libcrypto,
# libxml2 and what it pulls in) travel with the fuzzers: a runner image has
# only the base system.
for t in "${targets[@]}"; do
  ldd "$OUT/$t" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'
done | sort -u | grep -v "^$OUT/lib/" | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libgcc_s.so*|libstdc++.so*|ld-linux*) ;;
    *) cp -L "$lib" "$OUT/lib/" ;;
  esac
done
