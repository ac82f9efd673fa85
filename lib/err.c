/* err.c: names and texts of enum ej_err, generated from EJ_ERR_MAP. */
#include "internal.h"

const char *ej_errname(enum ej_err err)
{
    switch (err) {
#define EJ_ERR_NAME(name, num, text) \
    case EJ_##name:                  \
        return #name;
        EJ_ERR_MAP(EJ_ERR_NAME)
#undef EJ_ERR_NAME
    }
    return "UNKNOWN";
}

const char *ej_strerror(enum ej_err err)
{
    switch (err) {
#define EJ_ERR_TEXT(name, num, text) \
    case EJ_##name:                  \
        return text;
        EJ_ERR_MAP(EJ_ERR_TEXT)
#undef EJ_ERR_TEXT
    }
    return "unknown error";
}
