// ggml_bench times ggml's CPU backend on the product quantbench measures:
// mul_mat of a rows×cols quantized weight (16 distinct rows, repeated)
// with batch float32 activation columns on n threads, best of the
// repetitions within the given seconds. Built by ../llamacpp.sh against a
// ggml source tree; not part of the Go module.
//
//   ggml_bench TYPE ROWS COLS BATCH THREADS [SECONDS]
#include "ggml.h"
#include "ggml-cpu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char ** argv) {
    const char * tname = argv[1];
    int rows = atoi(argv[2]), cols = atoi(argv[3]), batch = atoi(argv[4]), nth = atoi(argv[5]);
    double secs = argc > 6 ? atof(argv[6]) : 1.0;
    enum ggml_type t = GGML_TYPE_COUNT;
    for (int i = 0; i < GGML_TYPE_COUNT; i++) {
        const char * n = ggml_type_name((enum ggml_type) i);
        if (n && strcasecmp(n, tname) == 0) { t = (enum ggml_type) i; }
    }
    if (t == GGML_TYPE_COUNT) { fprintf(stderr, "unknown type %s\n", tname); return 1; }
    size_t wbytes = ggml_row_size(t, cols) * rows;
    struct ggml_init_params ip = { wbytes + (size_t) batch * cols * 8 + (size_t) batch * rows * 8 + 64 * 1024 * 1024, NULL, false };
    struct ggml_context * ctx = ggml_init(ip);
    struct ggml_tensor * a = ggml_new_tensor_2d(ctx, t, cols, rows);
    struct ggml_tensor * b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, cols, batch);
    float * row = malloc(sizeof(float) * cols * 16);
    srand(1);
    for (int i = 0; i < cols * 16; i++) row[i] = (float) rand() / RAND_MAX * 2 - 1;
    size_t rb = ggml_row_size(t, cols);
    char * q = malloc(rb * 16);
    ggml_quantize_chunk(t, row, q, 0, 16, cols, NULL);
    for (int r = 0; r < rows; r++) memcpy((char *) a->data + (size_t) r * rb, q + (size_t)(r % 16) * rb, rb);
    for (int i = 0; i < cols * batch; i++) ((float *) b->data)[i] = (float) rand() / RAND_MAX * 2 - 1;
    struct ggml_tensor * c = ggml_mul_mat(ctx, a, b);
    struct ggml_cgraph * gf = ggml_new_graph(ctx);
    ggml_build_forward_expand(gf, c);
    ggml_graph_compute_with_ctx(ctx, gf, nth); // warm up
    double best = 1e9, start = now();
    int it = 0;
    while (it < 3 || now() - start < secs) {
        double t0 = now();
        ggml_graph_compute_with_ctx(ctx, gf, nth);
        double dt = now() - t0;
        if (dt < best) best = dt;
        it++;
    }
    printf("%s %dx%d batch %d threads %d: %.1f GB/s of weights, %.1f GFLOP/s (best of %d)\n", tname, rows, cols, batch, nth,
           wbytes / best / 1e9, 2.0 * rows * cols * batch / best / 1e9, it);
    return 0;
}
