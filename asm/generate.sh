#!/usr/bin/env bash
# Regenerates every generated assembly file of trueno from the generator
# programs in this module: one program per kernel family, asm/FAMILY/, which
# writes trueno/FAMILY_amd64.s (avo, AVX2 and AVX-512) with its Go
# declarations and trueno/FAMILY_arm64.s (our arm64 emitter, NEON) with its
# Go declarations. A family whose folder holds a file OUTDIR writes into the
# folder named there (relative to asm/, e.g. ../trueno/mat) instead.
# Run from anywhere; CI runs it to check freshness.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")"
outs=(../trueno)
for main in */main.go; do
	fam=${main%/main.go}
	out=../trueno
	if [[ -f $fam/OUTDIR ]]; then
		out=$(<"$fam/OUTDIR")
		outs+=("$out")
	fi
	go run "./$fam" \
		-out "$out/${fam}_amd64.s" -stubs "$out/${fam}_stubs_amd64.go" \
		-neon "$out/${fam}_arm64.s" -neonstubs "$out/${fam}_stubs_arm64.go"
done
for out in "${outs[@]}"; do
	stubs=("$out"/*_stubs_amd64.go "$out"/*_stubs_arm64.go)
	if ((${#stubs[@]})); then gofmt -w "${stubs[@]}"; fi
done
