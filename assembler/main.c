/* clasm command line: a thin client of clasm.h. (Being written.) */
#include "clasm.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    if (argc < 2) {
        fprintf(stderr, "usage: clasm COMMAND ...\n");
        return CLASM_E_USAGE;
    }
    return CLASM_E_USAGE;
}
