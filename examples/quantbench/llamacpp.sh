#!/usr/bin/env bash
# Side-by-side comparison with llama.cpp's CPU backend (ggml): builds
# testdata/ggml_bench.c against a ggml source tree (github.com/ggml-org/ggml,
# or llama.cpp's ggml/ folder) with g++ -O3 -march=native, then runs
# quantbench -ggml, which alternates ggml's MatVec and ours on the same
# shapes and thread counts, round after round, and prints medians and ratios.
# (ggml_bench calls ggml_graph_compute_with_ctx, which starts its threads
# for every product: its multi-thread figures include that.)
#
#   bash examples/quantbench/llamacpp.sh /path/to/ggml [types] [shapes] [threads] [rounds]
set -euo pipefail
src=$(cd "${1:?usage: llamacpp.sh GGML_DIR [types] [shapes] [threads]}" && pwd)
types=${2:-Q4_0,Q8_0,Q4_K,Q6_K}
shapes=${3:-1024x768,4096x4096,5632x2048}
threads=${4:-1,2}
rounds=${5:-5}
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/quantbench-ggml
mkdir -p "$out/obj"
flags=(-O3 -march=native -fPIC -I"$src/include" -I"$src/src" -I"$src/src/ggml-cpu" -D_GNU_SOURCE -DGGML_USE_CPU
	'-DGGML_VERSION="bench"' '-DGGML_COMMIT="bench"' -DGGML_SCHED_MAX_COPIES=4)
build() { # compiler std file
	local o="$out/obj/$(echo "$3" | tr / _).o"
	[[ -f $o ]] || "$1" "-std=$2" "${flags[@]}" -c "$3" -o "$o"
}
cd "$src"
for f in src/ggml.c src/ggml-alloc.c src/ggml-quants.c src/ggml-cpu/ggml-cpu.c src/ggml-cpu/quants.c src/ggml-cpu/arch/x86/quants.c; do
	build gcc gnu11 "$f"
done
for f in src/ggml.cpp src/ggml-backend.cpp src/ggml-backend-reg.cpp src/ggml-backend-meta.cpp src/ggml-backend-dl.cpp \
	src/ggml-opt.cpp src/ggml-threading.cpp src/gguf.cpp src/ggml-cpu/ggml-cpu.cpp src/ggml-cpu/binary-ops.cpp \
	src/ggml-cpu/unary-ops.cpp src/ggml-cpu/ops.cpp src/ggml-cpu/vec.cpp src/ggml-cpu/traits.cpp src/ggml-cpu/repack.cpp \
	src/ggml-cpu/hbm.cpp src/ggml-cpu/arch/x86/repack.cpp src/ggml-cpu/arch/x86/cpu-feats.cpp; do
	[[ -f $f ]] && build g++ c++17 "$f"
done
gcc -std=gnu11 "${flags[@]}" -c "$here/testdata/ggml_bench.c" -o "$out/bench.o"
g++ -o "$out/ggml_bench" "$out/bench.o" "$out"/obj/*.o -lpthread -lm

echo "## ggml $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "$src") beside trueno/quant"
cd "$here/../.."
go run ./examples/quantbench -ggml "$out/ggml_bench" -rounds "$rounds" -types "$types" -shapes "$shapes" -threads "$threads" -batch 0
