/* A package's relationships and content types (package.h): the .rels part
 * of a part, relationships added with fresh ids, [Content_Types].xml
 * overrides and defaults. Each edits the part's tree the edit keeps
 * (pkg_edit_xml): parsed once, serialized once when the package is
 * written. */
#include "package.h"

#include "diag.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"

char *pkg_rels_part(const char *part)
{
    const char *slash = strrchr(part, '/');
    size_t dir = slash ? (size_t)(slash - part + 1) : 0;
    const char *name = part + dir;
    size_t n = strlen(part) + 16;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s_rels/%s.rels", (int)dir, part, name);
    return out;
}

/* The kept tree of part (pkg_edit_xml), or a new empty one (root element
 * root in namespace ns) adopted as that part when the package has none.
 * NULL when out of memory or malformed (reported). */
static xmlDocPtr kept_or_new(pkg_edit *e, const char *part, const char *ns, const char *root,
                             clasm_diags *diags)
{
    if (pkg_edit_has(e, part))
        return pkg_edit_xml(e, part, diags);
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr r = doc ? xmlNewDocNode(doc, NULL, BAD_CAST root, NULL) : NULL;
    if (!r) {
        xmlFreeDoc(doc);
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", pkg_name(pkg_edit_base(e)), part, 0,
                  "out of memory while creating the part %s", part);
        return NULL;
    }
    xmlDocSetRootElement(doc, r);
    xmlSetNs(r, xmlNewNs(r, BAD_CAST ns, NULL));
    doc->standalone = 1;
    return pkg_edit_store(e, part, doc, diags) == 0 ? doc : NULL;
}

int pkg_edit_store(pkg_edit *e, const char *part, xmlDocPtr doc, clasm_diags *diags)
{
    if (pkg_edit_adopt_xml(e, part, doc) != 0) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", pkg_name(pkg_edit_base(e)), part, 0,
                  "out of memory while storing the part %s", part);
        return -1;
    }
    return 0;
}

int pkg_add_relationship(pkg_edit *e, const char *source_part, const char *type, const char *target,
                         char **rid, clasm_diags *diags)
{
    char *rels = pkg_rels_part(source_part);
    xmlDocPtr doc = rels ? kept_or_new(e, rels, REL_NS, "Relationships", diags) : NULL;
    if (!doc) {
        free(rels);
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char id[32];
    for (int k = 1;; k++) {
        snprintf(id, sizeof id, "rIdClasm%d", k);
        int used = 0;
        for (xmlNodePtr n = root->children; n && !used; n = n->next) {
            xmlChar *v = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, BAD_CAST "Id") : NULL;
            used = v && xmlStrcmp(v, BAD_CAST id) == 0;
            xmlFree(v);
        }
        if (!used)
            break;
    }
    xmlNodePtr rel = xmlNewChild(root, root->ns, BAD_CAST "Relationship", NULL);
    int rc = -1;
    if (rel && xmlNewProp(rel, BAD_CAST "Id", BAD_CAST id) &&
        xmlNewProp(rel, BAD_CAST "Type", BAD_CAST type) &&
        xmlNewProp(rel, BAD_CAST "Target", BAD_CAST target))
        rc = pkg_edit_changed(e, rels);
    if (rc == 0 && rid && !(*rid = strdup(id)))
        rc = -1;
    free(rels);
    return rc;
}

int pkg_add_override(pkg_edit *e, const char *part, const char *content_type, clasm_diags *diags)
{
    xmlDocPtr doc = pkg_edit_xml(e, "[Content_Types].xml", diags);
    if (!doc)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    size_t n = strlen(part) + 2;
    char *name = malloc(n);
    int rc = -1;
    if (name && root) {
        snprintf(name, n, "/%s", part);
        int exists = 0;
        for (xmlNodePtr o = root->children; o && !exists; o = o->next) {
            xmlChar *v = o->type == XML_ELEMENT_NODE ? xmlGetProp(o, BAD_CAST "PartName") : NULL;
            exists = v && xmlStrcasecmp(v, BAD_CAST name) == 0;
            xmlFree(v);
        }
        if (exists) {
            rc = 0;
        } else {
            xmlNodePtr o = xmlNewChild(root, root->ns, BAD_CAST "Override", NULL);
            if (o && xmlNewProp(o, BAD_CAST "PartName", BAD_CAST name) &&
                xmlNewProp(o, BAD_CAST "ContentType", BAD_CAST content_type))
                rc = pkg_edit_changed(e, "[Content_Types].xml");
        }
    }
    free(name);
    return rc;
}

int pkg_has_default(pkg_edit *e, const char *extension, clasm_diags *diags)
{
    xmlDocPtr doc = pkg_edit_xml(e, "[Content_Types].xml", diags);
    if (!doc)
        return 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int found = 0;
    for (xmlNodePtr d = root ? root->children : NULL; d && !found; d = d->next) {
        if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "Default") != 0)
            continue;
        xmlChar *v = xmlGetProp(d, BAD_CAST "Extension");
        found = v && xmlStrcasecmp(v, BAD_CAST extension) == 0;
        xmlFree(v);
    }
    return found;
}
