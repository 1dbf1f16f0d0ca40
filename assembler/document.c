/* The document types a deal may ask for, and their spellings. */
#include "clasm.h"

#include <string.h>

static const char *const document_names[CLASM_DOC_COUNT] = {"contract", "eula",
                                                            "reseller-agreement"};

const char *clasm_document_name(clasm_document doc)
{
    return (int)doc >= 0 && doc < CLASM_DOC_COUNT ? document_names[doc] : NULL;
}

int clasm_document_from_name(const char *name)
{
    for (int i = 0; name && i < CLASM_DOC_COUNT; i++)
        if (strcmp(document_names[i], name) == 0)
            return i;
    return -1;
}
