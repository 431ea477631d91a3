// Command llamacmp measures our engine (realizar/model) and llama.cpp's
// llama-bench side by side on the same GGUF files at the same thread
// counts, and prints a markdown table of medians and ratios.
//
//	go run ./internal/cmd/llamacmp -rounds 5 -threads 1,2 \
//		../shared/testdata/models/stories260K.gguf /work/models/tinyllama-q4_0.gguf
//
// The tests are llama-bench's: prompt processing (pp) evaluates -p random
// tokens (default 128) in one batch from an empty cache; generation (tg)
// evaluates -n tokens (default 64) one at a time from an empty cache, each
// with a warm-up pass first, the first token BOS when the vocabulary adds
// one. Both sides use a float16 key/value cache unless -kv f32.
//
// Every run is a separate process: llama-bench -o json for llama.cpp, and
// this program re-executed with -child for ours (a Spec on standard input,
// Samples on standard output), so that peak resident memory is measured the
// same way for both — ru_maxrss of the finished child, which counts the
// pages of the memory-mapped model each touched as well as its heap. Our
// child limits GOMAXPROCS to the thread count, so with -threads 1 the
// garbage collector cannot borrow a second core.
//
// For each file and thread count the two sides alternate for -rounds
// rounds, the order flipping each round; the table gives the median
// tokens/second of all repetitions (with -stat best the fastest, which on
// a shared machine is the least disturbed), ours/llama.cpp (above 1: ours
// is faster), and the median peak RSS. Progress lines go to standard error,
// the table and a line on the conditions (load average before and after)
// to standard output. -cpuprofile DIR writes CPU profiles of our side's
// first round (pp and tg apart) for go tool pprof.
//
// llama-bench is found at -llama-bench (default
// /work/llama.cpp/build/bin/llama-bench); when it is absent the command
// says how to build it.
package main
