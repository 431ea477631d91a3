#!/usr/bin/env bash
# Runs realizar and llama.cpp's llama-bench side by side (issue 5's speed
# table): stories260K and random-weight TinyLlama-1.1B-shape models in
# Q4_0, Q8_0 and Q4_K_M, at 1 and 2 threads, prompt 128 and generation 64
# tokens. Missing models are written first with internal/cmd/mkmodel.
# Prints the Markdown table on standard output, progress on standard error.
#
#   bash scripts/bench-realizar.sh
#   ROUNDS=7 MODELS=/work/models LLAMA_BENCH=/path/to/llama-bench bash scripts/bench-realizar.sh
#
# Run it on a quiet machine: llama.cpp's spinning worker threads lose much
# more than ours when another process takes their core.
set -euo pipefail
cd "$(dirname "$0")/.."
models=${MODELS:-/work/models}
llama_bench=${LLAMA_BENCH:-/work/llama.cpp/build/bin/llama-bench}
rounds=${ROUNDS:-5}
threads=${THREADS:-1,2}
testdata=${BATUTA_TESTDATA:-$(cd .. && pwd)/shared/testdata}
export BATUTA_TESTDATA=$testdata

mkdir -p "$models"
files=("$testdata/models/stories260K.gguf")
for t in q4_0 q8_0 q4_k_m; do
	f=$models/tinyllama-$t.gguf
	if [ ! -f "$f" ]; then
		go run ./internal/cmd/mkmodel -shape tinyllama -type "$t" -seed 1 -out "$f"
	fi
	files+=("$f")
done

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/llamacmp" ./internal/cmd/llamacmp
"$bin/llamacmp" -llama-bench "$llama_bench" -rounds "$rounds" -threads "$threads" "${files[@]}"
