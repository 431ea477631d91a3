#!/usr/bin/env bash
# Runs trueno's kernel benchmarks on every path this machine has and prints
# a Markdown table of throughput (GB/s, from b.SetBytes) per kernel, path
# and size. Each benchmark runs -count times; the table shows the median.
#
#   bash scripts/bench-trueno.sh                 # the kernels of the issue's targets
#   BENCH='AddTo|Dot$' COUNT=5 bash scripts/bench-trueno.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${BENCH:-'^Benchmark(Dot|Sum|Axpy|AddTo|Max|Argmax|L2Norm|ExpTo|LogTo|SigmoidTo|SiLUTo|GELUTo|SoftmaxTo|RMSNormTo|LayerNormTo|RoPE|Float32ToFloat16|Float32ToBFloat16|Dot64)$'}
count=${COUNT:-3}
benchtime=${BENCHTIME:-200ms}
go test -run '^$' -bench "$bench" -benchtime "$benchtime" -count "$count" ./trueno |
	awk '
	/^Benchmark/ && /MB\/s/ {
		split($1, p, "/"); name = p[1]; sub(/^Benchmark/, "", name)
		isa = p[2]; size = p[3]; sub(/-[0-9]+$/, "", size); sub(/^n=/, "", size)
		for (i = 1; i <= NF; i++) if ($(i+1) == "MB/s") v = $i / 1000
		key = name SUBSEP size SUBSEP isa
		vals[key] = vals[key] " " v
		if (!(name in seen)) { seen[name] = 1; order[++nn] = name }
		if (!((name, size) in ss)) { ss[name, size] = 1; sizes[name] = sizes[name] " " size }
		isas[isa] = 1
	}
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		ni = 0
		for (x in isas) list[++ni] = x
		# generic first, then the SIMD paths in name order
		for (i = 1; i <= ni; i++) for (j = i + 1; j <= ni; j++)
			if ((list[j] == "generic") || (list[i] != "generic" && list[j] < list[i])) { t = list[i]; list[i] = list[j]; list[j] = t }
		printf "| kernel | n |"; for (i = 1; i <= ni; i++) printf " %s GB/s |", list[i]; printf " best/generic |\n"
		printf "|---|---:|"; for (i = 1; i <= ni; i++) printf "---:|"; printf "---:|\n"
		for (k = 1; k <= nn; k++) {
			name = order[k]; m = split(sizes[name], sz, " ")
			for (s = 1; s <= m; s++) {
				printf "| %s | %s |", name, sz[s]; best = 0; gen = 0
				for (i = 1; i <= ni; i++) {
					key = name SUBSEP sz[s] SUBSEP list[i]
					if (key in vals) { v = median(vals[key]); printf " %.2f |", v; if (v > best) best = v; if (list[i] == "generic") gen = v }
					else printf " - |"
				}
				if (gen > 0) printf " %.1fx |\n", best / gen; else printf " - |\n"
			}
		}
	}'
