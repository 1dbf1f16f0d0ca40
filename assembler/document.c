/* The document types a deal may ask for, and their spellings. */
#include "deal.h"

#include <string.h>

const char *const deal_documents[] = {"contract", "eula", "reseller-agreement", "addendum", NULL};

const char *clasm_document_name(clasm_document doc)
{
    return (int)doc >= 0 && doc < CLASM_DOC_COUNT ? deal_documents[doc] : NULL;
}

int clasm_document_from_name(const char *name)
{
    for (int i = 0; name && i < CLASM_DOC_COUNT; i++)
        if (strcmp(deal_documents[i], name) == 0)
            return i;
    return -1;
}
