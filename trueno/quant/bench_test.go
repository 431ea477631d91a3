package quant

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// Benchmarks: dequantize and dot throughput per type and path (bytes of
// the quantized row per second), matrix-vector products at the issue's
// shapes, hot (the matrix stays in the caches) and cold (a rotation of
// matrices larger than the last-level cache), and matrix-matrix with 128
// activation rows. The matrix benchmarks report their read rate as a
// fraction of the machine's read bandwidth measured in the same run
// ("of-read-bw"): compare ratios, not times, on a shared machine.
//
//	go test -run XXX -bench 'MatVec|ReadBandwidth' -benchtime 2x ./trueno/quant

// dequantTypes are the types BenchmarkDequantize runs: all of them, the
// activation formats Q8_1 and Q8_K included (they have dequantization
// kernels of their own).
var dequantTypes = []Type{F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ4_NL, IQ4_XS}

// dotTypes are the types BenchmarkDot runs: all but Q8_1 and Q8_K, whose
// Dot (of two activation rows) is the reference on every path.
func dotTypes() []Type {
	var ts []Type
	for _, t := range dequantTypes {
		if t != Q8_1 && t != Q8_K {
			ts = append(ts, t)
		}
	}
	return ts
}

func benchRow(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func BenchmarkDequantize(b *testing.B) {
	const n = 16384
	rng := rand.New(rand.NewPCG(1, 1))
	x := benchRow(rng, n)
	for _, t := range dequantTypes {
		q := make([]byte, t.RowBytes(n))
		Quantize(t, q, x)
		dst := make([]float32, n)
		b.Run(t.String(), func(b *testing.B) {
			forEachISABench(b, func(b *testing.B) {
				b.SetBytes(int64(len(q)))
				for b.Loop() {
					Dequantize(t, dst, q)
				}
			})
		})
	}
}

func BenchmarkDot(b *testing.B) {
	const n = 16384
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := benchRow(rng, n), benchRow(rng, n)
	for _, t := range dotTypes() {
		q := make([]byte, t.RowBytes(n))
		Quantize(t, q, x)
		yq := make([]byte, t.DotType().RowBytes(n))
		Quantize(t.DotType(), yq, y)
		b.Run(t.String(), func(b *testing.B) {
			forEachISABench(b, func(b *testing.B) {
				b.SetBytes(int64(len(q)))
				for b.Loop() {
					Dot(t, n, q, yq)
				}
			})
		})
	}
}

// readBandwidth is ReadBandwidth over 128 MiB (four times this machine's
// last-level cache), once per process.
var readBandwidth = sync.OnceValue(func() float64 { return ReadBandwidth(128<<20, 5) })

var sink uint64

func TestXorWords(t *testing.T) {
	b := make([]byte, 128*5)
	for i := range b {
		b[i] = byte(i * 7)
	}
	if got, want := xorWords(b), xorWordsGo(b); got != want {
		t.Fatalf("xorWords = %#x, want %#x", got, want)
	}
}

func BenchmarkReadBandwidth(b *testing.B) {
	buf := make([]byte, 128<<20)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		sink ^= xorWords(buf)
	}
}

// matTypes are the weight types the matrix benchmarks run: every type but
// the activation formats Q8_1 and Q8_K (no model stores weights in them),
// the four that LLM files mostly hold first (select with -bench).
func matTypes() []Type {
	ts := []Type{Q4_0, Q8_0, Q4_K, Q6_K}
	for _, t := range Types() {
		if t != Q8_1 && t != Q8_K && !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	return ts
}

func BenchmarkMatVec(b *testing.B) {
	bw := readBandwidth()
	rng := rand.New(rand.NewPCG(1, 3))
	pools := map[int]*Pool{1: NewPool(1), 2: NewPool(2)}
	defer pools[1].Close()
	defer pools[2].Close()
	for _, shape := range [][2]int{{4096, 4096}, {5632, 2048}} {
		rows, cols := shape[0], shape[1]
		wf := benchRow(rng, cols) // one row repeated: quantizing 4096 rows is slow
		x := benchRow(rng, cols)
		for _, t := range matTypes() {
			rb := t.RowBytes(cols)
			row := make([]byte, rb)
			Quantize(t, row, wf)
			// Hot: one matrix. Cold: copies totalling over 96 MiB, cycled.
			copies := max(1, (96<<20)/(rows*rb)+1)
			mats := make([][]byte, copies)
			for c := range mats {
				mats[c] = make([]byte, rows*rb)
				for r := range rows {
					copy(mats[c][r*rb:], row)
				}
			}
			dst := make([]float32, rows)
			for _, cold := range []bool{false, true} {
				for _, threads := range []int{1, 2} {
					name := fmt.Sprintf("%s/%dx%d/hot/threads=%d", t, rows, cols, threads)
					if cold {
						name = fmt.Sprintf("%s/%dx%d/cold/threads=%d", t, rows, cols, threads)
					}
					b.Run(name, func(b *testing.B) {
						forEachISABench(b, func(b *testing.B) {
							b.SetBytes(int64(rows * rb))
							i := 0
							start := time.Now()
							for b.Loop() {
								m := mats[0]
								if cold {
									m = mats[i%len(mats)]
									i++
								}
								MatVec(t, dst, m, x, pools[threads])
							}
							rate := float64(rows*rb) * float64(b.N) / time.Since(start).Seconds()
							b.ReportMetric(rate/bw, "of-read-bw")
						})
					})
				}
			}
		}
	}
}

// BenchmarkMatMat times MatMat with 128 activation rows at the
// TinyLlama-1.1B shapes (2048×2048: attention; 5632×2048: the FFN's gate
// and up), 1 and 2 threads, tile kernels and pairwise side by side.
//
//	go test -run XXX -bench 'MatMat/.*/avx512$' -benchtime 3x ./trueno/quant
func BenchmarkMatMat(b *testing.B) {
	const batch = 128
	rng := rand.New(rand.NewPCG(1, 4))
	pools := map[int]*Pool{1: NewPool(1), 2: NewPool(2)}
	defer pools[1].Close()
	defer pools[2].Close()
	for _, shape := range [][2]int{{2048, 2048}, {5632, 2048}} {
		rows, cols := shape[0], shape[1]
		x := benchRow(rng, batch*cols)
		for _, t := range matTypes() {
			rb := t.RowBytes(cols)
			w := make([]byte, rows*rb)
			for r := range 16 { // 16 distinct rows, repeated
				Quantize(t, w[r*rb:(r+1)*rb], benchRow(rng, cols))
			}
			for r := 16; r < rows; r++ {
				copy(w[r*rb:], w[(r%16)*rb:(r%16+1)*rb])
			}
			dst := make([]float32, batch*rows)
			for _, pairwise := range []bool{false, true} {
				if _, tiled := tileLayoutOf(t); !tiled && !pairwise {
					continue // no tile kernels for t: "pairwise" is its only MatMat
				}
				for _, threads := range []int{1, 2} {
					kind := "tile"
					if pairwise {
						kind = "pairwise"
					}
					b.Run(fmt.Sprintf("%s/%dx%d/batch=%d/%s/threads=%d", t, rows, cols, batch, kind, threads), func(b *testing.B) {
						forEachISABench(b, func(b *testing.B) {
							noTile = pairwise
							defer func() { noTile = false }()
							for b.Loop() {
								MatMat(t, dst, w, x, batch, pools[threads])
							}
							b.ReportMetric(2*float64(rows*cols*batch)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
						})
					})
				}
			}
		}
	}
}
