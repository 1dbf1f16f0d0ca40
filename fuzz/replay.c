/* Replays inputs through a libFuzzer harness without libFuzzer, so that
 * `make test` (and `make asan`, with its sanitizers) runs every input that
 * once crashed a harness (fuzz/regressions/<target>/) on every build: a
 * replay is deterministic and fast; random fuzzing stays in `make fuzz`.
 *
 *   build/replay/fuzz_<target> FILE...
 *
 * Each file is given to LLVMFuzzerTestOneInput once, after
 * LLVMFuzzerInitialize when the harness has one. A harness aborts when its
 * oracle fails; a sanitizer ends the process on a memory error. Exit 0 when
 * every input went through. */
#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        unsigned char *data = fuzz_read_file(argv[i], &len);
        if (!data) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 3;
        }
        LLVMFuzzerTestOneInput(data, len);
        free(data);
    }
    printf("replayed %d input%s\n", argc - 1, argc == 2 ? "" : "s");
    return 0;
}
